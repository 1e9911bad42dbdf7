import { z } from 'zod';
import { ExportError, ExportErrorCode } from '@pwalk-ts/reader';
import { exportErrorsParquet, exportParquet } from '@pwalk-ts/reader/parquet';
import { integerFlag, parseCommand } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export const EXPORT_HELP = `Usage: pwalk-ts export WALK -o FILE [--format parquet] [--errors] [--force]

Writes every entry of a walk folder (or with --errors its error records) to one
Parquet file for DuckDB, Spark, pandas or Polars, streamed: typed columns, 64-bit
integers exact, times as UTC timestamps and as exact seconds, the path as text and
as its exact bytes (README "Parquet export" lists the columns). The file appears
complete or not at all.

Options:
  -o, --output FILE     the file to write; refused when it exists, unless --force
  --format F            parquet (the default; the only format for now)
  --errors              write the error records (path, syscall, code) instead
  --force               replace FILE when it exists
  --row-group-size N    rows per row group (default 100000; memory grows with it)
  --quiet               no summary line
`;

const options = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  errors: { type: 'boolean' },
  force: { type: 'boolean' },
  'row-group-size': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const schema = z.object({
  positionals: z.array(z.string()).length(1, 'give one walk folder: pwalk-ts export WALK -o FILE'),
  output: z.string({ message: 'give the file to write: -o FILE' }),
  format: z.enum(['parquet'], { message: 'format must be parquet' }).default('parquet'),
  errors: z.boolean().default(false),
  force: z.boolean().default(false),
  'row-group-size': integerFlag(1, 10_000_000).default(100_000),
  quiet: z.boolean().default(false),
});

export async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, options, schema);
  const walk = await openWalkForReading(args.positionals[0]!);
  const abort = abortOnSignals(io);
  const exportOptions = { overwrite: args.force, rowGroupSize: args['row-group-size'], signal: abort.signal, onCorrupt: 'skip' } as const;
  try {
    const result = await (args.errors ? exportErrorsParquet : exportParquet)(walk, args.output, exportOptions);
    if (!args.quiet) {
      const what = args.errors ? 'error records' : 'entries';
      io.stderr.write(`pwalk-ts: ${humanCount(result.rows)} ${what} -> ${result.file} (${humanBytes(result.bytes)})\n`);
    }
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    if (err.code === ExportErrorCode.ABORTED) {
      io.stderr.write(`pwalk-ts: export: ${abort.received()}: stopped; ${args.output} was not written\n`);
      return abort.exitCode();
    }
    const hint = err.code === ExportErrorCode.EXISTS ? ' (use --force to replace it)' : '';
    io.stderr.write(`pwalk-ts: export: ${err.message}${hint}\n`);
    return ExitCode.FATAL;
  } finally {
    abort.off();
  }
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
