import { directoryTotals, topDirectories, type DirectoryTotal } from '@pwalk-ts/reader';
import type { DuArgs } from '../command-table/du.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { exactJson } from '../output/exact-json.js';
import { pathBase64 } from '../output/record-formats.js';
import { escapeControls } from '../output/terminal-text.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: DuArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  // The thread files' headers say --compact: refused before a pass over every entry, not after.
  if (args.allocated && walk.files.some((f) => !f.header.fullAttrs)) {
    throw new UsageError('this walk was made with --compact and has no block counts: use --apparent');
  }
  const totals = await directoryTotals(walk, { onCorrupt: 'skip' });
  const size = (t: DirectoryTotal): bigint => (args.allocated ? t.allocatedBytes! : t.apparentBytes);
  const by = args.by === undefined || args.by === 'size' ? (args.allocated ? 'allocated' : 'apparent') : args.by;
  const shown = args.top !== undefined ? topDirectories(totals, args.top, by) : totals.filter((t) => t.depth <= (args.depth ?? 1));
  const lines = shown.map((t) => {
    if (!args.json)
      return `${humanBytes(size(t)).padStart(10)}  ${String(size(t)).padStart(16)}  ${humanCount(t.files).padStart(12)} files  ${escapeControls(t.path)}\n`;
    const row = {
      path: t.path,
      depth: t.depth,
      bytes: size(t),
      apparentBytes: t.apparentBytes,
      allocatedBytes: t.allocatedBytes,
      entries: t.entries,
      files: t.files,
      dirs: t.dirs,
      directEntries: t.directEntries,
      directBytes: t.directBytes,
      pathBase64: pathBase64(t.pathBytes),
    };
    return exactJson(row) + '\n';
  });
  await writeChunk(io.stdout, lines.join(''));
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
