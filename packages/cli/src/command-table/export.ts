import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  output: flag.text('FILE', 'the file to write; refused when it exists, unless --force', { short: 'o', required: 'give the file to write: -o FILE' }),
  format: flag.choice(['parquet'], 'parquet, the only format for now', 'parquet'),
  errors: flag.switch('write the error records (path, syscall, code) instead'),
  force: flag.switch('replace FILE when it exists'),
  'row-group-size': flag.integer('N', 1, 10_000_000, 'rows per row group (memory grows with it)', 100_000),
  quiet: flag.switch('no summary line'),
};

export type ExportArgs = ParsedArgs<typeof flags>;

export const exportDefinition = defineCommand({
  name: 'export',
  synopsis: 'export WALK -o FILE [options]',
  summary: 'every entry to a Parquet file (typed, exact)',
  description:
    'Writes every entry of a walk folder (or with --errors its error records) to one\nParquet file for DuckDB, Spark, pandas or Polars, streamed: typed columns, 64-bit\nintegers exact, times as UTC timestamps and as exact seconds, the path as text and\nas its exact bytes (README "Parquet export" lists the columns). The file appears\ncomplete or not at all.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts export WALK -o FILE' },
  flags,
  load: () => import('../commands/export.js'),
});
