// Inode numbers past 2^53: a small tree is mounted through slowfs (a FUSE mirror,
// ../shared/tools/slowfs.py from the repo root) with every inode offset by 2^60, then
// walked with 1, 2 and 8 threads. Inodes and parent inodes must come out exact in
// the CLI's ndjson and csv and as bigints from the SDK, on the native and the
// TypeScript scanner routes.
import { mkdirSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exactBlocks, exactDev, exactInode, exactParentInode, exactSize, openWalk, type ExactInteger } from '@pwalk-ts/reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { ACTIVE_ROUTES, describeRoutes, type Route } from './helpers/routes.js';
import { parseCsv, runCli, runCliOk, type CliResult } from './helpers/run-cli.js';
import { mountSlowfs, slowfsSkipReason, type SlowfsMount } from './helpers/slowfs.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

const OFFSET = 1n << 60n;
const THREADS = [1, 2, 8] as const;

let base: string | undefined;
let mount: SlowfsMount | undefined;
let truth: Rec[];
const walks = new Map<string, { out: string; walk: CliResult }>();

function walkOf(route: Route, threads: number): { out: string; walk: CliResult } {
  return walks.get(`${route}/${threads}`)!;
}

const skipReason = slowfsSkipReason();
if (skipReason !== null) console.warn(`skipping the large-inode (FUSE) tests: ${skipReason}`);

beforeAll(async () => {
  if (skipReason !== null) return;
  base = makeTempBase('ino');
  const src = join(base, 'src');
  const mnt = join(base, 'mnt');
  mkdirSync(join(src, 'a/b/c'), { recursive: true });
  mkdirSync(join(src, 'wide'), { recursive: true });
  for (let i = 0; i < 40; i++) {
    mkdirSync(join(src, 'wide', `d${i}`));
    writeFileSync(join(src, 'wide', `d${i}`, 'f'), String(i));
  }
  writeFileSync(join(src, 'a/file'), 'file');
  writeFileSync(join(src, 'a/b/c/deep'), 'deep');
  linkSync(join(src, 'a/file'), join(src, 'a/b/hardlink'));
  symlinkSync('../file', join(src, 'a/b/link'));
  py(
    `
import os, sys
root = os.fsencode(sys.argv[1])
open(os.path.join(root, b"name\\xff\\xfe"), "wb").close()
with open(os.path.join(root, b"sparse"), "wb") as f:
    f.truncate(6 * 2**30)
p = os.path.join(root, b"old")
open(p, "wb").close()
os.utime(p, ns=(-315359999999999877, -315359999999999877))
`,
    src,
  );
  mkdirSync(mnt);
  settleAtimes(src);
  mount = await mountSlowfs(src, mnt, ['--ino-offset', String(OFFSET), '--delay-ms', '0']);
  truth = groundTruth(mnt).entries;
  for (const route of ACTIVE_ROUTES) {
    for (const threads of THREADS) {
      const out = join(base, `out-${route}-${threads}`);
      const walk = await runCli([mnt, '--out', out, '--threads', String(threads), '--quiet'], { route });
      walks.set(`${route}/${threads}`, { out, walk });
    }
  }
});

afterAll(async () => {
  await mount?.unmount();
  if (!mount?.isMounted()) removeTempBase(base);
});

describe.skipIf(skipReason !== null)('a FUSE mount with inodes offset by 2^60', () => {
  it('fixture: every inode the ground truth sees is past 2^53', () => {
    expect(truth.length).toBeGreaterThan(80);
    const small = truth.filter((r) => r.inode! < OFFSET);
    expect(small.map((r) => r.path)).toEqual([]);
    expect(truth.every((r) => r.inode! > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  describeRoutes((route) => {
    describe.each(THREADS)('--threads %i', (threads) => {
      it('exits 0 and matches the ground truth field by field (inodes exact)', async () => {
        const { walk, out } = walkOf(route, threads);
        expect(walk.stderr).toBe('');
        expect(walk.code).toBe(0);
        const cat = await runCliOk(['cat', out, '--sort', 'path']);
        expect(diffRecords(expectSortedEntries(cat.stdout), truth)).toEqual([]);
        // The ndjson text holds the exact digits (a double would print ...976 as ...000 etc.).
        const rootInode = truth[0]!.inode!;
        expect(cat.stdout).toContain(`"inode":${rootInode},`);
        expect(cat.stdout).toContain(`"parentInode":${rootInode},`);
      });

      it('csv holds the exact inode digits', async () => {
        const { out } = walkOf(route, threads);
        const csv = await runCliOk(['cat', out, '--format', 'csv', '--sort', 'path']);
        const rows = parseCsv(csv.stdoutBytes).slice(1);
        const byPath = new Map(truth.map((r) => [r.pathBytes.toString('base64'), r]));
        const bad: string[] = [];
        for (const row of rows) {
          const t = byPath.get(row[0]!.toString('base64'));
          if (t === undefined) bad.push(`unexpected ${row[0]!.toString('latin1')}`);
          else if (row[8]!.toString() !== String(t.inode) || row[9]!.toString() !== String(t.parentInode)) {
            bad.push(`${t.path}: csv inode ${row[8]!.toString()} parent ${row[9]!.toString()}, expected ${t.inode} ${t.parentInode}`);
          }
        }
        expect(bad).toEqual([]);
        expect(rows).toHaveLength(truth.length);
      });

      it('the SDK yields the exact inodes as bigints', async () => {
        const walk = await openWalk(walkOf(route, threads).out);
        const byPath = new Map(truth.map((r) => [r.pathBytes.toString('base64'), r]));
        const bad: string[] = [];
        let n = 0;
        for await (const e of walk.records({ sort: 'path' })) {
          n++;
          const t = byPath.get(Buffer.from(e.pathBytes).toString('base64'));
          if (typeof e.inode !== 'bigint' || typeof e.parentInode !== 'bigint') bad.push(`${e.path}: not bigint`);
          else if (t === undefined) bad.push(`unexpected ${e.path}`);
          else if (e.inode !== t.inode || e.parentInode !== t.parentInode) bad.push(`${e.path}: ${e.inode}/${e.parentInode} vs ${t.inode}/${t.parentInode}`);
        }
        expect(bad).toEqual([]);
        expect(n).toBe(truth.length);
      });

      it('the exact-number readers give each 64-bit field exactly: a number below 2^53, else the bigint', async () => {
        const walk = await openWalk(walkOf(route, threads).out);
        const bad: string[] = [];
        const check = (path: string, name: string, got: ExactInteger | null, field: bigint | null): void => {
          const exact = field === null || (field <= BigInt(Number.MAX_SAFE_INTEGER) && field >= -BigInt(Number.MAX_SAFE_INTEGER));
          if (field === null ? got !== null : BigInt(got!) !== field || typeof got !== (exact ? 'number' : 'bigint')) {
            bad.push(`${path} ${name}: ${String(got)} (${typeof got}) for ${String(field)}`);
          }
        };
        let sparse = false;
        for await (const e of walk.records()) {
          check(e.path, 'inode', exactInode(e), e.inode);
          check(e.path, 'parentInode', exactParentInode(e), e.parentInode);
          check(e.path, 'size', exactSize(e), e.size);
          check(e.path, 'dev', exactDev(e), e.dev);
          check(e.path, 'blocks', exactBlocks(e), e.blocks);
          if (e.size === 6n * 2n ** 30n) sparse = exactSize(e) === 6 * 2 ** 30;
        }
        expect(bad).toEqual([]);
        expect(sparse).toBe(true);
      });

      it('pwalk rows hold the exact inode and parent inode digits', async () => {
        const csv = await runCliOk(['cat', walkOf(route, threads).out, '--format', 'pwalk']);
        const rows = parseCsv(csv.stdoutBytes, 'lf');
        const byPath = new Map(truth.map((r) => [r.pathBytes.toString('base64'), r]));
        const bad: string[] = [];
        for (const row of rows) {
          const t = byPath.get(row[3]!.toString('base64'));
          // pwalk writes parent inode 0 for the root.
          const parent = t === truth[0] ? 0n : t?.parentInode;
          if (t === undefined) bad.push(`unexpected ${row[3]!.toString('latin1')}`);
          else if (row[0]!.toString() !== String(t.inode) || row[1]!.toString() !== String(parent)) {
            bad.push(`${t.path}: pwalk inode ${row[0]!.toString()} parent ${row[1]!.toString()}, expected ${t.inode} ${parent}`);
          }
        }
        expect(bad).toEqual([]);
        expect(rows).toHaveLength(truth.length);
      });
    });
  });
});
