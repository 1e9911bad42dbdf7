// Reads Parquet files back with DuckDB (an independent reader of the format) and
// turns exported `entries` rows into the records the ground truth is compared with.
import { DuckDBBlobValue, DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Rec } from './records.js';

/** The column types DuckDB must report for an entries file (README "Parquet export"). */
export const ENTRY_COLUMN_TYPES = {
  path: 'VARCHAR',
  path_bytes: 'BLOB',
  type: 'VARCHAR',
  depth: 'INTEGER',
  size: 'BIGINT',
  blocks: 'BIGINT',
  allocated: 'BIGINT',
  inode: 'UBIGINT',
  parent_inode: 'UBIGINT',
  dev: 'UBIGINT',
  mode: 'UINTEGER',
  uid: 'UINTEGER',
  gid: 'UINTEGER',
  nlink: 'UINTEGER',
  mtime: 'TIMESTAMP WITH TIME ZONE',
  atime: 'TIMESTAMP WITH TIME ZONE',
  ctime: 'TIMESTAMP WITH TIME ZONE',
  mtime_s: 'BIGINT',
  atime_s: 'BIGINT',
  ctime_s: 'BIGINT',
};
/** ... and for an errors file. */
export const ERROR_COLUMN_TYPES = {
  path: 'VARCHAR',
  path_bytes: 'BLOB',
  type: 'VARCHAR',
  depth: 'INTEGER',
  inode: 'UBIGINT',
  parent_inode: 'UBIGINT',
  syscall: 'VARCHAR',
  code: 'VARCHAR',
};

let connection: Promise<DuckDBConnection> | undefined;

/** One in-memory DuckDB for the test file. */
function duckdb(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return connection;
}

/** Runs a query and returns its rows as objects (DuckDB's own values: bigint, DuckDBBlobValue, ...). */
export async function duckRows(sql: string): Promise<Record<string, DuckDBValue>[]> {
  const reader = await (await duckdb()).runAndReadAll(sql);
  return reader.getRowObjects();
}

/** A file path as a SQL string literal. */
export function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/** `DESCRIBE` of a Parquet file: column name -> DuckDB type. */
export async function parquetTypes(file: string): Promise<Record<string, string>> {
  const rows = await duckRows(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

function bigOrNull(v: DuckDBValue | undefined): bigint | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new Error(`not an integer: ${String(v)} (${typeof v})`);
}

/** An exported `entries` row as a record (times from the exact `*_s` columns). */
export function recFromRow(row: Record<string, DuckDBValue>): Rec {
  const bytes = row.path_bytes;
  if (!(bytes instanceof DuckDBBlobValue)) throw new Error(`path_bytes is not a BLOB: ${String(bytes)}`);
  return {
    pathBytes: Buffer.from(bytes.bytes),
    path: String(row.path),
    type: String(row.type),
    size: bigOrNull(row.size),
    blocks: bigOrNull(row.blocks),
    mode: bigOrNull(row.mode),
    uid: bigOrNull(row.uid),
    gid: bigOrNull(row.gid),
    nlink: bigOrNull(row.nlink),
    inode: bigOrNull(row.inode),
    parentInode: bigOrNull(row.parent_inode),
    dev: bigOrNull(row.dev),
    atime: bigOrNull(row.atime_s),
    mtime: bigOrNull(row.mtime_s),
    ctime: bigOrNull(row.ctime_s),
    depth: bigOrNull(row.depth),
  };
}

/** Every row of an exported entries file, as records. */
export async function parquetRecs(file: string): Promise<Rec[]> {
  return (await duckRows(`SELECT * FROM read_parquet(${sqlPath(file)})`)).map(recFromRow);
}
