// exportParquet with its row groups encoded by worker threads (parquet/parallel-row-groups.ts):
// a walk of a tree with hard links, sparse files, non-UTF-8 names and times before 1970
// and after 2106, exported in row groups of 97 rows by 1, 2 and 3 workers. DuckDB reads
// the 3-worker file back equal to the ground truth (ground_truth.py), hyparquet reads it
// too, the rows come in the walk's file order (walk.recordBatches()), and every worker
// count writes the same bytes; a corrupt block is reported once whatever the count.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWalk, WalkFormatError, type Walk } from '@pwalk-ts/reader';
import { exportErrorsParquet, exportParquet, exportParquetTables } from '@pwalk-ts/reader/parquet';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckRows, parquetRecs, sqlPath } from './helpers/duckdb.js';
import { diffRecords, walkedSkewedEdgeTree, type Rec } from './helpers/records.js';
import { runCliOk } from './helpers/run-cli.js';
import { makeTempBase, removeTempBase } from './helpers/trees.js';

const ROW_GROUP = 97;
const WORKERS = [1, 2, 3] as const;

let base: string;
let walkDir: string;
let truth: Rec[];
let walkOrder: Buffer[];
const files = new Map<number, string>();

async function fileOrder(walk: Walk): Promise<Buffer[]> {
  const paths: Buffer[] = [];
  for await (const batch of walk.recordBatches()) for (const e of batch) paths.push(Buffer.from(e.pathBytes));
  return paths;
}

beforeAll(async () => {
  base = makeTempBase('pq-parallel');
  ({ truth, out: walkDir } = await walkedSkewedEdgeTree(base));
  const walk = await openWalk(walkDir);
  walkOrder = await fileOrder(walk);
  for (const workers of WORKERS) {
    const file = join(base, `entries-${workers}.parquet`);
    expect(await exportParquet(walk, file, { workers, rowGroupSize: ROW_GROUP })).toMatchObject({ rows: truth.length });
    files.set(workers, file);
  }
}, 60_000);

afterAll(() => removeTempBase(base));

describe('a Parquet export by worker threads', () => {
  it('has every entry once, field by field as the ground truth (DuckDB)', async () => {
    const recs = await parquetRecs(files.get(3)!);
    expect(diffRecords(recs, truth)).toEqual([]);
    expect(recs).toHaveLength(truth.length);
  });

  it('holds the rows in row groups of 97 (the last the rest), in the walk file order, for DuckDB and hyparquet', async () => {
    const file = files.get(3)!;
    const groups = await duckRows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlPath(file)}) ORDER BY row_group_id`);
    const expected = Array.from({ length: Math.ceil(truth.length / ROW_GROUP) }, (_, g) => Math.min(ROW_GROUP, truth.length - g * ROW_GROUP));
    expect(groups.map((g) => Number(g.row_group_num_rows))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3 * 2);

    const duck = await duckRows(`SELECT path_bytes FROM read_parquet(${sqlPath(file)})`);
    expect(duck.map((r) => Buffer.from((r.path_bytes as { bytes: Uint8Array }).bytes))).toEqual(walkOrder);
    // utf8 false: path_bytes is BINARY, not text.
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ['path_bytes', 'size', 'inode'], utf8: false });
    expect(rows.map((r) => Buffer.from(r.path_bytes as Uint8Array))).toEqual(walkOrder);
    const byPath = new Map(truth.map((t) => [t.pathBytes.toString('latin1'), t]));
    const bad = rows.filter((r) => {
      const t = byPath.get(Buffer.from(r.path_bytes as Uint8Array).toString('latin1'));
      return t === undefined || BigInt(r.size as bigint) !== t.size || BigInt(r.inode as bigint) !== t.inode;
    });
    expect(bad).toEqual([]);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(file));
    expect(Number(meta.num_rows)).toBe(truth.length);
  });

  it('is the same file, byte for byte, whatever the number of workers (pwalk-ts export --workers too)', async () => {
    const one = readFileSync(files.get(1)!);
    for (const workers of WORKERS) expect(readFileSync(files.get(workers)!).equals(one), `${workers} workers`).toBe(true);
    const cli = join(base, 'cli.parquet');
    await runCliOk(['export', walkDir, '-o', cli, '--workers', '3', '--row-group-size', String(ROW_GROUP), '--quiet']);
    expect(readFileSync(cli).equals(one)).toBe(true);
  });

  it('exportParquetTables (what sql stages): both tables from one pass, the entries as this file, the errors as their own export', async () => {
    const walk = await openWalk(walkDir);
    const errors = join(base, 'errors.parquet');
    await exportErrorsParquet(walk, errors, { rowGroupSize: ROW_GROUP });
    for (const workers of WORKERS) {
      const both = { entries: join(base, `both-${workers}.parquet`), errors: join(base, `both-${workers}-errors.parquet`) };
      await exportParquetTables(walk, both, { workers, rowGroupSize: ROW_GROUP });
      expect(readFileSync(both.entries).equals(readFileSync(files.get(1)!)), `${workers} workers`).toBe(true);
      expect(readFileSync(both.errors).equals(readFileSync(errors)), `${workers} workers`).toBe(true);
    }
  });

  it("reports a corrupt block once ('skip'), or fails with its code and leaves no file ('throw')", async () => {
    const thread0 = join(walkDir, 'thread_0.bin');
    const bytes = readFileSync(thread0);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(thread0, bytes);
    const outputs: Buffer[] = [];
    for (const workers of [1, 3]) {
      const walk = await openWalk(walkDir, { onCorrupt: 'skip' });
      const file = join(base, `skipped-${workers}.parquet`);
      await exportParquet(walk, file, { workers, rowGroupSize: ROW_GROUP });
      expect(walk.problems.map((p) => p.code)).toEqual(['PWALK_CORRUPT_BLOCK']);
      outputs.push(readFileSync(file));

      const thrown = join(base, `thrown-${workers}.parquet`);
      const err = await exportParquet(await openWalk(walkDir), thrown, { workers, rowGroupSize: ROW_GROUP }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WalkFormatError);
      expect((err as WalkFormatError).code).toBe('PWALK_CORRUPT_BLOCK');
      expect(existsSync(thrown)).toBe(false);
    }
    expect(outputs[1]!.equals(outputs[0]!)).toBe(true);
  });
});
