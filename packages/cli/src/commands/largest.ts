import { resolveOwnerNames, usageSummary } from '@pwalk-ts/reader';
import type { LargestArgs } from '../command-table/largest.js';
import { ExitCode } from '../exit-codes.js';
import { isoDate } from '../format-date.js';
import { humanBytes } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { exactJson } from '../output/exact-json.js';
import { pathBase64 } from '../output/record-formats.js';
import { escapeControls } from '../output/terminal-text.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: LargestArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const names = await resolveOwnerNames();
  const { largestFiles } = await usageSummary(walk, { largest: args.top, names, onCorrupt: 'skip' });
  const owner = (id: number | null, name: (n: number) => string): string => (id === null ? '-' : name(id));
  const lines = largestFiles.map((f) => {
    const user = owner(f.uid, names.user);
    const group = owner(f.gid, names.group);
    if (args.json) {
      const row = {
        path: f.path,
        size: f.size,
        allocatedBytes: f.allocatedBytes,
        uid: f.uid,
        gid: f.gid,
        user,
        group,
        mtime: f.mtimeExact,
        atime: f.atimeExact,
        pathBase64: pathBase64(f.pathBytes),
      };
      return exactJson(row) + '\n';
    }
    const modified = isoDate(f.mtimeExact);
    return `${humanBytes(f.size).padStart(10)}  ${String(f.size).padStart(16)}  ${escapeControls(user).padEnd(12)}  ${modified}  ${escapeControls(f.path)}\n`;
  });
  const header = args.json ? '' : `${'size'.padStart(10)}  ${'bytes'.padStart(16)}  ${'user'.padEnd(12)}  ${'modified'.padEnd(10)}  path\n`;
  await writeChunk(io.stdout, header + lines.join(''));
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
