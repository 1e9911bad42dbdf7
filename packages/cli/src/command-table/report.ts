import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { checkReportOutputs, REPORT_OUTPUT_EPILOGUE, reportOutputFlags } from './report-flags.js';

const flags = {
  ...reportOutputFlags,
  top: flag.integer('N', 1, 1_000_000, 'rows in each ranking', 20),
};

export type ReportArgs = ParsedArgs<typeof flags>;

export const reportDefinition = defineCommand({
  name: 'report',
  synopsis: 'report WALK [options]',
  summary: 'capacity report: HTML with charts, JSON',
  description:
    'A capacity report of one walk: totals, top directories (chart, table, treemap),\nusage by user and group, mtime and atime age histograms, cold data per owner\n(not read for a year or more), extensions, largest files and errors.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts report WALK' },
  flags,
  check: checkReportOutputs,
  epilogue: REPORT_OUTPUT_EPILOGUE,
  load: () => import('../commands/report.js'),
});
