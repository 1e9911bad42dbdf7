import { z } from 'zod';
import { diffWalks, resolveOwnerNames } from '@pwalk-ts/reader';
import { parseCommand } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount, humanSignedBytes } from '../format-units.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { diffHtml } from '../report/diff-html.js';
import { diffJson } from '../report/diff-model.js';
import type { DiffJson } from '../report/diff-schema.js';
import { checkOutputFlags, OUTPUT_HELP, OUTPUT_OPTIONS, outputFlags, writeReportOutputs } from '../report/report-output.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export const DIFF_HELP = `Usage: pwalk-ts diff OLD_WALK NEW_WALK [--html FILE] [--json FILE] [--top N] [--quiet]

What changed between two walks of the same tree: new, deleted and modified files
(same path; modified = size or mtime changed), and growth and shrinkage by
directory, owner and extension. Both walks are read in path order and merged, so
memory stays bounded for any walk size.

Options:
  --html FILE   a self-contained HTML page (charts, tables; opens from disk or e-mail)
  --json FILE   the same figures as JSON, every integer exact ('-' for stdout)
  --top N       rows in each grown and shrunk list, and largest new files (default 20)
${OUTPUT_HELP}`;

const schema = z.object({
  positionals: z.array(z.string()).length(2, 'give two walk folders: pwalk-ts diff OLD_WALK NEW_WALK'),
  ...outputFlags,
});

export async function diffCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, OUTPUT_OPTIONS, schema);
  checkOutputFlags(args);
  const [oldWalk, newWalk] = [await openWalkForReading(args.positionals[0]!), await openWalkForReading(args.positionals[1]!)];
  const names = resolveOwnerNames();
  return stopOnSignals(io, 'diff', async (signal) => {
    // A damaged block is skipped (and said on stderr, exit 1): its entries count as deleted or new.
    const diff = await diffWalks(oldWalk, newWalk, { top: args.top, onCorrupt: 'skip', signal });
    const doc = diffJson(diff, oldWalk, newWalk, await names, args.top, new Date());
    await writeReportOutputs(args, doc, diffHtml, summary, io);
    const oldBad = reportProblems(oldWalk, io);
    const newBad = reportProblems(newWalk, io);
    return oldBad || newBad ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

function summary(d: DiffJson): string {
  return (
    [
      `net change  ${humanSignedBytes(BigInt(d.netBytes))}  (${humanBytes(d.old.totals.bytes)} -> ${humanBytes(d.new.totals.bytes)})`,
      `new         ${humanCount(d.added.files)} files, ${humanCount(d.added.dirs)} dirs, ${humanBytes(d.added.bytes)}`,
      `deleted     ${humanCount(d.deleted.files)} files, ${humanCount(d.deleted.dirs)} dirs, ${humanBytes(d.deleted.bytes)}`,
      `modified    ${humanCount(d.modified.files)} files, ${humanSignedBytes(BigInt(d.modified.deltaBytes))}`,
      ...(d.sameRoot ? [] : [`roots       differ: ${escapeControls(d.old.root)} -> ${escapeControls(d.new.root)} (paths compared relative to each)`]),
    ].join('\n') + '\n'
  );
}
