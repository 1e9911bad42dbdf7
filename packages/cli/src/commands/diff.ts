import { diffWalks, resolveOwnerNames } from '@pwalk-ts/reader';
import type { DiffArgs } from '../command-table/diff.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount, humanSignedBytes } from '../format-units.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { diffHtml } from '../report/diff-html.js';
import { diffJson } from '../report/diff-model.js';
import type { DiffJson } from '../report/diff-schema.js';
import { writeReportOutputs } from '../report/report-output.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: DiffArgs, io: CliIo): Promise<number> {
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
