// Totals past 2^64: tmpfs takes sparse files of 2^63 - 1 bytes, so three of them sum
// past every 64-bit integer (MessagePack's, Redis's HINCRBY, a BigInt64Array word).
// Every total must stay exact (the walk's manifest, both readers, info, du, usage,
// report, the progress counters, a multi-host walk), and a walk whose final manifest
// cannot be written must read as failed, never as running.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWalk } from '../../packages/walker/dist/index.js';
import { groundTruth } from '../helpers/records.js';
import { redisSkipReason, testRedis, type TestRedis } from '../helpers/redis.js';
import { ACTIVE_ROUTES } from '../helpers/routes.js';
import { REPO, parseJsonExact, routeEnv, runCli, runCliOk, type Route } from '../helpers/run-cli.js';
import { buildDeepChain, makeTempBase, py, PYTHON, removeTempBase } from '../helpers/trees.js';

const HUGE = 2n ** 63n - 1n;
const READ_WALK = join(REPO, 'packages/reader/tools/read_walk.py');

let base: string;
const mounts: string[] = [];
let tree: string;
/** Sum of st_size over every entry, from Python's os.lstat. */
let truthBytes: bigint;

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'pwalk-test-huge', dir], { stdio: 'pipe' });
  mounts.push(dir);
}

/** The manifest as the Python reader decodes it (FORMAT.md section 5). */
function pythonManifest(out: string): Record<string, unknown> {
  const r = spawnSync(PYTHON, ['-B', READ_WALK, '--manifest', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return parseJsonExact(r.stdout) as Record<string, unknown>;
}

async function jsonOf(args: string[], expectedCode = 0): Promise<unknown> {
  return parseJsonExact((await runCliOk(args, {}, expectedCode)).stdout);
}

beforeAll(() => {
  base = makeTempBase('huge');
  tree = join(base, 'tree');
  mountTmpfs(tree, '1m');
  for (const name of ['huge-1', 'huge-2', 'huge-3']) execFileSync('truncate', ['-s', String(HUGE), join(tree, name)]);
  mkdirSync(join(tree, 'sub/deeper'), { recursive: true });
  writeFileSync(join(tree, 'small.txt'), 'hello\n');
  writeFileSync(join(tree, 'sub/a'), 'a'.repeat(1000));
  writeFileSync(join(tree, 'sub/deeper/b'), 'b'.repeat(4097));
  truthBytes = groundTruth(tree).entries.reduce((sum, e) => sum + e.size!, 0n);
  expect(truthBytes).toBeGreaterThan(2n ** 64n);
});

afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  removeTempBase(base);
});

describe.each(ACTIVE_ROUTES)('%s route: sizes summing past 2^64', (route: Route) => {
  it.each([1, 2])('threads %i: exit 0; manifest (both readers), info, du, usage and report totals exact', async (threads) => {
    const out = join(base, `walk-${route}-${threads}`);
    const walk = await runCli([tree, '--out', out, '--threads', String(threads), '--quiet'], { route });
    expect(walk.code, walk.stderr).toBe(0);
    const info = (await jsonOf(['info', out, '--json'])) as { status: string; manifest: { totals: { bytes: bigint } } };
    expect(info.status).toBe('complete');
    expect(info.manifest.totals.bytes).toBe(truthBytes);
    expect((pythonManifest(out).totals as { bytes: bigint }).bytes).toBe(truthBytes);
    const du = (await runCliOk(['du', out, '--json', '--depth', '0'])).stdout
      .trim()
      .split('\n')
      .map((l) => parseJsonExact(l));
    expect(du).toMatchObject([{ depth: 0n, apparentBytes: truthBytes }]);
    const usage = (await runCliOk(['usage', out, '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => parseJsonExact(l) as { apparentBytes: bigint });
    expect(usage.reduce((sum, row) => sum + row.apparentBytes, 0n)).toBe(truthBytes);
    const report = (await jsonOf(['report', out, '--json', '-', '--quiet'])) as { headline: { apparentBytes: bigint } };
    expect(report.headline.apparentBytes).toBe(truthBytes);
  });

  it('the progress counters end at the exact total (threads 2)', async () => {
    const saved = process.env.PWALK_NATIVE;
    Object.assign(process.env, routeEnv(route));
    try {
      const run = startWalk({ root: tree, out: join(base, `sdk-${route}`), threads: 2 });
      const result = await run.result;
      expect(run.progress().bytes).toBe(truthBytes);
      expect(result.manifest.totals.bytes).toBe(truthBytes);
      expect(result.status, result.message ?? '').toBe('complete');
    } finally {
      if (saved === undefined) delete process.env.PWALK_NATIVE;
      else process.env.PWALK_NATIVE = saved;
    }
  });
});

describe.skipIf(redisSkipReason() !== null)('a multi-host walk of sizes summing past 2^64', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await testRedis();
  });
  afterAll(async () => redis?.stop());

  it('completes with the exact total (Redis sums the bytes as a decimal string)', async () => {
    const out = join(base, 'walk-queue');
    const walk = await runCli([tree, '--queue', redis.url, '--out', out, '--threads', '2', '--quiet'], { timeoutMs: 60_000 });
    expect(walk.code, walk.stderr).toBe(0);
    const info = (await jsonOf(['info', out, '--json'])) as { status: string; manifest: { totals: { bytes: bigint } } };
    expect(info.status).toBe('complete');
    expect(info.manifest.totals.bytes).toBe(truthBytes);
  });
});

describe('a final manifest that cannot be written', () => {
  let chain: string;
  let full: string;
  beforeAll(() => {
    // 300 directories of 254-byte names in a chain, the first 100 with 50 files of
    // 200-byte names each: the first 1 MiB block fills (and the 200 KiB output disk with
    // it) about 24 KB deep, so the failure message names a path longer than the room the
    // running manifest reserved for the final one.
    chain = join(base, 'chain');
    buildDeepChain(chain, 300, 254, false);
    py(
      `import os,sys
fd=os.open(sys.argv[1],os.O_RDONLY)
for level in range(100):
  for i in range(50):
    os.close(os.open('%03d-'%i+'f'*196,os.O_CREAT|os.O_WRONLY,0o644,dir_fd=fd))
  down=[n for n in os.listdir(fd) if len(n)==254][0]
  nfd=os.open(down,os.O_RDONLY,dir_fd=fd); os.close(fd); fd=nfd
os.close(fd)`,
      chain,
    );
    full = join(base, 'full');
    mountTmpfs(full, '200k');
  });

  // One thread: with two, the second thread's file header can meet the disk already
  // full, and the walk then fails over that instead (a 0-byte thread file).
  it.each(ACTIVE_ROUTES)('%s route: exit 2 on one line; info and the Python reader say failed, with both reasons', async (route: Route) => {
    const out = join(full, `walk-${route}`);
    const walk = await runCli([chain, '--out', out, '--threads', '1', '--quiet'], { route });
    try {
      expect(walk.code, walk.stderr).toBe(2);
      expect(walk.stderr.trimEnd().split('\n'), walk.stderr.slice(0, 400)).toHaveLength(1);
      expect(walk.stderr).toMatch(/^pwalk-ts: walk failed: output disk is full while reading .*cannot write the final manifest: .*is marked failed/);
      expect(walk.stderr.length).toBeGreaterThan(20_000);
      const info = await runCli(['info', out, '--json']);
      expect(info.code).toBe(1);
      const j = parseJsonExact(info.stdout) as { status: string; manifest: { status: string; message: string } };
      expect(j.status).toBe('failed');
      expect(j.manifest.message).toMatch(/^output disk is full while reading .*; cannot write the final manifest: ENOSPC/);
      expect(pythonManifest(out)).toMatchObject({ status: 'failed' });
    } finally {
      execFileSync('rm', ['-rf', out]);
    }
  });
});
