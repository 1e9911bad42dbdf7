import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportError, ExportErrorCode } from '@pwalk-ts/reader';
import type { SqlArgs } from '../command-table/sql.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { checkQuery, checkQueryText, CONFINED_INSTANCE_SETTINGS, createConfinedViews } from '../sql-confinement.js';
import { cachedTables, defaultSqlCacheDir, stageTables, type StagedTables } from '../sql-staging.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** DuckDB's message, first line only (the rest points at the query text), without its statement-splitting prefix. */
function duckdbMessage(err: unknown): string {
  const first = (err as Error).message.split('\n')[0] ?? '';
  return first.replace(/^Failed to extract statements: /, '');
}

export async function run(args: SqlArgs, io: CliIo): Promise<number> {
  const cacheDir = args.cache ? (args['cache-dir'] ?? defaultSqlCacheDir()) : null;
  const [walkDir, query] = args.positionals as [string, string];
  checkQueryText(query);
  const walk = await openWalkForReading(walkDir);
  // Loaded here, not at startup: DuckDB's native binding costs every other command ~0.3 s.
  let duckdb: typeof import('@duckdb/node-api');
  let results: typeof import('../output/sql-results.js');
  try {
    [duckdb, results] = await Promise.all([import('@duckdb/node-api'), import('../output/sql-results.js')]);
  } catch (cause) {
    throw new UsageError(`sql: DuckDB does not load on this platform: ${(cause as Error).message.split('\n')[0]}`);
  }
  const { DuckDBInstance } = duckdb;
  const { writeResult, SqlQueryError } = results;
  let staging: string;
  try {
    staging = mkdtempSync(join(args['temp-dir'] ?? tmpdir(), 'pwalk-sql-'));
  } catch (cause) {
    throw new UsageError(`sql: cannot create a temporary folder: ${(cause as Error).message}`);
  }
  const abort = abortOnSignals(io);
  let instance: InstanceType<typeof DuckDBInstance> | undefined;
  let connection: Awaited<ReturnType<InstanceType<typeof DuckDBInstance>['connect']>> | undefined;
  try {
    let tables: StagedTables;
    try {
      tables = cacheDir === null ? await stageTables(walk, staging, abort) : await cachedTables(walk, cacheDir, abort);
    } catch (err) {
      if (err instanceof ExportError || cacheDir === null || (err as NodeJS.ErrnoException).code === undefined) throw err;
      io.stderr.write(`pwalk-ts: sql: cannot use the cache folder ${cacheDir}: ${(err as Error).message} (choose another with --cache-dir, or --no-cache)\n`);
      return ExitCode.FATAL;
    }
    // DuckDB's failures (a bad query, an unknown column, a bad setting) are the user's to fix: one line.
    const duck = <T>(step: Promise<T>): Promise<T> => step.catch((cause: unknown) => Promise.reject(new SqlQueryError(duckdbMessage(cause), { cause })));
    try {
      instance = await duck(
        DuckDBInstance.create(':memory:', { ...CONFINED_INSTANCE_SETTINGS, temp_directory: join(staging, 'duckdb'), memory_limit: args['memory-limit'] }),
      );
      connection = await duck(instance.connect());
      const session = connection;
      abort.onAbort(() => session.interrupt());
      await duck(createConfinedViews(session, tables));
      await duck(checkQuery(session, query));
      const result = await duck(session.stream(query));
      await writeResult(result, args.json ? 'json' : args.csv ? 'csv' : 'table', io);
    } catch (err) {
      if (!(err instanceof SqlQueryError)) throw err;
      if (abort.received() !== null) throw new ExportError(ExportErrorCode.ABORTED, 'query interrupted', walkDir, { cause: err });
      io.stderr.write(`pwalk-ts: sql: ${duckdbMessage(err)}\n`);
      return ExitCode.FATAL;
    }
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    if (err.code === ExportErrorCode.ABORTED) {
      io.stderr.write(`pwalk-ts: sql: ${abort.received()}: stopped\n`);
      return abort.exitCode();
    }
    const hint = cacheDir === null ? 'choose another place with --temp-dir' : 'choose another place with --cache-dir, or --no-cache';
    io.stderr.write(`pwalk-ts: sql: staging the walk: ${err.message} (${hint})\n`);
    return ExitCode.FATAL;
  } finally {
    abort.off();
    connection?.closeSync();
    instance?.closeSync();
    rmSync(staging, { recursive: true, force: true });
  }
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
