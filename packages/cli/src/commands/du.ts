import { z } from 'zod';
import { directoryTotals, topDirectories, type DirectoryTotal } from '@pwalk-ts/reader';
import { integerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { jsonPath } from '../output/record-formats.js';
import { escapeControls } from '../output/terminal-text.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export const DU_HELP = `Usage: pwalk-ts du WALK [--depth N] [--top N [--by size|files|entries]] [--apparent|--allocated] [--json]

Space used below each directory of a walk, like du, from the walk folder alone:
recursive size (hard links counted once), file count and entry count.

Options:
  --depth N     directories down to depth N (the root is 0; default 1)
  --top N       instead, the N largest directories at any depth
  --by WHAT     with --top: rank by size (default), files (regular files below) or entries
  --apparent    sizes are the sum of st_size (default)
  --allocated   sizes are st_blocks x 512 (what the disk holds)
  --json        one JSON object per directory, every integer exact
`;

const options = {
  depth: { type: 'string' },
  top: { type: 'string' },
  by: { type: 'string' },
  apparent: { type: 'boolean' },
  allocated: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const schema = z.object({
  positionals: z.array(z.string()).length(1, 'give one walk folder: pwalk-ts du WALK'),
  depth: integerFlag(0, 1_000_000).optional(),
  top: integerFlag(1, 1_000_000_000).optional(),
  by: z.enum(['size', 'files', 'entries'], { error: 'use one of size, files, entries' }).optional(),
  apparent: z.boolean().default(false),
  allocated: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function duCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, options, schema);
  if (args.apparent && args.allocated) throw new UsageError('--apparent and --allocated exclude each other');
  if (args.top !== undefined && args.depth !== undefined) throw new UsageError('--top and --depth exclude each other');
  if (args.by !== undefined && args.top === undefined) throw new UsageError('--by ranks the --top directories: give --top N too');
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
    if (!args.json) return `${humanBytes(size(t)).padStart(10)}  ${String(size(t)).padStart(16)}  ${humanCount(t.files).padStart(12)} files  ${escapeControls(t.path)}\n`;
    const p = jsonPath(t);
    return (
      `{"path":${p.path},"depth":${t.depth},"bytes":${size(t)},"apparentBytes":${t.apparentBytes},` +
      `"allocatedBytes":${t.allocatedBytes ?? 'null'},"entries":${t.entries},"files":${t.files},"dirs":${t.dirs},` +
      `"directEntries":${t.directEntries},"directBytes":${t.directBytes}${p.extra}}\n`
    );
  });
  await writeChunk(io.stdout, lines.join(''));
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
