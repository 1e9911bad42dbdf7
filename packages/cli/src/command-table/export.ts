import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { UsageError } from '../errors.js';

const flags = {
  output: flag.text('FILE', 'the file to write; refused when it exists, unless --force', { short: 'o', required: 'give the file to write: -o FILE' }),
  format: flag.choice(['parquet', 'ncdu'], 'parquet (typed columns), or ncdu (its JSON export: browse it with ncdu -f FILE)', 'parquet'),
  errors: flag.switch('write the error records (path, syscall, code) instead (parquet)'),
  force: flag.switch('replace FILE when it exists'),
  'row-group-size': flag.integer('N', 1, 10_000_000, 'rows per row group, default 100000 (parquet; memory grows with it)'),
  workers: flag.integer(
    'N',
    1,
    64,
    'threads, this one included: it reads the walk, the others encode row groups; default one per idle core up to 3 (parquet; 1: this one alone)',
  ),
  'temp-dir': flag.text('DIR', 'where the ncdu export sorts runs of entries (default: the system temp folder)'),
  quiet: flag.switch('no summary line'),
};

export type ExportArgs = ParsedArgs<typeof flags>;

export const exportDefinition = defineCommand({
  name: 'export',
  synopsis: 'export WALK -o FILE [options]',
  summary: 'every entry to a Parquet file (typed, exact) or an ncdu export',
  description:
    'Writes every entry of a walk folder (or with --errors its error records) to one\nParquet file for DuckDB, Spark, pandas or Polars, streamed: typed columns, 64-bit\nintegers exact, times as UTC timestamps and as exact seconds, the path as text and\nas its exact bytes (README "Parquet export" lists the columns). With --format ncdu,\nwrites ncdu\'s JSON export (format 1.2, extended fields, hard links, read errors),\ndepth-first through an on-disk sort, for `ncdu -f FILE`. The file appears complete\nor not at all.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts export WALK -o FILE' },
  flags,
  check(args) {
    if (args.format === 'ncdu' && args.errors) throw new UsageError('--errors is for --format parquet: an ncdu export marks unreadable entries itself');
    if (args.format === 'ncdu' && args['row-group-size'] !== undefined) throw new UsageError('--row-group-size is for --format parquet');
    if (args.format === 'ncdu' && args.workers !== undefined) throw new UsageError('--workers is for --format parquet');
    if (args.format === 'parquet' && args['temp-dir'] !== undefined) throw new UsageError('--temp-dir is for --format ncdu');
  },
  load: () => import('../commands/export.js'),
});
