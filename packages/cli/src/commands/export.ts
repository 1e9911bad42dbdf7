import { ExportError, ExportErrorCode } from '@pwalk-ts/reader';
import { exportErrorsParquet, exportParquet } from '@pwalk-ts/reader/parquet';
import type { ExportArgs } from '../command-table/export.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: ExportArgs, io: CliIo): Promise<number> {
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
