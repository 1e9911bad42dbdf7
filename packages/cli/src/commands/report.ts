import { perOwnerUsage, resolveOwnerNames, reportSummaries, type OwnerNames, type Walk } from '@pwalk-ts/reader';
import type { ReportArgs } from '../command-table/report.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { reportHtml } from '../report/report-html.js';
import { reportJson } from '../report/report-model.js';
import { writePerOwner } from '../report/per-owner-output.js';
import type { ReportJson } from '../report/report-schema.js';
import { topLevels } from '../report/top-levels.js';
import { drillDownRows } from '../report/drill-down.js';
import { writeReportOutputs } from '../report/report-output.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: ReportArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const names = await resolveOwnerNames();
  if (args['per-owner'] !== undefined) {
    await perOwner(args, args['per-owner'], walk, names, io);
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  }
  // One streaming pass feeds every summary: it holds no entries, memory follows directories and owners.
  // A damaged block is skipped (and said on stderr, exit 1): the report holds everything else.
  const {
    usage: summary,
    directories,
    errors,
  } = await reportSummaries(walk, {
    usage: { largest: args.top, names, extensions: args.top },
    errorSamples: args.top,
    onCorrupt: 'skip',
    threads: args.workers,
  });
  const doc = reportJson({
    walk,
    summary,
    bySize: directories.top(args.top, 'apparent'),
    byFiles: directories.top(args.top, 'files'),
    topLevels: topLevels(directories, args.top),
    drillDown: drillDownRows(directories),
    errors,
    names,
    top: args.top,
    generatedAt: new Date(),
  });
  await writeReportOutputs(args, doc, reportHtml, summaryText, io);
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}

function summaryText(r: ReportJson): string {
  const h = r.headline;
  const lines = [
    `files      ${humanCount(h.files)}  (${humanCount(h.dirs)} dirs, ${humanCount(h.entries)} entries)`,
    `size       ${humanBytes(h.apparentBytes)}${h.allocatedBytes === null ? '' : `  (${humanBytes(h.allocatedBytes)} allocated)`}`,
    `errors     ${humanCount(h.errors)}`,
  ];
  const biggest = r.topDirectoriesBySize.find((d) => d.depth === 1n || d.depth === 1);
  if (biggest !== undefined) lines.push(`largest    ${escapeControls(biggest.path)} (${humanBytes(biggest.apparentBytes)})`);
  return lines.join('\n') + '\n';
}

/** `--per-owner DIR`: one pass over the walk for every owner, then their files and the index. */
async function perOwner(args: ReportArgs, dir: string, walk: Walk, names: OwnerNames, io: CliIo): Promise<void> {
  const minBytes = args['min-bytes'] ?? 0n;
  const usage = await perOwnerUsage(walk, { by: args.owners ?? 'user', top: args.top, minBytes, names, onCorrupt: 'skip' });
  if (usage.compact) throw new UsageError(`${walk.dir} was walked with --compact, which records no owners: no pages written`);
  const index = await writePerOwner(dir, { walk, usage, names, top: args.top, minBytes, generatedAt: new Date() }, io);
  if (args.quiet) return;
  const kinds = `${index.kind}s`;
  const lines = [`${kinds.padEnd(10)} ${humanCount(index.owners.length)} pages in ${escapeControls(dir)} (index.html, index.json)`];
  if (index.omitted.owners > 0) {
    lines.push(`left out   ${humanCount(index.omitted.owners)} ${kinds} under ${humanBytes(minBytes)} (${humanBytes(index.omitted.apparentBytes)} together)`);
  }
  io.stdout.write(lines.join('\n') + '\n');
}
