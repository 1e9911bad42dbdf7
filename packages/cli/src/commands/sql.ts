import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ExportError, ExportErrorCode } from '@pwalk-ts/reader';
import { parseCommand, sizeFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { checkQuery, checkQueryText, CONFINED_INSTANCE_SETTINGS, createConfinedViews } from '../sql-confinement.js';
import { cachedTables, defaultSqlCacheDir, stageTables, type StagedTables } from '../sql-staging.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export const SQL_HELP = `Usage: pwalk-ts sql WALK "QUERY" [--json | --csv] [--no-cache | --cache-dir DIR] [--temp-dir DIR] [--memory-limit SIZE]

Runs a SQL query (DuckDB's dialect) over a walk folder. Two views are there:
  entries   one row per entry: path, path_bytes, type, depth, size, blocks,
            allocated, inode, parent_inode, dev, mode, uid, gid, nlink,
            mtime, atime, ctime (UTC timestamps), mtime_s, atime_s, ctime_s
  errors    one row per error record: path, path_bytes, type, depth, inode,
            parent_inode, syscall, code
e.g.  pwalk-ts sql WALK "SELECT uid, count(*), sum(size) FROM entries GROUP BY uid"
A query is SELECT statements only and reads no file but the walk's: no COPY, ATTACH,
INSTALL, LOAD, SET or PRAGMA, no read_csv or glob of other files.

Options:
  --json               a JSON array of objects; integers exact at any size, BLOBs base64
  --csv                RFC 4180 with a header row; text quoted, BLOBs as exact bytes
  --cache-dir DIR      where the walk is kept as Parquet between queries (default
                       $XDG_CACHE_HOME/pwalk-ts/sql or ~/.cache/pwalk-ts/sql; about
                       60 bytes per entry, one copy per walk folder; delete it any time)
  --no-cache           stage the walk in --temp-dir for this query only
  --temp-dir DIR       where DuckDB spills, and the walk is staged with --no-cache
                       (default: the system temp folder)
  --memory-limit SIZE  DuckDB's memory limit, e.g. 512MB, 4GB (default 1GB; 1MB to
                       1PB); beyond it large sorts and joins spill to the temp folder
`;

const options = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  'temp-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
  cache: { type: 'boolean' },
  'memory-limit': { type: 'string' },
} as const;

const schema = z.object({
  positionals: z.array(z.string()).length(2, 'give a walk folder and a query: pwalk-ts sql WALK "SELECT ..."'),
  json: z.boolean().default(false),
  csv: z.boolean().default(false),
  'temp-dir': z.string().optional(),
  'cache-dir': z.string().optional(),
  cache: z.boolean().default(true),
  'memory-limit': sizeFlag(1e6, 1e15).default('1GB'),
});

/** DuckDB's message, first line only (the rest points at the query text), without its statement-splitting prefix. */
function duckdbMessage(err: unknown): string {
  const first = (err as Error).message.split('\n')[0] ?? '';
  return first.replace(/^Failed to extract statements: /, '');
}

export async function sqlCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, options, schema);
  if (args.json && args.csv) throw new UsageError('--json and --csv exclude each other');
  if (!args.cache && args['cache-dir'] !== undefined) throw new UsageError('--no-cache and --cache-dir exclude each other');
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
