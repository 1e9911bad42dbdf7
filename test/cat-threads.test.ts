// `cat` without --sort formats its rows on several threads (sdk/batches-in-threads.ts:
// block k read and formatted by thread k mod N, written in order from the main
// thread). A walk of the skewed tree and the edge tree (quotes, control characters,
// non-UTF-8 and multi-byte names, hard links, sparse files, times before 1970) by 2
// threads in blocks of 4 KiB (dozens of blocks) is printed in all three formats by 1, 2
// and 3 threads: the same bytes, every entry of the ground truth once. Damaged blocks
// (a checksum, a record count) and a cut thread file give the same rows and the same
// problem lines either way, whichever thread's turn the block was. The paths the rows
// are written from come in pieces (PathPieces), which must join to each entry's path.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import { formattedBatches, openWalk, PathPieces, WalkFormatError, type CreateBatchFormatter, type FormattedBatchesOptions, type Walk } from '@pwalk-ts/reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadFileBlocks } from './helpers/forged-frames.js';
import { buildEdgeTree, buildSkewedTree, makeTempBase, removeTempBase } from './helpers/trees.js';
import { cliEntries, diffRecords, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { REPO, runCli, runCliOk } from './helpers/run-cli.js';

const FORMATS = ['csv', 'ndjson', 'pwalk'] as const;
const THREAD_FORMATTER = pathToFileURL(join(REPO, 'test/fixtures/batch-formatters/thread-and-paths.mjs'));

/** formattedBatches' options for the fixture's formatter, its helpers started from the fixture too. */
async function fixtureOptions(threads: number, onCorrupt: 'throw' | 'skip'): Promise<FormattedBatchesOptions<{ tag: string }>> {
  const { createBatchFormatter } = (await import(THREAD_FORMATTER.href)) as { createBatchFormatter: CreateBatchFormatter<{ tag: string }> };
  return {
    threads,
    createFormatter: createBatchFormatter,
    startHelper: (workerData) => new Worker(THREAD_FORMATTER, { workerData }),
    options: { tag: 't' },
    onCorrupt,
    signal: undefined,
  };
}

let base: string;
let walkDir: string;
let truth: Rec[];

beforeAll(async () => {
  base = makeTempBase('cat-threads');
  const tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  buildEdgeTree(join(tree, 'edge'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  walkDir = join(base, 'walk');
  await runCliOk([tree, '--out', walkDir, '--threads', '2', '--quiet'], { env: { PWALK_TEST_BLOCK_CAPACITY: '4096' } });
}, 60_000);

afterAll(() => removeTempBase(base));

async function fileOrderPaths(walk: Walk): Promise<string[]> {
  const paths: string[] = [];
  for await (const batch of walk.recordBatches()) for (const e of batch) paths.push(Buffer.from(e.pathBytes).toString('base64'));
  return paths;
}

/**
 * A copy of the walk, damaged in the thread file with more blocks (a thread may have
 * found no work): two blocks in a row, so at least one is a helper's turn, one failing
 * its checksum, the next with a record count its items do not match (its checksum made
 * right, so only decoding finds it); and the file ends inside its last block.
 */
function damagedCopy(): string {
  const damaged = join(base, 'damaged');
  rmSync(damaged, { recursive: true, force: true });
  cpSync(walkDir, damaged, { recursive: true });
  const longer = ['thread_0.bin', 'thread_1.bin']
    .map((name) => join(damaged, name))
    .sort((a, b) => threadFileBlocks(readFileSync(b)).length - threadFileBlocks(readFileSync(a)).length)[0]!;
  const bytes = readFileSync(longer);
  const blocks = threadFileBlocks(bytes);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const middle = (blocks.length - 1) >> 1;
  const flipped = blocks[middle]!;
  bytes[flipped.at + 16 + (flipped.payload.length >> 1)]! ^= 0xff;
  const miscounted = blocks[middle + 1]!;
  bytes.writeUInt32LE(miscounted.records + 1, miscounted.at + 8);
  const last = blocks.at(-1)!;
  writeFileSync(longer, bytes.subarray(0, last.at + 16 + (last.payload.length >> 1)));
  return damaged;
}

describe('formattedBatches', () => {
  it('reads and formats block k on thread k mod N (this one first) and yields the batches in the walk order', async () => {
    const walk = await openWalk(walkDir);
    const blocks = walk.files.map((f) => threadFileBlocks(readFileSync(f.path)).length);
    // Two thread files, and blocks enough for several turns of each thread.
    expect(blocks.length).toBe(2);
    expect(blocks[0]! + blocks[1]!).toBeGreaterThan(3 * 3);
    const threadsSeen: number[] = [];
    const paths: string[] = [];
    for await (const bytes of formattedBatches(walk, await fixtureOptions(3, 'throw'))) {
      const [head, list] = Buffer.from(bytes).toString().trimEnd().split('|') as [string, string];
      threadsSeen.push(Number(head.slice('t:'.length)));
      if (list !== '') paths.push(...list.split(','));
    }
    expect(paths).toEqual(await fileOrderPaths(walk));
    // Each block's batches come from one thread: the runs of one thread, block by block.
    const runs = threadsSeen.filter((t, k) => k === 0 || t !== threadsSeen[k - 1]);
    expect(runs.length).toBe(blocks[0]! + blocks[1]!);
    expect(runs[0]).toBe(threadId);
    expect(new Set(runs.slice(0, 3)).size).toBe(3);
    for (let k = 0; k < runs.length; k++) expect(runs[k]).toBe(runs[k % 3]);
  });
  it("fails a damaged walk under onCorrupt 'throw' with the code one thread fails with, after the same batches", async () => {
    const damaged = damagedCopy();
    const outcomes = [];
    for (const threads of [1, 2, 3]) {
      const walk = await openWalk(damaged, { onCorrupt: 'skip' });
      const paths: string[] = [];
      const options = await fixtureOptions(threads, 'throw');
      const err = await (async () => {
        for await (const bytes of formattedBatches(walk, options)) paths.push(Buffer.from(bytes).toString().split('|')[1]!);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WalkFormatError);
      outcomes.push({ code: (err as WalkFormatError).code, paths });
    }
    expect(outcomes[0]!.code).toBe('PWALK_CORRUPT_BLOCK');
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    rmSync(damaged, { recursive: true });
  });
});

describe('PathPieces', () => {
  it("gives every entry's full path as its pieces: head, directory and name, together its pathBytes", async () => {
    const walk = await openWalk(walkDir);
    const pieces = new PathPieces();
    let entries = 0;
    for await (const batch of walk.recordBatches()) {
      for (const e of batch) {
        const p = pieces.of(e);
        const joined = Buffer.concat([p.head, p.dir, p.name.subarray(p.nameFrom, p.nameTo)]);
        expect(joined.equals(Buffer.from(e.pathBytes)), Buffer.from(e.pathBytes).toString('base64')).toBe(true);
        entries++;
      }
    }
    expect(entries).toBe(truth.length);
  });
});

describe('cat --workers N', () => {
  it('prints every format byte for byte as one thread does, every entry once', async () => {
    for (const format of FORMATS) {
      const one = (await runCliOk(['cat', walkDir, '--format', format, '--workers', '1'])).stdoutBytes;
      for (const workers of ['2', '3']) {
        const many = (await runCliOk(['cat', walkDir, '--format', format, '--workers', workers])).stdoutBytes;
        expect(many.equals(one), `${format} --workers ${workers}`).toBe(true);
      }
      if (format === 'ndjson') expect(diffRecords(cliEntries(one.toString('utf8'), []), truth)).toEqual([]);
    }
  }, 60_000);

  it('prints the same rows and problems as one thread when blocks are damaged and a thread file is cut', async () => {
    const damaged = damagedCopy();
    for (const format of FORMATS) {
      const one = await runCli(['cat', damaged, '--format', format, '--workers', '1']);
      expect(one.code).toBe(1);
      for (const code of ['PWALK_CORRUPT_BLOCK', 'PWALK_CORRUPT_RECORD', 'PWALK_TRUNCATED']) expect(one.stderr).toContain(code);
      for (const workers of ['2', '3']) {
        const many = await runCli(['cat', damaged, '--format', format, '--workers', workers]);
        expect([many.code, many.stderr]).toEqual([one.code, one.stderr]);
        expect(many.stdoutBytes.equals(one.stdoutBytes), `${format} --workers ${workers}`).toBe(true);
      }
      expect(one.stdoutBytes.length).toBeGreaterThan(0);
    }
    rmSync(damaged, { recursive: true });
  }, 60_000);

  it('is refused with --sort path or --errors: one line, exit 2', async () => {
    for (const extra of [['--sort', 'path'], ['--errors']]) {
      const r = await runCli(['cat', walkDir, '--workers', '2', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^pwalk-ts: --workers is for entries in file order[^\n]*\n$/);
    }
  });
});
