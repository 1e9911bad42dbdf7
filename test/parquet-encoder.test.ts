// The Parquet export's own page encoder (packages/reader/src/parquet/column-chunk.ts)
// on walks forged in format 1 (read through entries) and format 2 (read from the
// blocks' columns), for what no tree here holds: a value past 2^53 in every 64-bit
// column, dictionaries of more than 256 values (bit width past 8), a dictionary column
// whose row group has NULLs, a dictionary column falling back to PLAIN in the one row
// group holding a value past 2^53 (a dictionary is keyed by exact numbers). DuckDB and hyparquet read every value back as the
// forged one, and DuckDB's parquet_metadata() shows the encodings and statistics; the
// file is the same for any number of threads.
import type { BigIntStats } from 'node:fs';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newWalkId, openWalk } from '@pwalk-ts/reader';
import { EntryType, FrameBuffer, RecordBuffer, encodeFileHeader } from '@pwalk-ts/reader/format';
import { exportParquet } from '@pwalk-ts/reader/parquet';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckRows, sqlPath } from './helpers/duckdb.js';
import { makeTempBase, removeTempBase } from './helpers/trees.js';

const ROWS = 1200;
const ROW_GROUP = 500;
const MAX_U64 = 2n ** 64n - 1n;
const MAX_I64 = 2n ** 63n - 1n;
/** The first second a microsecond timestamp cannot hold. */
const PAST_TIMESTAMPS = 9_223_372_036_855n;
const COMMON_MTIME = 1_600_000_000n;

interface Forged {
  readonly inode: bigint;
  readonly size: bigint;
  readonly blocks: bigint;
  readonly dev: bigint;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  readonly mtime_s: bigint;
  readonly atime_s: bigint;
  readonly ctime_s: bigint;
}

/** Row i's values: most repeat (dictionaries pay), every 64-bit column has values past 2^53 in some rows. */
function forged(i: number): Forged {
  // NULL in `mtime` where past the timestamp range; microseconds past 2^53 (the year 2300) only in the last row group.
  const mtime =
    i % 97 === 0 ? PAST_TIMESTAMPS + BigInt(i) : i % 101 === 0 ? 2n ** 53n + 1n : i % 89 === 0 ? -(2n ** 30n) : i === 1112 ? 10_400_000_000n : COMMON_MTIME;
  return {
    inode: i % 7 === 0 ? MAX_U64 - BigInt(i) : i % 5 === 0 ? 2n ** 53n + BigInt(i) : BigInt(1000 + i),
    size: i % 50 === 0 ? MAX_I64 - BigInt(i) : i % 3 === 0 ? 2n ** 53n + 7n : BigInt(i * 1000),
    blocks: i % 70 === 0 ? 2n ** 53n + 1n : BigInt(i % 4),
    // Past 2^53 only in the first row group: that group's dev column is PLAIN, the others a dictionary.
    dev: i === 5 ? MAX_U64 : 2049n + BigInt(i % 2),
    mode: 0o100000 | (i % 512),
    uid: i % 300,
    gid: i === 3 ? 4_294_967_295 : 1000,
    nlink: 1 + (i % 3),
    mtime_s: mtime,
    atime_s: mtime + BigInt(i % 2),
    ctime_s: i % 113 === 0 ? MAX_I64 / 1_000_000_000n : mtime,
  };
}

function stats(f: Forged): BigIntStats {
  return {
    ino: f.inode,
    size: f.size,
    mode: BigInt(f.mode),
    uid: BigInt(f.uid),
    gid: BigInt(f.gid),
    nlink: BigInt(f.nlink),
    blocks: f.blocks,
    dev: f.dev,
    atimeNs: f.atime_s * 1_000_000_000n,
    mtimeNs: f.mtime_s * 1_000_000_000n,
    ctimeNs: f.ctime_s * 1_000_000_000n,
  } as unknown as BigIntStats;
}

/** A walk folder (no manifest, as a killed walk leaves it) of ROWS files named f0000.., written in format `version`. */
function forgeWalk(out: string, version: 1 | 2): string {
  mkdirSync(out);
  const fd = openSync(join(out, 'thread_0.bin'), 'w');
  writeSync(fd, encodeFileHeader({ version, walkId: newWalkId(), thread: 0, fullAttrs: true, blockCapacity: 1 << 16 }));
  const sink = (block: Uint8Array): void => void writeSync(fd, block);
  const options = { capacity: 1 << 16, fullAttrs: true };
  const writer = version === 1 ? new RecordBuffer(sink, options) : new FrameBuffer(sink, options);
  const prefix = new Uint8Array(0);
  for (let i = 0; i < ROWS; i++) writer.appendBigStats(stats(forged(i)), EntryType.file, 2n, prefix, `f${String(i).padStart(4, '0')}`);
  writer.flush();
  closeSync(fd);
  return out;
}

function micros(seconds: bigint): bigint | null {
  return seconds >= PAST_TIMESTAMPS || seconds <= -PAST_TIMESTAMPS ? null : seconds * 1_000_000n;
}

/** What every row must read back as (DuckDB's types: UINTEGER as number, BIGINT and UBIGINT as bigint). */
function expectedRow(i: number): Record<string, unknown> {
  const f = forged(i);
  return {
    path: `./f${String(i).padStart(4, '0')}`,
    ...f,
    parent_inode: 2n,
    allocated: f.blocks * 512n,
    mtime_us: micros(f.mtime_s),
    atime_us: micros(f.atime_s),
    ctime_us: micros(f.ctime_s),
  };
}

const COLUMNS =
  'path, inode, parent_inode, size, blocks, allocated, dev, mode, uid, gid, nlink, mtime_s, atime_s, ctime_s, ' +
  'epoch_us(mtime) AS mtime_us, epoch_us(atime) AS atime_us, epoch_us(ctime) AS ctime_us';

let base: string;
const files = new Map<1 | 2, string>();

beforeAll(async () => {
  base = makeTempBase('pq-encoder');
  for (const version of [1, 2] as const) {
    const walk = await openWalk(forgeWalk(join(base, `walk-${version}`), version));
    const file = join(base, `entries-${version}.parquet`);
    expect(await exportParquet(walk, file, { rowGroupSize: ROW_GROUP, workers: 1 })).toMatchObject({ rows: ROWS });
    files.set(version, file);
  }
}, 30_000);

afterAll(() => removeTempBase(base));

describe.each([1, 2] as const)('a forged format-%i walk, exported in row groups of 500', (version) => {
  it('reads back in DuckDB as forged: every 64-bit column past 2^53, NULL timestamps past the range', async () => {
    const rows = await duckRows(`SELECT ${COLUMNS} FROM read_parquet(${sqlPath(files.get(version)!)}) ORDER BY path`);
    const expected = Array.from({ length: ROWS }, (_, i) => expectedRow(i));
    expect(rows).toEqual(expected);
  });

  it('reads back in hyparquet as forged', async () => {
    const file = files.get(version)!;
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ['inode', 'size', 'dev', 'uid', 'mode', 'mtime_s', 'ctime_s'] });
    const got = rows.map((r) => [r.inode, r.size, r.dev, r.uid, r.mode, r.mtime_s, r.ctime_s].map(String).join(' '));
    const want = Array.from({ length: ROWS }, (_, i) => {
      const f = forged(i);
      return [f.inode, f.size, f.dev, f.uid, f.mode, f.mtime_s, f.ctime_s].map(String).join(' ');
    });
    expect(got).toEqual(want);
  });

  it('dictionaries where the columns ask for them (widths past 8 bits; NULLs in a group), PLAIN where a value is past 2^53', async () => {
    const meta = await duckRows(
      `SELECT row_group_id AS g, path_in_schema AS col, encodings FROM parquet_metadata(${sqlPath(files.get(version)!)}) ` +
        `WHERE path_in_schema IN ('uid', 'mode', 'dev', 'mtime', 'inode') ORDER BY g, col`,
    );
    const encodings = Object.fromEntries(meta.map((m) => [`${String(m.g)} ${String(m.col)}`, String(m.encodings)]));
    expect(encodings).toEqual({
      '0 dev': 'PLAIN',
      '0 inode': 'PLAIN',
      '0 mode': 'PLAIN, RLE_DICTIONARY',
      '0 mtime': 'PLAIN, RLE_DICTIONARY',
      '0 uid': 'PLAIN, RLE_DICTIONARY',
      '1 dev': 'PLAIN, RLE_DICTIONARY',
      '1 inode': 'PLAIN',
      '1 mode': 'PLAIN, RLE_DICTIONARY',
      '1 mtime': 'PLAIN, RLE_DICTIONARY',
      '1 uid': 'PLAIN, RLE_DICTIONARY',
      '2 dev': 'PLAIN, RLE_DICTIONARY',
      '2 inode': 'PLAIN',
      '2 mode': 'PLAIN, RLE_DICTIONARY',
      '2 mtime': 'PLAIN',
      '2 uid': 'PLAIN, RLE_DICTIONARY',
    });
  });

  it('has min, max and NULL count per row group for the columns that keep statistics', async () => {
    const meta = await duckRows(
      `SELECT row_group_id AS g, path_in_schema AS col, stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls ` +
        `FROM parquet_metadata(${sqlPath(files.get(version)!)}) WHERE path_in_schema IN ('size', 'uid', 'gid', 'mtime_s', 'allocated', 'depth') ORDER BY g, col`,
    );
    const want = [0, 1, 2].flatMap((g) => {
      const rows = Array.from({ length: Math.min(ROW_GROUP, ROWS - g * ROW_GROUP) }, (_, k) => forged(g * ROW_GROUP + k));
      const range = (values: bigint[], col: string): Record<string, unknown> => {
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return { g: BigInt(g), col, min: String(sorted[0]), max: String(sorted.at(-1)), nulls: 0n };
      };
      return [
        range(
          rows.map((r) => r.blocks * 512n),
          'allocated',
        ),
        range([1n], 'depth'),
        range(
          rows.map((r) => BigInt(r.gid)),
          'gid',
        ),
        range(
          rows.map((r) => r.mtime_s),
          'mtime_s',
        ),
        range(
          rows.map((r) => r.size),
          'size',
        ),
        range(
          rows.map((r) => BigInt(r.uid)),
          'uid',
        ),
      ];
    });
    expect(meta).toEqual(want);
  });
});

it('is the same file, byte for byte, for 1, 2 and 3 threads in row groups of 100 (a group compresses alone)', async () => {
  const walk = await openWalk(join(base, 'walk-2'));
  const bytes = [];
  for (const workers of [1, 2, 3]) {
    const file = join(base, `threads-${workers}.parquet`);
    await exportParquet(walk, file, { rowGroupSize: 100, workers });
    bytes.push(readFileSync(file));
  }
  expect(bytes[1]!.equals(bytes[0]!)).toBe(true);
  expect(bytes[2]!.equals(bytes[0]!)).toBe(true);
});
