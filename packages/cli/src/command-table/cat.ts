import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  format: flag.choice(
    ['ndjson', 'csv', 'pwalk'],
    "ndjson: one JSON object per entry, integers exact;\ncsv: RFC 4180 with a header row, paths as their exact bytes;\npwalk: rows of pwalk 3.0's CSV, for existing pwalk pipelines",
    'ndjson',
  ),
  header: flag.switch("with --format pwalk: print pwalk's column line first"),
  sort: flag.choice(['none', 'path'], 'path: canonical order: byte order of paths, the same for any\nthread count', 'none'),
  errors: flag.switch('print the error records (path, syscall, code) instead of entries'),
  workers: flag.integer('N', 1, 64, 'threads formatting rows, default one per idle core up to 4\n(pwalk rows: 1), entries without --sort; 1: this one'),
};

export type CatArgs = ParsedArgs<typeof flags>;

export const catDefinition = defineCommand({
  name: 'cat',
  synopsis: 'cat WALK [options]',
  summary: 'every record, as ndjson or csv',
  description: 'Prints every record of a walk folder, streamed.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts cat WALK' },
  flags,
  check(args) {
    if (args.format === 'pwalk' && args.errors) throw new UsageError('--format pwalk has no error rows: use --errors with ndjson or csv');
    if (args.workers !== undefined && (args.errors || args.sort === 'path'))
      throw new UsageError('--workers is for entries in file order: not with --errors or --sort path');
  },
  load: () => import('../commands/cat.js'),
});
