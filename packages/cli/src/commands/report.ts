import { z } from 'zod';
import { directoryTotals, errorSummary, resolveOwnerNames, topDirectories, usageSummary } from '@pwalk-ts/reader';
import { parseCommand } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { reportHtml } from '../report/report-html.js';
import { reportJson } from '../report/report-model.js';
import type { ReportJson } from '../report/report-schema.js';
import { topLevels } from '../report/top-levels.js';
import { checkOutputFlags, OUTPUT_HELP, OUTPUT_OPTIONS, outputFlags, writeReportOutputs } from '../report/report-output.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export const REPORT_HELP = `Usage: pwalk-ts report WALK [--html FILE] [--json FILE] [--top N] [--quiet]

A capacity report of one walk: totals, top directories (chart, table, treemap),
usage by user and group, mtime and atime age histograms, cold data per owner
(not read for a year or more), extensions, largest files and errors.

Options:
  --html FILE   a self-contained HTML page (charts, tables; opens from disk or e-mail)
  --json FILE   the same figures as JSON, every integer exact ('-' for stdout)
  --top N       rows in each ranking (default 20)
${OUTPUT_HELP}`;

const schema = z.object({
  positionals: z.array(z.string()).length(1, 'give one walk folder: pwalk-ts report WALK'),
  ...outputFlags,
});

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, OUTPUT_OPTIONS, schema);
  checkOutputFlags(args);
  const walk = await openWalkForReading(args.positionals[0]!);
  const names = await resolveOwnerNames();
  // Three streaming passes: none holds the entries, memory follows directories and owners.
  // A damaged block is skipped (and said on stderr, exit 1): the report holds everything else.
  const summary = await usageSummary(walk, { largest: args.top, names, extensions: args.top, onCorrupt: 'skip' });
  const totals = await directoryTotals(walk, { onCorrupt: 'skip' });
  const errors = await errorSummary(walk, { samples: args.top, onCorrupt: 'skip' });
  const doc = reportJson({
    walk,
    summary,
    bySize: topDirectories(totals, args.top, 'apparent'),
    byFiles: topDirectories(totals, args.top, 'files'),
    topLevels: topLevels(totals, args.top),
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
