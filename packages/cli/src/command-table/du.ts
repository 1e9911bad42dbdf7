import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  depth: flag.integer('N', 0, 1_000_000, 'directories down to depth N (the root is 0; default 1)'),
  top: flag.integer('N', 1, 1_000_000_000, 'instead, the N largest directories at any depth'),
  by: flag.choice(['size', 'files', 'entries'], 'with --top: rank by size (default), files (regular files below)\nor entries', null),
  apparent: flag.switch('sizes are the sum of st_size (default)'),
  allocated: flag.switch('sizes are st_blocks x 512 (what the disk holds)'),
  json: flag.switch('one JSON object per directory, every integer exact'),
};

export type DuArgs = ParsedArgs<typeof flags>;

export const duDefinition = defineCommand({
  name: 'du',
  synopsis: 'du WALK [options]',
  summary: 'space below each directory, hard links once',
  description:
    'Space used below each directory of a walk, like du, from the walk folder alone:\nrecursive size (hard links counted once), file count and entry count.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts du WALK' },
  flags,
  check(args) {
    if (args.apparent && args.allocated) throw new UsageError('--apparent and --allocated exclude each other');
    if (args.top !== undefined && args.depth !== undefined) throw new UsageError('--top and --depth exclude each other');
    if (args.by !== undefined && args.top === undefined) throw new UsageError('--by ranks the --top directories: give --top N too');
  },
  load: () => import('../commands/du.js'),
});
