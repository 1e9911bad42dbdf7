// exportParquet on walks forged with the encoder, for the values no filesystem here
// gives: 64-bit extremes (read back exact by DuckDB), a size past INT64 (a damaged
// walk: ExportError, no file), an aborted export, a target that exists.
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, type BigIntStats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFileHeader, EntryType, RecordBuffer, Syscall } from '../src/format/index.js';
import { ExportError, ExportErrorCode, newWalkId, openWalk } from '../src/index.js';
import { exportErrorsParquet, exportParquet, exportParquetTables } from '../src/parquet/index.js';
import { bigStats, forgeWalk as forgeWalkOf } from './helpers/forged-walk.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pwalk-pq-sdk-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A walk folder without a manifest (as a killed walk leaves it): one thread file holding `entries`, named f0, f1, ... */
function forgeWalk(name: string, entries: BigIntStats[]): string {
  const out = join(dir, name);
  mkdirSync(out);
  const fd = openSync(join(out, 'thread_0.bin'), 'w');
  writeSync(fd, encodeFileHeader({ version: 1, walkId: newWalkId(), thread: 0, fullAttrs: true, blockCapacity: 1 << 20 }));
  const rb = new RecordBuffer((block) => void writeSync(fd, block), { capacity: 1 << 20, fullAttrs: true });
  entries.forEach((st, i) => rb.appendBigStats(st, EntryType.file, 2n, Buffer.alloc(0), `f${i}`));
  rb.flush();
  closeSync(fd);
  return out;
}

const MAX_U64 = 2n ** 64n - 1n;
const MAX_I64 = 2n ** 63n - 1n;

describe('exportParquet', () => {
  it('keeps 64-bit extremes exact: inode and dev up to 2^64 - 1, size and blocks up to INT64', async () => {
    const walk = await openWalk(
      forgeWalk('extremes', [
        bigStats({ ino: MAX_U64, dev: MAX_U64, size: MAX_I64, blocks: MAX_I64 / 512n, uid: 4_294_967_295n, gid: 4_000_000_000n, nlink: 4_294_967_295n }),
        bigStats({ ino: 2n ** 63n, dev: 0n, size: 2n ** 53n + 1n, mtimeNs: -(2n ** 53n) * 1_000_000_000n }),
      ]),
    );
    const file = join(dir, 'extremes.parquet');
    expect(await exportParquet(walk, file)).toMatchObject({ file, rows: 2 });
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = await db.runAndReadAll(
      `SELECT inode, dev, size, blocks, allocated, uid, gid, nlink, mtime_s, mtime FROM read_parquet('${file}') ORDER BY path`,
    );
    expect(reader.getRowObjects()).toEqual([
      {
        inode: MAX_U64,
        dev: MAX_U64,
        size: MAX_I64,
        blocks: MAX_I64 / 512n,
        allocated: (MAX_I64 / 512n) * 512n,
        uid: 4_294_967_295,
        gid: 4_000_000_000,
        nlink: 4_294_967_295,
        mtime_s: 0n,
        mtime: expect.anything(),
      },
      { inode: 2n ** 63n, dev: 0n, size: 2n ** 53n + 1n, blocks: 0n, allocated: 0n, uid: 0, gid: 0, nlink: 1, mtime_s: -(2n ** 53n), mtime: null },
    ]);
  });

  it('refuses a size past INT64 (only a damaged walk has one): ExportError VALUE_RANGE, no file left', async () => {
    const walk = await openWalk(forgeWalk('too-big', [bigStats({ size: 2n ** 63n })]));
    const file = join(dir, 'too-big.parquet');
    const err = await exportParquet(walk, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect(err).toMatchObject({ code: ExportErrorCode.VALUE_RANGE, file, message: expect.stringContaining(`size ${2n ** 63n} of ./f0 is past 2^63 - 1`) });
    expect(readdirSync(dir).filter((n) => n.includes('too-big.parquet'))).toEqual([]);
  });

  it('stops on an aborted signal and refuses an existing target, leaving no file behind', async () => {
    const walk = await openWalk(forgeWalk('small', [bigStats({ size: 1n })]));
    const file = join(dir, 'small.parquet');
    const aborted = await exportParquet(walk, file, { signal: AbortSignal.abort('test') }).catch((e: unknown) => e);
    expect(aborted).toMatchObject({ code: ExportErrorCode.ABORTED, cause: 'test' });
    writeFileSync(file, 'mine');
    const exists = await exportParquet(walk, file).catch((e: unknown) => e);
    expect(exists).toMatchObject({ code: ExportErrorCode.EXISTS, message: `${file} exists` });
    expect(readdirSync(dir).filter((n) => n.includes('small.parquet'))).toEqual(['small.parquet']);
    expect(await exportParquet(walk, file, { overwrite: true })).toMatchObject({ rows: 1 });
  });
});

describe('exportParquetTables', () => {
  it('writes both tables from one pass, each byte for byte its own export, with errors spread over many blocks and row groups', async () => {
    const out = forgeWalkOf(
      join(dir, 'tables'),
      (rb) => {
        for (let d = 0; d < 40; d++) {
          const prefix = Buffer.from(`d${d}/`);
          for (let i = 0; i < 60; i++) {
            rb.appendBigStats(bigStats({ ino: BigInt(1000 * d + i + 3), size: BigInt(i) }), EntryType.file, BigInt(d + 2), prefix, `f${i}`);
            if (i % 2 === 0) rb.appendError(0, d + 2, EntryType.unknown, Syscall.lstat, 'EACCES', prefix, Buffer.from(`gone-${i}`));
          }
        }
      },
      { capacity: 4096, format: 2 },
    );
    const walk = await openWalk(out);
    const rowGroupSize = 250;
    const apart = { entries: join(dir, 'apart-entries.parquet'), errors: join(dir, 'apart-errors.parquet') };
    expect(await exportParquet(walk, apart.entries, { rowGroupSize, workers: 1 })).toMatchObject({ rows: 2400 });
    expect(await exportErrorsParquet(walk, apart.errors, { rowGroupSize })).toMatchObject({ rows: 1200 });
    // The workers' entry is built JavaScript: test/parquet-parallel.test.ts exports with several.
    const together = { entries: join(dir, 'together-entries.parquet'), errors: join(dir, 'together-errors.parquet') };
    const result = await exportParquetTables(walk, together, { rowGroupSize, workers: 1 });
    expect(result).toMatchObject({ entries: { file: together.entries, rows: 2400 }, errors: { file: together.errors, rows: 1200 } });
    expect(readFileSync(together.entries).equals(readFileSync(apart.entries))).toBe(true);
    expect(readFileSync(together.errors).equals(readFileSync(apart.errors))).toBe(true);
  });

  it('leaves neither file when the export stops, and refuses an errors file that exists', async () => {
    const out = forgeWalkOf(join(dir, 'tables-stop'), (rb) => rb.appendBigStats(bigStats({}), EntryType.file, 2n, Buffer.alloc(0), 'f'), { format: 2 });
    const walk = await openWalk(out);
    const files = { entries: join(dir, 'stop-entries.parquet'), errors: join(dir, 'stop-errors.parquet') };
    const controller = new AbortController();
    controller.abort();
    await expect(exportParquetTables(walk, files, { signal: controller.signal })).rejects.toMatchObject({ code: ExportErrorCode.ABORTED });
    expect(readdirSync(dir).filter((n) => n.startsWith('stop-'))).toEqual([]);
    writeFileSync(files.errors, 'mine');
    await expect(exportParquetTables(walk, files)).rejects.toMatchObject({ code: ExportErrorCode.EXISTS });
    expect(readFileSync(files.errors, 'utf8')).toBe('mine');
    expect(readdirSync(dir).filter((n) => n.startsWith('stop-'))).toEqual(['stop-errors.parquet']);
  });
});
