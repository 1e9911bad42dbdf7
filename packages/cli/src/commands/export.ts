import { ExportError, ExportErrorCode, exportNcdu, type Walk } from '@pwalk-ts/reader';
import type { ExportArgs } from '../command-table/export.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: ExportArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const abort = abortOnSignals(io);
  try {
    const summary = await (args.format === 'ncdu' ? writeNcdu : writeParquet)(walk, args, abort.signal);
    if (!args.quiet) io.stderr.write(`pwalk-ts: ${summary}\n`);
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

/** The Parquet writer is loaded only for this format (hyparquet-writer, hysnappy). */
async function writeParquet(walk: Walk, args: ExportArgs, signal: AbortSignal): Promise<string> {
  const { exportErrorsParquet, exportParquet } = await import('@pwalk-ts/reader/parquet');
  const options = { overwrite: args.force, rowGroupSize: args['row-group-size'], workers: args.workers, signal, onCorrupt: 'skip' } as const;
  const result = await (args.errors ? exportErrorsParquet : exportParquet)(walk, args.output, options);
  return `${humanCount(result.rows)} ${args.errors ? 'error records' : 'entries'} -> ${result.file} (${humanBytes(result.bytes)})`;
}

async function writeNcdu(walk: Walk, args: ExportArgs, signal: AbortSignal): Promise<string> {
  const result = await exportNcdu(walk, args.output, { overwrite: args.force, signal, onCorrupt: 'skip', tempDir: args['temp-dir'] });
  return `${humanCount(result.items)} items -> ${result.file} (${humanBytes(result.bytes)}; browse with: ncdu -f ${result.file})`;
}
