import { directoryTotals, errorSummary, resolveOwnerNames, topDirectories, usageSummary } from '@pwalk-ts/reader';
import type { ReportArgs } from '../command-table/report.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { reportHtml } from '../report/report-html.js';
import { reportJson } from '../report/report-model.js';
import type { ReportJson } from '../report/report-schema.js';
import { topLevels } from '../report/top-levels.js';
import { writeReportOutputs } from '../report/report-output.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: ReportArgs, io: CliIo): Promise<number> {
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
