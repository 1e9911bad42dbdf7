// The reader SDK (openWalk) on walks made by the CLI: the same records as
// `pwalk-ts cat`, typed (64-bit quantities as exact bigints), sorted with and
// without spilling to disk, and error records with their fields.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openWalk } from '@pwalk-ts/reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, diffRecords, groundTruth, INT_KEYS, walkedSkewedEdgeTree, type Rec } from './helpers/records.js';
import { runCliOk } from './helpers/run-cli.js';
import { makeTempBase, removeTempBase } from './helpers/trees.js';

const BIGINT_FIELDS = ['size', 'blocks', 'inode', 'parentInode', 'dev'] as const;
const NUMBER_FIELDS = ['mode', 'uid', 'gid', 'nlink', 'atime', 'mtime', 'ctime', 'depth'] as const;

let base: string;
let tree: string;
let out: string;
let cli: Rec[];
let truth: Rec[];

interface SdkEntry {
  path: string;
  pathBytes: Uint8Array;
  relativePathBytes: Uint8Array;
  type: string;
  [k: string]: unknown;
}

/** An SDK entry in the test's normalized shape (every integer a bigint), checking the JS types on the way. */
function fromSdk(e: SdkEntry, problems: string[], compact = false): Rec {
  const rec = { pathBytes: Buffer.from(e.pathBytes), path: e.path, type: e.type } as Rec;
  for (const k of BIGINT_FIELDS) {
    const v = e[k];
    if (compact && k === 'blocks') {
      if (v !== null) problems.push(`${e.path}: compact ${k} is ${inspect(v)}`);
    } else if (compact && k === 'dev') {
      if (v !== null) problems.push(`${e.path}: compact ${k} is ${inspect(v)}`);
    } else if (typeof v !== 'bigint') problems.push(`${e.path}: ${k} is ${typeof v}, expected bigint`);
    rec[k] = typeof v === 'bigint' ? v : null;
  }
  for (const k of NUMBER_FIELDS) {
    const v = e[k];
    const nullable = compact && k !== 'mtime' && k !== 'depth';
    if (nullable) {
      if (v !== null) problems.push(`${e.path}: compact ${k} is ${inspect(v)}`);
      rec[k] = null;
    } else if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      problems.push(`${e.path}: ${k} is ${typeof v} ${String(v)}, expected a safe integer number`);
      rec[k] = null;
    } else rec[k] = BigInt(v);
  }
  return rec;
}

async function sdkRecords(dir: string, options: Record<string, unknown>, problems: string[], compact = false): Promise<Rec[]> {
  const walk = await openWalk(dir);
  const recs: Rec[] = [];
  for await (const e of walk.records(options)) recs.push(fromSdk(e as unknown as SdkEntry, problems, compact));
  return recs;
}

beforeAll(async () => {
  base = makeTempBase('sdk');
  ({ tree, truth, out } = await walkedSkewedEdgeTree(base));
  const cat = await runCliOk(['cat', out, '--sort', 'path']);
  const problems: string[] = [];
  cli = cliEntries(cat.stdout, problems);
  expect(problems).toEqual([]);
});

afterAll(() => removeTempBase(base));

describe('openWalk', () => {
  it('reads the manifest: complete, root bytes, options, totals', async () => {
    const walk = await openWalk(out);
    expect(walk.status).toBe('complete');
    const m = walk.manifest!;
    expect(Buffer.from(m.root).equals(Buffer.from(tree))).toBe(true);
    expect(m.options.threads).toBe(2);
    expect(m.totals.entries).toBe(truth.length);
    expect(m.totals.bytes).toBe(truth.reduce((s, r) => s + r.size!, 0n));
    expect(walk.files).toHaveLength(2);
  });

  it('records({sort: "path"}) gives the same records as cat, in the same order, with bigint fields exact', async () => {
    const problems: string[] = [];
    const sdk = await sdkRecords(out, { sort: 'path' }, problems);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(sdk.map((r) => r.pathBytes.toString('base64'))).toEqual(cli.map((r) => r.pathBytes.toString('base64')));
    expect(sdk.map((r) => r.path)).toEqual(cli.map((r) => r.path));
    expect(diffRecords(sdk, cli)).toEqual([]);
    expect(diffRecords(sdk, truth)).toEqual([]);
  });

  it('keeps sizes past 2^32, times before 1970 and after 2106', async () => {
    const walk = await openWalk(out);
    const want = new Map<string, (e: Record<string, unknown>) => void>([
      [`${tree}/edge/sizes/sparse6g`, (e) => expect(e.size).toBe(6442450944n)],
      [`${tree}/edge/sizes/u32`, (e) => expect(e.size).toBe(4294967296n)],
      [`${tree}/edge/times/pre1970Ns`, (e) => expect([e.mtime, e.atime]).toEqual([-315360000, -315360000])],
      [`${tree}/edge/times/after2106Ns`, (e) => expect(e.mtime).toBe(5_000_000_000)],
      [`${tree}/edge/times/justBeforeSecondLateNs`, (e) => expect(e.mtime).toBe(4_400_000_000)],
    ]);
    let seen = 0;
    for await (const e of walk.records()) {
      const check = want.get(e.path);
      if (check !== undefined) {
        check(e as unknown as Record<string, unknown>);
        seen++;
      }
    }
    expect(seen).toBe(want.size);
  });

  it('records() without sort yields the same set', async () => {
    const problems: string[] = [];
    const sdk = await sdkRecords(out, {}, problems);
    expect(problems).toEqual([]);
    expect(diffRecords(sdk, cli)).toEqual([]);
  });

  it('a sort that spills to disk (100 records in memory) gives the same sequence, and removes its temp files', async () => {
    const tempDir = mkdtempSync(join(base, 'spill-'));
    const problems: string[] = [];
    const spilled = await sdkRecords(out, { sort: 'path', sortMemoryRecords: 100, tempDir }, problems);
    expect(problems).toEqual([]);
    expect(spilled.map((r) => r.pathBytes.toString('base64'))).toEqual(cli.map((r) => r.pathBytes.toString('base64')));
    expect(diffRecords(spilled, cli)).toEqual([]);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('a compact walk: null for the fields it does not record, exact for the rest, also when spilling', async () => {
    const compactOut = join(base, 'walk-compact');
    await runCliOk([tree, '--out', compactOut, '--threads', '2', '--quiet', '--compact']);
    for (const options of [{ sort: 'path' }, { sort: 'path', sortMemoryRecords: 50 }]) {
      const problems: string[] = [];
      const sdk = await sdkRecords(compactOut, options, problems, true);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(diffRecords(sdk, truth, { ignore: ['blocks', 'mode', 'uid', 'gid', 'nlink', 'dev', 'atime', 'ctime'] })).toEqual([]);
    }
  });

  it('a block whose directory paths outgrow their first 64 KiB: sorted by path in byte order, every path exact', async () => {
    // 400 sibling directories with long names under a long path: joining their paths
    // moves a format-2 block's paths to a larger arena part way through the block.
    const deep = join(base, 'arena', 'd'.repeat(120), 'e'.repeat(120));
    for (let i = 0; i < 400; i++) {
      const dir = join(deep, `${String(i).padStart(3, '0')}-${'s'.repeat(100)}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'f'), '');
    }
    const walked = join(base, 'walk-arena');
    await runCliOk([join(base, 'arena'), '--out', walked, '--threads', '1', '--quiet']);
    const walk = await openWalk(walked);
    const unsorted: Buffer[] = [];
    for await (const e of walk.records()) unsorted.push(Buffer.from(e.relativePathBytes));
    expect(unsorted).toHaveLength(1 + 2 + 400 * 2);
    const sorted: Buffer[] = [];
    for await (const e of walk.records({ sort: 'path' })) sorted.push(Buffer.from(e.relativePathBytes));
    expect(sorted.map(String)).toEqual(unsorted.sort((a, b) => Buffer.compare(a, b)).map(String));
  });

  it('the integer fields the SDK exposes are the contract ones', () => {
    expect([...BIGINT_FIELDS, ...NUMBER_FIELDS].sort()).toEqual([...INT_KEYS].sort());
  });
});

describe('walk.errors()', () => {
  let mounted: string | null = null;
  let loopOut: string;
  let reason = '';

  beforeAll(async () => {
    // A bind mount of the root inside itself: the walker must record an ELOOP error
    // for it instead of reading the same directory again.
    const root = join(base, 'loop');
    mkdirSync(join(root, 'sub/inside'), { recursive: true });
    try {
      execFileSync('mount', ['--bind', root, join(root, 'sub/inside')], { stdio: 'pipe' });
      mounted = join(root, 'sub/inside');
    } catch (err) {
      reason = (err as Error).message.split('\n')[0]!;
      return;
    }
    loopOut = join(base, 'walk-loop');
    await runCliOk([root, '--out', loopOut, '--threads', '2', '--quiet'], {}, 1);
  });

  afterAll(() => {
    if (mounted !== null) execFileSync('umount', [mounted]);
  });

  it('is empty for a walk without failures', async () => {
    const walk = await openWalk(out);
    const errors: unknown[] = [];
    for await (const e of walk.errors()) errors.push(e);
    expect(errors).toEqual([]);
  });

  it('yields a bind-mount loop as an ELOOP error with its inode and parent inode', async (ctx) => {
    if (mounted === null) {
      console.warn(`skipping the bind-mount loop test: cannot bind mount (${reason})`);
      ctx.skip();
    }
    const root = join(base, 'loop');
    const truthLoop = groundTruth(root, { maxDepth: 3 }).entries;
    const rootIno = truthLoop.find((r) => r.depth === 0n)!.inode;
    const subIno = truthLoop.find((r) => r.path === `${root}/sub`)!.inode;
    const walk = await openWalk(loopOut);
    const errors = [];
    for await (const e of walk.errors({ sort: 'path' })) errors.push(e);
    expect(errors.map((e) => [e.path, e.syscall, e.code, e.type])).toEqual([[`${root}/sub/inside`, 'scandir', 'ELOOP', 'dir']]);
    expect(errors[0]!.inode).toBe(rootIno);
    expect(errors[0]!.parentInode).toBe(subIno);
    expect(errors[0]!.depth).toBe(2);
    // the mount point itself is an entry (with the root's inode); nothing below it is
    const paths: string[] = [];
    for await (const e of walk.records({ sort: 'path' })) paths.push(e.path);
    expect(paths).toEqual([root, `${root}/sub`, `${root}/sub/inside`]);
  });
});
