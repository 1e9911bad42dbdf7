// Multi-host walks (`--queue` and `pwalk-ts worker`) on a real Redis, with separate
// OS processes standing for hosts: the records equal a single-host walk's and
// ground_truth.py's; a worker SIGKILLed mid-walk loses nothing and duplicates
// nothing; Redis unreachable or lost mid-walk is one line, exit 2, a failed walk.
// The trees are read through slowfs (FUSE) so a walk lasts long enough to join and
// to kill something in the middle of it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWalk } from '@pwalk-ts/reader';
import type { Redis } from 'ioredis';
import { resolveQueueSettings } from '../packages/walker/dist/multi-host/queue-settings.js';
import { connectRedis } from '../packages/walker/dist/multi-host/redis-connect.js';
import { cliEntries, diffRecords, groundTruth, orderProblems, settleAtimes, type Rec } from './helpers/records.js';
import { freePort, privateRedis, redisSkipReason, testRedis, type TestRedis } from './helpers/redis.js';
import { CLI, runCli, runCliOk } from './helpers/run-cli.js';
import { mountSlowfs, slowfsSkipReason, type SlowfsMount } from './helpers/slowfs.js';
import { buildHugeDir, buildSkewedTree, buildWideTree, makeTempBase, removeTempBase } from './helpers/trees.js';

/** Short locks, so a killed worker's jobs come back within seconds. */
const QUEUE_ENV = { PWALK_QUEUE_LOCK_MS: '2000' };

const skipReason = redisSkipReason() ?? slowfsSkipReason();
if (skipReason !== null) console.warn(`multi-host tests skipped: ${skipReason}`);

interface Running {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts the CLI as its own process (a host), without waiting for it. */
function startCli(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...QUEUE_ENV, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, stderr: () => stderr, done };
}

/** Waits until `test` holds, running `probe` (if any) before each look. */
async function until(what: string, test: () => boolean, timeoutMs = 30_000, probe?: () => Promise<unknown>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await probe?.();
    if (test()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Workers that have subscribed and wait for a walk (so the walk cannot finish before they join). */
async function startWorkers(url: string, n: number, env: Record<string, string> = {}): Promise<Running[]> {
  const workers = Array.from({ length: n }, () => startCli(['worker', '--queue', url, '--threads', '4'], env));
  await Promise.all(workers.map((w, i) => until(`worker ${i} to wait for a walk`, () => w.stderr().includes('waiting for one to start'))));
  return workers;
}

async function sortedEntries(out: string): Promise<Rec[]> {
  const cat = await runCliOk(['cat', out, '--sort', 'path']);
  const problems: string[] = [];
  const entries = cliEntries(cat.stdout, problems);
  expect(problems).toEqual([]);
  expect(orderProblems(entries)).toEqual([]);
  return entries;
}

/** The pids whose thread files hold records (file names are thread_<host>-<pid>-<thread>.<slot>.bin). */
async function pidsWithRecords(out: string): Promise<Set<string>> {
  const walk = await openWalk(out);
  const pids = new Set<string>();
  for (const f of walk.manifest!.files) if (f.records > 0) pids.add(/-(\d+)-\d+\.\d+\.bin$/.exec(f.name)![1]!);
  return pids;
}

/** An entry of `src` as the slowfs mount at `mnt` shows it: the path under the mount, the mount's device. */
function mountedAs(src: string, mnt: string): (e: Rec) => Rec {
  const mntBytes = Buffer.from(mnt);
  const srcLength = Buffer.byteLength(src);
  const dev = BigInt(statSync(mnt).dev);
  return (e) => ({ ...e, pathBytes: Buffer.concat([mntBytes, e.pathBytes.subarray(srcLength)]), dev });
}

describe.skipIf(skipReason !== null)('multi-host walks on BullMQ and Redis', () => {
  let base: string;
  let redis: TestRedis;
  /** A connection of the test's own, to see what the hosts keep in Redis. */
  let admin: Redis;
  const mounts: SlowfsMount[] = [];

  async function mount(src: string, name: string, delayMs: number): Promise<string> {
    const mnt = join(base, name);
    mkdirSync(mnt);
    mounts.push(await mountSlowfs(src, mnt, ['--delay-ms', String(delayMs)]));
    return mnt;
  }

  beforeAll(async () => {
    base = makeTempBase('multi-host');
    redis = await testRedis();
    admin = await connectRedis(resolveQueueSettings(redis.url));
  });

  afterAll(async () => {
    for (const m of mounts) await m.unmount();
    admin?.disconnect();
    await redis?.stop();
    if (mounts.every((m) => !m.isMounted())) removeTempBase(base);
  });

  it('3 worker processes and the seeding host write the same records as a single-host walk and ground_truth.py', async () => {
    const src = join(base, 'skewed');
    buildSkewedTree(src);
    settleAtimes(src);
    const mnt = await mount(src, 'skewed-mnt', 1);
    const workers = await startWorkers(redis.url, 3);
    const out = join(base, 'multi');
    const seed = await runCli([mnt, '--queue', redis.url, '--out', out, '--threads', '4'], { timeoutMs: 120_000 });
    expect(seed.stderr).not.toMatch(/internal error/);
    expect(seed.code, seed.stderr).toBe(0);
    for (const w of workers) {
      const r = await w.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/complete/);
    }
    const walk = await openWalk(out);
    expect(walk.manifest!.status).toBe('complete');
    // Every host's files are listed: 4 processes, threads each.
    const listed = new Set(walk.manifest!.files.map((f) => /-(\d+)-\d+\.\d+\.bin$/.exec(f.name)![1]));
    expect(listed.size).toBe(4);
    expect(
      readdirSync(out)
        .filter((n) => n.endsWith('.bin'))
        .sort(),
    ).toEqual(walk.manifest!.files.map((f) => f.name).sort());
    // The work really was shared.
    expect((await pidsWithRecords(out)).size).toBeGreaterThanOrEqual(2);

    const single = join(base, 'single');
    await runCliOk([mnt, '--out', single, '--threads', '4', '--quiet']);
    const multi = await sortedEntries(out);
    expect(diffRecords(multi, await sortedEntries(single))).toEqual([]);
    expect(diffRecords(multi, groundTruth(mnt).entries)).toEqual([]);
    const info = JSON.parse((await runCliOk(['info', out, '--json'])).stdout) as { totals?: { entries: number } };
    expect(walk.manifest!.totals.entries).toBe(multi.length);
    expect(info).toBeTruthy();
  }, 180_000);

  it('a worker SIGKILLed mid-walk: the walk completes with nothing missing and nothing twice', async () => {
    const src = join(base, 'wide');
    buildWideTree(src, 20, 12);
    settleAtimes(src);
    const mnt = await mount(src, 'wide-mnt', 10);
    const workers = await startWorkers(redis.url, 3);
    const out = join(base, 'killed');
    const seed = startCli([mnt, '--queue', redis.url, '--out', out, '--threads', '4', '--quiet']);
    // Kill the first worker once it has committed a job (its file grew past the header)
    // and holds another (BullMQ records the taker's name, host-pid, on the job): mid-walk, mid-job.
    const victim = workers[0]!;
    const victimFiles = (): string[] => (existsSync(out) ? readdirSync(out).filter((n) => n.includes(`-${victim.child.pid}-`)) : []);
    await until('the victim to commit a job', () => victimFiles().some((n) => statSync(join(out, n)).size > 64), 60_000);
    const walkId = (await openWalk(out)).manifest!.walkId;
    const queue = `bull:pwalk-${walkId}`;
    const victimTag = `${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${victim.child.pid}`;
    const holdsJob = async (): Promise<boolean> => {
      for (const id of await admin.lrange(`${queue}:active`, 0, -1)) {
        if ((await admin.hget(`${queue}:${id}`, 'pb')) === victimTag) return true;
      }
      return false;
    };
    for (let tries = 0; !(await holdsJob()); tries++) {
      if (tries > 2000) throw new Error('the victim never held a job');
      await new Promise((r) => setTimeout(r, 5));
    }
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    const s = await seed.done;
    expect(s.code, s.stderr).toBe(0);
    for (const w of workers.slice(1)) expect((await w.done).code).toBe(0);

    const walk = await openWalk(out);
    expect(walk.manifest!.status).toBe('complete');
    // Its job was taken from it and read again by another host.
    expect(Number(await admin.hget(`pwalk:${walkId}:totals`, 'redelivered'))).toBeGreaterThanOrEqual(1);
    // The dead host's files are listed, cut at their last commit.
    for (const name of victimFiles()) {
      const listed = walk.manifest!.files.find((f) => f.name === name);
      expect(listed, name).toBeDefined();
      expect(statSync(join(out, name)).size).toBe(listed!.bytes);
    }
    const multi = await sortedEntries(out);
    // The single-host walk and the ground truth read the source, not the slow mount
    // (every readdir there waits 10 ms): its records, moved to the mount, must match.
    const single = join(base, 'killed-single');
    await runCliOk([src, '--out', single, '--threads', '4', '--quiet']);
    const asMounted = mountedAs(src, mnt);
    expect(diffRecords(multi, (await sortedEntries(single)).map(asMounted))).toEqual([]);
    expect(diffRecords(multi, groundTruth(src).entries.map(asMounted))).toEqual([]);
    expect(walk.manifest!.totals.entries).toBe(multi.length);
  }, 180_000);

  // The window this test needs (the victim holding records past its last commit when it
  // is polled) depends on timing: on an idle machine a job can write its block and commit
  // between two polls. A missed window is another attempt on fresh folders, never a
  // weaker check: every assertion after the kill holds on the attempt that runs. The first
  // attempt missed it in three of this session's four CI runs (the second caught it): four
  // more attempts, so CI does not hang on one window.
  let cutAttempt = 0;
  it('a worker SIGKILLed with records written past its last commit: its file is cut there, nothing twice', { retry: 4, timeout: 180_000 }, async () => {
    const attempt = cutAttempt++;
    // Directories of 15 000 entries fill a 1 MiB block mid-directory, so a host's file
    // holds records of a job it has not committed yet; one directory per job, so both
    // hosts get some. The seeding host reads one job at a time (--threads 1), the
    // worker two: the worker takes big directories as soon as there are two to take.
    const src = join(base, `big-${attempt}`);
    for (let i = 0; i < 4; i++) buildHugeDir(join(src, `big${i}`), 15_000);
    settleAtimes(src);
    const mnt = await mount(src, `big-mnt-${attempt}`, 0);
    const perDirectory = { PWALK_QUEUE_DIRS_PER_JOB: '1' };
    const [victim] = await startWorkers(redis.url, 1, perDirectory);
    const out = join(base, `cut-${attempt}`);
    const seed = startCli([mnt, '--queue', redis.url, '--out', out, '--threads', '1', '--quiet'], perDirectory);
    await until('the running manifest', () => existsSync(join(out, 'manifest.msgpack')), 30_000);
    const walkId = (await openWalk(out)).manifest!.walkId;
    const uncommitted = async (): Promise<Map<string, number>> => {
      const committed = await admin.hgetall(`pwalk:${walkId}:files`);
      const past = new Map<string, number>();
      for (const name of readdirSync(out).filter((n) => n.includes(`-${victim!.child.pid}-`))) {
        const size = statSync(join(out, name)).size;
        const extent = committed[name] === undefined ? 64 : (JSON.parse(committed[name]) as { bytes: number }).bytes;
        if (size > extent) past.set(name, size);
      }
      return past;
    };
    let atKill = new Map<string, number>();
    await until(
      "records past the victim's last commit",
      () => atKill.size > 0,
      60_000,
      async () => (atKill = await uncommitted()),
    );
    victim!.child.kill('SIGKILL');
    const s = await seed.done;
    expect(s.code, s.stderr).toBe(0);
    const walk = await openWalk(out);
    expect(walk.manifest!.status).toBe('complete');
    for (const [name, size] of atKill) {
      const listed = walk.manifest!.files.find((f) => f.name === name)!;
      expect(listed.bytes).toBeLessThan(size);
      expect(statSync(join(out, name)).size).toBe(listed.bytes);
    }
    const multi = await sortedEntries(out);
    expect(diffRecords(multi, groundTruth(src).entries.map(mountedAs(src, mnt)))).toEqual([]);
    expect(walk.manifest!.totals.entries).toBe(multi.length);
  });

  it('the seeding host SIGKILLed: workers leave with one line and exit 2; no new worker joins the dead walk', async () => {
    const src = join(base, 'seed-killed-tree');
    buildWideTree(src, 20, 12);
    const mnt = await mount(src, 'seed-killed-mnt', 10);
    // A 1 s heartbeat (expiring after 3 s) instead of 5 s: the workers see the seeding host gone in seconds.
    const shortHeartbeat = { PWALK_QUEUE_HEARTBEAT_MS: '1000' };
    const [worker] = await startWorkers(redis.url, 1, shortHeartbeat);
    const out = join(base, 'seed-killed');
    const seed = startCli([mnt, '--queue', redis.url, '--out', out, '--threads', '4', '--quiet'], shortHeartbeat);
    await until('a committed job', () => existsSync(out) && readdirSync(out).some((n) => n.endsWith('.bin') && statSync(join(out, n)).size > 64), 60_000);
    seed.child.kill('SIGKILL');
    const w = await worker!.done;
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/\npwalk-ts: walk failed: the seeding host of walk [0-9a-f]{32} \(.+\) stopped: no heartbeat for 3 s\n$/);
    // A worker started now finds no walk to join.
    const late = startCli(['worker', '--queue', redis.url]);
    await until('the late worker to wait', () => late.stderr().includes('waiting for one to start'));
    late.child.kill('SIGTERM');
    expect((await late.done).code).not.toBe(0);
    expect((await openWalk(out)).status).toBe('incomplete');
  }, 120_000);

  it('SIGINT: a worker commits what it reads and leaves (130); the seeding host ends the walk for all as interrupted (130, workers 0), nothing twice', async () => {
    const src = join(base, 'interrupt-tree');
    // Big enough (900 directories at 10 ms a call) that the walk is still running when the seeding host is interrupted.
    buildWideTree(src, 30, 12);
    settleAtimes(src);
    const mnt = await mount(src, 'interrupt-mnt', 10);
    const [leaver, stayer] = await startWorkers(redis.url, 2);
    const out = join(base, 'interrupted');
    const seed = startCli([mnt, '--queue', redis.url, '--out', out, '--threads', '4']);
    const committedBy = (pid: number | undefined): boolean =>
      existsSync(out) && readdirSync(out).some((n) => n.includes(`-${pid}-`) && statSync(join(out, n)).size > 64);
    await until('the leaving worker to commit a job', () => committedBy(leaver!.child.pid), 60_000);
    leaver!.child.kill('SIGINT');
    const l = await leaver!.done;
    expect(l.code, l.stderr).toBe(130);
    expect(l.stderr).toMatch(/SIGINT: committing the directories in progress, then leaving the walk/);
    seed.child.kill('SIGINT');
    const s = await seed.done;
    expect(s.code, s.stderr).toBe(130);
    const st = await stayer!.done;
    expect(st.code, st.stderr).toBe(0);
    expect(st.stderr).toMatch(/interrupted by its seeding host/);
    const walk = await openWalk(out);
    expect(walk.manifest!.status).toBe('interrupted');
    for (const f of walk.manifest!.files) expect(statSync(join(out, f.name)).size, f.name).toBe(f.bytes);
    const cat = await runCli(['cat', out, '--sort', 'path']);
    const problems: string[] = [];
    const entries = cliEntries(cat.stdout, problems);
    expect(problems).toEqual([]);
    expect(orderProblems(entries)).toEqual([]);
    expect(entries.length).toBe(walk.manifest!.totals.entries);
    const truth = new Map(groundTruth(src).entries.map((e) => [e.pathBytes.subarray(Buffer.byteLength(src)).toString('base64'), e]));
    const expected = entries.map((e) => truth.get(e.pathBytes.subarray(Buffer.byteLength(mnt)).toString('base64'))!);
    expect(
      diffRecords(
        entries,
        expected.map((e, i) => ({ ...e, pathBytes: entries[i]!.pathBytes })),
        { ignore: ['dev'] },
      ),
    ).toEqual([]);
  }, 120_000);

  it('a bad --queue URL is one line, exit 2, and no walk folder', async () => {
    const out = join(base, 'bad-url');
    for (const url of ['http://127.0.0.1:6379', 'not a url', 'redis://127.0.0.1:6379/x']) {
      const r = await runCli([base, '--queue', url, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pwalk-ts: --queue .*redis:\/\//);
      expect(existsSync(out)).toBe(false);
    }
    const w = await runCli(['worker']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/^pwalk-ts: --queue: needs the URL of the Redis/);
  });

  it('Redis unreachable: one line naming it, exit 2, the walk marked failed', async () => {
    const port = await freePort();
    const out = join(base, 'unreachable');
    const r = await runCli([join(base, 'wide'), '--queue', `redis://127.0.0.1:${port}`, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pwalk-ts: cannot reach Redis at redis://127.0.0.1:${port}: connection refused\n`);
    const walk = await openWalk(out);
    expect(walk.manifest!.status).toBe('failed');
    const w = await runCli(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    expect(w.code).toBe(2);
    expect(w.stderr).toBe(`pwalk-ts: cannot reach Redis at redis://127.0.0.1:${port}: connection refused\n`);
  });

  it('a Redis that accepts connections and never answers: one line naming it after the connect timeout (1 s here), exit 2, the walk marked failed', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const out = join(base, 'silent');
      mkdirSync(join(base, 'silent-tree'));
      const started = Date.now();
      const r = await startCli([join(base, 'silent-tree'), '--queue', `redis://127.0.0.1:${port}`, '--out', out], { PWALK_QUEUE_CONNECT_TIMEOUT_MS: '1000' })
        .done;
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`pwalk-ts: cannot reach Redis at redis://127.0.0.1:${port}: no answer in 1 s\n`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect((await openWalk(out)).manifest!.status).toBe('failed');
    } finally {
      silent.close();
    }
  });

  it('a password and a database number in the URL: the walk runs in that database; a wrong or missing password is one line, exit 2', async () => {
    const own = await privateRedis(['--requirepass', 'pw:/@x']);
    try {
      const src = join(base, 'auth-tree');
      buildWideTree(src, 4, 3);
      settleAtimes(src);
      const at = `127.0.0.1:${own.port}/3`;
      const url = `redis://:${encodeURIComponent('pw:/@x')}@${at}`;
      const out = join(base, 'auth-walk');
      const r = await runCli([src, '--queue', url, '--out', out, '--threads', '2']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('pw:/@x');
      const walk = await openWalk(out);
      expect(walk.manifest!.status).toBe('complete');
      expect(diffRecords(await sortedEntries(out), groundTruth(src).entries)).toEqual([]);
      // The walk's keys are in database 3, none in database 0.
      const db3 = await connectRedis(resolveQueueSettings(url));
      const db0 = await connectRedis(resolveQueueSettings(url.replace(/\/3$/, '')));
      try {
        expect(await db3.get(`pwalk:${walk.manifest!.walkId}:status`)).toBe('complete');
        expect(await db0.dbsize()).toBe(0);
      } finally {
        db3.disconnect();
        db0.disconnect();
      }
      for (const [bad, why] of [
        [`redis://:wrong@${at}`, 'WRONGPASS'],
        [`redis://${at}`, 'NOAUTH'],
      ] as const) {
        const refused = await runCli([src, '--queue', bad, '--out', join(base, `auth-${why}`)]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(new RegExp(`^pwalk-ts: cannot reach Redis at redis://127\\.0\\.0\\.1:${own.port}/3: ${why} [^\n]*\n$`));
      }
    } finally {
      await own.stop();
    }
  });

  it('rediss://: a walk over TLS with the server certificate checked; an untrusted certificate is one line, exit 2', async () => {
    // A CA of the test's own and a certificate for 127.0.0.1 signed by it.
    const pki = join(base, 'tls-pki');
    mkdirSync(pki);
    const openssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=pwalk-ts test CA']);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(pki, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    ]);
    const tlsPort = await freePort();
    const own = await privateRedis([
      ...['--tls-port', String(tlsPort), '--tls-auth-clients', 'no'],
      ...['--tls-cert-file', join(pki, 'server.pem'), '--tls-key-file', join(pki, 'server.key'), '--tls-ca-cert-file', join(pki, 'ca.pem')],
    ]);
    try {
      const src = join(base, 'tls-tree');
      buildWideTree(src, 4, 3);
      settleAtimes(src);
      const url = `rediss://127.0.0.1:${tlsPort}`;
      const out = join(base, 'tls-walk');
      const r = await startCli([src, '--queue', url, '--out', out, '--threads', '2', '--quiet'], { NODE_EXTRA_CA_CERTS: join(pki, 'ca.pem') }).done;
      expect(r.code, r.stderr).toBe(0);
      expect((await openWalk(out)).manifest!.status).toBe('complete');
      expect(diffRecords(await sortedEntries(out), groundTruth(src).entries)).toEqual([]);
      // Without the CA the handshake fails: TLS is really in use, and the certificate checked.
      const untrusted = await startCli([src, '--queue', url, '--out', join(base, 'tls-untrusted')]).done;
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toMatch(new RegExp(`^pwalk-ts: cannot reach Redis at rediss://127\\.0\\.0\\.1:${tlsPort}: [^\n]*certificate[^\n]*\n$`));
    } finally {
      await own.stop();
    }
  });

  it('Redis refusing commands (out of memory): one line, exit 2, the walk marked failed', async () => {
    const own = await privateRedis();
    const client = await connectRedis(resolveQueueSettings(own.url));
    try {
      await client.config('SET', 'maxmemory', '1');
      const out = join(base, 'refused');
      mkdirSync(join(base, 'refused-tree'));
      const r = await runCli([join(base, 'refused-tree'), '--queue', own.url, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^pwalk-ts: Redis at ${own.url.replace(/[/.]/g, '\\$&')} refused to start the walk: OOM [^\n]*\n$`));
      const walk = await openWalk(out);
      expect(walk.manifest!.status).toBe('failed');
    } finally {
      client.disconnect();
      await own.stop();
    }
  });

  it('Redis lost mid-walk: the seeding host and a worker exit 2 with one line each, the walk marked failed, its records still readable', async () => {
    const own = await privateRedis();
    const watcher = await connectRedis(resolveQueueSettings(own.url));
    try {
      const src = join(base, 'lost');
      buildWideTree(src, 20, 12);
      settleAtimes(src);
      const mnt = await mount(src, 'lost-mnt', 10);
      const out = join(base, 'lost-walk');
      const [worker] = await startWorkers(own.url, 1);
      const seed = startCli([mnt, '--queue', own.url, '--out', out, '--threads', '4', '--quiet']);
      await until('the running manifest', () => existsSync(join(out, 'manifest.msgpack')), 30_000);
      const walkId = (await openWalk(out)).manifest!.walkId;
      // Committed, not just written: a job whose commit Redis never saw is cut from its file.
      let committed = false;
      const probe = async (): Promise<void> => {
        const files = Object.values(await watcher.hgetall(`pwalk:${walkId}:files`));
        committed = files.some((f) => (JSON.parse(f) as { bytes: number }).bytes > 64);
      };
      await until('a committed job', () => committed, 60_000, probe);
      own.kill();
      const s = await seed.done;
      expect(s.code).toBe(2);
      const lostLine = `pwalk-ts: walk failed: lost the connection to Redis at ${own.url}`;
      expect(s.stderr.startsWith(`${lostLine}; `), s.stderr).toBe(true);
      expect(s.stderr).toMatch(/ is marked failed/);
      expect(s.stderr.trim().split('\n')).toHaveLength(1);
      // The worker's own lines (waiting, joined), then the one line; nothing else (no stack).
      const w = await worker!.done;
      expect(w.code, w.stderr).toBe(2);
      const lines = w.stderr.trim().split('\n');
      expect(lines.at(-1)).toBe(lostLine);
      for (const line of lines) expect(line, w.stderr).toMatch(/^pwalk-ts: /);
      const walk = await openWalk(out);
      expect(walk.manifest!.status).toBe('failed');
      const cat = await runCli(['cat', out, '--sort', 'path']);
      const problems: string[] = [];
      const entries = cliEntries(cat.stdout, problems);
      expect(problems).toEqual([]);
      expect(entries.length).toBeGreaterThan(0);
      // What was written is exact and there once: each record equals the tree's entry (read
      // from the source, not through the slow mount, and moved to it).
      const asMounted = mountedAs(src, mnt);
      const truth = new Map(groundTruth(src).entries.map((e) => [asMounted(e).pathBytes.toString('base64'), asMounted(e)]));
      const expected = entries.map((e) => truth.get(e.pathBytes.toString('base64'))).filter((e): e is Rec => e !== undefined);
      expect(diffRecords(entries, expected)).toEqual([]);
    } finally {
      watcher.disconnect();
      await own.stop();
    }
  }, 120_000);
});
