// What a `pwalk-ts sql` query may do: read the walk's two views and nothing else. The
// command runs as root over trees any user writes, and its query may come from
// anyone allowed to ask one, so a query must not read another file (/etc/shadow,
// another walk), write one (COPY, EXPORT, ATTACH), reach the network (INSTALL) or
// change the settings that keep it in. DuckDB enforces the files (external access
// off, only the walk's two Parquet files allowed, configuration locked); the check
// of the query's text refuses what DuckDB still runs under that lock.
import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlRefusedError, UsageError } from './errors.js';

/**
 * Given when the instance is created, so no query ever runs without them: an
 * extension is never fetched (INSTALL and autoinstall reach the network and write
 * under ~/.duckdb) nor loaded behind the query's back.
 */
export const CONFINED_INSTANCE_SETTINGS = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
} as const;

/**
 * Functions that act beyond the query even under the lock, though a SELECT can call
 * them. Logging and profiling bypass `lock_configuration`: logging to a file that
 * external access then refuses aborts the process when DuckDB shuts down, profiling
 * prints into our stdout. The parser switches change how later text is read;
 * `query`, `query_table` and `json_execute_serialized_sql` run SQL given as a string,
 * which this check does not see; checkpoints write the database.
 */
const REFUSED_FUNCTIONS = new Set([
  'enable_logging',
  'disable_logging',
  'truncate_duckdb_logs',
  'enable_profiling',
  'disable_profiling',
  'enable_peg_parser',
  'disable_peg_parser',
  'query',
  'query_table',
  'json_execute_serialized_sql',
  'checkpoint',
  'force_checkpoint',
]);

const EMPTY_QUERY = 'the query is empty: give a SELECT statement, e.g. "SELECT count(*) FROM entries"';

/** A SQL string literal. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Refuses a query with no text before anything is staged (DuckDB's own message for it is "Error in native callback"). */
export function checkQueryText(query: string): void {
  if (query.trim() === '') throw new UsageError(`sql: ${EMPTY_QUERY}`);
}

/**
 * Creates the `entries` and `errors` views over the staged files and locks the
 * session: from here on DuckDB opens no file but those two (and its own spill files
 * in `temp_directory`, which it writes whatever this setting says), and no query can
 * change a setting.
 */
export async function createConfinedViews(connection: DuckDBConnection, tables: { entries: string; errors: string }): Promise<void> {
  await connection.run(`SET allowed_paths = [${sqlString(tables.entries)}, ${sqlString(tables.errors)}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
  await connection.run(`CREATE VIEW entries AS SELECT * FROM read_parquet(${sqlString(tables.entries)})`);
  await connection.run(`CREATE VIEW errors AS SELECT * FROM read_parquet(${sqlString(tables.errors)})`);
}

interface SerializedQuery {
  readonly error: boolean;
  readonly error_type?: string;
  readonly statements?: unknown[];
}

/**
 * Throws SqlRefusedError for a query that is not only SELECT statements (DESCRIBE,
 * SHOW and SUMMARIZE are SELECTs) or that calls a refused function. DuckDB's own
 * parser does the reading (json_serialize_sql), so the check sees what will run; a
 * query that does not parse is left for DuckDB to report when it runs.
 */
export async function checkQuery(connection: DuckDBConnection, query: string): Promise<void> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [query]);
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as SerializedQuery;
  if (parsed.error) {
    // json_serialize_sql's word for "parsed, but not a SELECT statement".
    if (parsed.error_type === 'not implemented')
      throw new SqlRefusedError('only SELECT statements are allowed (no COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL, EXPORT, CREATE, ...)');
    return;
  }
  if ((parsed.statements ?? []).length === 0) throw new SqlRefusedError(EMPTY_QUERY);
  const refused = calledFunctions(parsed.statements).find((name) => REFUSED_FUNCTIONS.has(name));
  if (refused !== undefined) throw new SqlRefusedError(`${refused}() is not allowed: a query may only read the walk's views`);
}

/** Every function name in a serialized statement tree, lower-case (DuckDB matches them case-insensitively). */
function calledFunctions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const child of node) calledFunctions(child, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'function_name' && typeof value === 'string') out.push(value.toLowerCase());
      else calledFunctions(value, out);
    }
  }
  return out;
}
