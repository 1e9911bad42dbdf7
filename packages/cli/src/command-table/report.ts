import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { UsageError } from '../errors.js';
import { checkReportOutputs, REPORT_OUTPUT_EPILOGUE, reportOutputFlags } from './report-flags.js';

const flags = {
  ...reportOutputFlags,
  top: flag.integer('N', 1, 1_000_000, 'rows in each ranking', 20),
  'per-owner': flag.text('DIR', 'instead, one HTML page and one JSON document per owner in DIR\n(made if missing), and index.html, index.json listing them'),
  owners: flag.choice(['user', 'group'], 'with --per-owner: owners are users (uid, the default) or groups (gid)', null),
  'min-bytes': flag.bytes('B', 'with --per-owner: leave out owners holding fewer bytes (apparent),\ne.g. 1GiB'),
  workers: flag.integer(
    'N',
    1,
    64,
    'threads reading the walk, this one included: it keeps the directories,\nall count usage; default one per idle core up to 3 (1: this one alone)',
  ),
};

export type ReportArgs = ParsedArgs<typeof flags>;

export const reportDefinition = defineCommand({
  name: 'report',
  synopsis: 'report WALK [options]',
  summary: 'capacity report: HTML with charts, JSON',
  description:
    'A capacity report of one walk: totals, top directories (chart, table, treemap),\nusage by user and group, mtime and atime age histograms, cold data per owner\n(not read for a year or more), extensions, largest files and errors.\nWith --per-owner DIR: a page and a JSON document for each owner (their totals\nand share, largest directories and files, ages, cold data) and an index,\nfrom one pass over the walk.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts report WALK' },
  flags,
  check(args) {
    checkReportOutputs(args);
    if (args['per-owner'] !== undefined && args.workers !== undefined) throw new UsageError('--workers is for the report of the whole walk, not --per-owner');
    if (args['per-owner'] === undefined) {
      if (args.owners !== undefined) throw new UsageError('--owners chooses the owners of --per-owner DIR: give --per-owner too');
      if (args['min-bytes'] !== undefined) throw new UsageError('--min-bytes leaves owners out of --per-owner DIR: give --per-owner too');
    } else if (args['per-owner'] === '-') {
      throw new UsageError('--per-owner writes a folder of files: give a folder, not - (stdout)');
    } else if (args.html !== undefined || args.json !== undefined) {
      throw new UsageError('--per-owner writes its own pages and documents: run report again for --html or --json');
    }
  },
  epilogue: REPORT_OUTPUT_EPILOGUE,
  load: () => import('../commands/report.js'),
});
