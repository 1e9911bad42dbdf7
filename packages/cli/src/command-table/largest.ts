import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  top: flag.integer('N', 1, 1_000_000, 'how many', 20),
  json: flag.switch('one JSON object per file, every integer exact; pathBase64 when the\npath is not UTF-8'),
};

export type LargestArgs = ParsedArgs<typeof flags>;

export const largestDefinition = defineCommand({
  name: 'largest',
  synopsis: 'largest WALK [--top N] [--json]',
  summary: 'the largest files',
  description:
    'The largest regular files of a walk, largest first (equal sizes in path byte\norder); a file with several hard links is listed once, under its smallest path.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts largest WALK' },
  flags,
  load: () => import('../commands/largest.js'),
});
