import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  by: flag.choice(
    ['user', 'group', 'ext', 'mtime', 'atime', 'depth'],
    "user or group: by owner, named through getent (else the number);\next: regular files by extension (archive.tar.gz is tar.gz, .bashrc has none);\nmtime, atime: by age before the walk's start\n(future, < 30 d, 30-90 d, 90 d-1 y, 1-3 y, > 3 y);\ndepth: by depth below the root (the root is 0)",
    'user',
  ),
  top: flag.integer('N', 1, 1_000_000_000, "user, group, ext: the N largest rows, the rest summed into one '(other)' row"),
  json: flag.switch('one JSON object per row, every integer exact'),
};

export type UsageArgs = ParsedArgs<typeof flags>;

export const usageDefinition = defineCommand({
  name: 'usage',
  synopsis: 'usage WALK [--by KEY] [options]',
  summary: 'space by user, group, ext, mtime, atime or depth',
  description:
    "Who uses the space, in what kind of file, and since when, from a walk folder: one\nrow per owner, extension, age bucket or depth, with a file's hard links counted once.",
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts usage WALK' },
  flags,
  check(args) {
    const ranked = args.by === 'user' || args.by === 'group' || args.by === 'ext';
    if (args.top !== undefined && !ranked) throw new UsageError(`--top applies to --by user, group or ext, not ${args.by}`);
  },
  load: () => import('../commands/usage.js'),
});
