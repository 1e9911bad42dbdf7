#!/usr/bin/env node
// Multi-host walk benchmark: one walk shared by 1, 2 and 4 pwalk-ts processes
// (the seeding host plus 0, 1 or 3 `pwalk-ts worker`s, each standing for a host)
// through a private redis-server, against the single-host walk, on a fresh slowfs
// mount per run (every metadata call delayed by --delay-ms, default 5).
//
//   node bench/multi-host.mjs [--entries N] [--repeat R] [--delay-ms MS] [--threads T] [--json FILE]
//
// Reports wall time and entries/s per configuration (median over R rounds, run
// round-robin), the queue's cost per directory read (Redis commands and Redis CPU
// time, from INFO), and Redis memory per queued directory (a queue filled with the
// corpus's own directories, measured with INFO memory and MEMORY USAGE). Run as root
// (FUSE mounts). All processes share this one machine, so this measures the queue's
// overhead and whether sharing costs throughput, not a cluster's scaling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureCorpus } from './corpus.mjs';
import { withSlowfs } from './slowfs-mount.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const WALKER_DIST = path.join(REPO, 'packages/walker/dist');

const { values: opts } = parseArgs({
  options: {
    entries: { type: 'string', default: '20000' },
    repeat: { type: 'string', default: '3' },
    'delay-ms': { type: 'string', default: '5' },
    threads: { type: 'string', default: '16' },
    json: { type: 'string' },
  },
});
const repeat = Number(opts.repeat);
const threads = opts.threads;
if (process.getuid() !== 0) throw new Error('mounts slowfs: run as root');

const { connectRedis, openQueue } = await import(pathToFileURL(path.join(WALKER_DIST, 'multi-host/redis-connect.js')).href);
const { resolveQueueSettings } = await import(pathToFileURL(path.join(WALKER_DIST, 'multi-host/queue-settings.js')).href);
const { encodeDirs } = await import(pathToFileURL(path.join(WALKER_DIST, 'multi-host/job-codec.js')).href);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      return { url, child, client: await connectRedis(resolveQueueSettings(url)) };
    } catch {
      if (i > 100) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }
}

function infoField(info, name) {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return m === null ? NaN : Number(m[1]);
}

async function redisCounters(client) {
  const [stats, cpu] = await Promise.all([client.info('stats'), client.info('cpu')]);
  return {
    commands: infoField(stats, 'total_commands_processed'),
    cpu: infoField(cpu, 'used_cpu_sys') + infoField(cpu, 'used_cpu_user'),
  };
}

function startCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  return { child, stderr: () => stderr, done };
}

async function walkOnce(mnt, out, processes, redis) {
  const workers = [];
  for (let i = 1; i < processes; i++) workers.push(startCli(['worker', '--queue', redis.url, '--threads', threads]));
  for (const w of workers) while (!w.stderr().includes('waiting for one to start')) await sleep(20);
  const before = await redisCounters(redis.client);
  const t0 = process.hrtime.bigint();
  const args =
    processes === 0 ? [mnt, '--out', out, '--threads', threads, '--quiet'] : [mnt, '--queue', redis.url, '--out', out, '--threads', threads, '--quiet'];
  const seed = await startCli(args).done;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const w of workers) await w.done;
  const after = await redisCounters(redis.client);
  if (seed.code !== 0) throw new Error(`walk failed (${seed.code}): ${seed.stderr}`);
  const info = JSON.parse(
    await new Promise((resolve) => {
      const c = spawn(process.execPath, [CLI, 'info', out, '--json', '--no-verify'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      c.stdout.on('data', (d) => (s += d));
      c.on('close', () => resolve(s));
    }),
  );
  fs.rmSync(out, { recursive: true, force: true });
  return { wall, entries: Number(info.manifest.totals.entries), commands: after.commands - before.commands, redisCpu: after.cpu - before.cpu };
}

/** Fills a queue with jobs made of the corpus's own directories; returns bytes per queued directory. */
async function memoryPerDirectory(redis, corpusDir, dirsPerJob) {
  const dirs = [];
  const visit = (rel, depth, up) => {
    const full = rel === '' ? corpusDir : path.join(corpusDir, rel);
    const st = fs.lstatSync(full, { bigint: true });
    const item = { rel: Buffer.from(rel), ino: st.ino, dev: st.dev, depth, up };
    dirs.push(item);
    const me = { ino: st.ino, dev: st.dev, up };
    for (const d of fs.readdirSync(full, { withFileTypes: true })) if (d.isDirectory()) visit(rel === '' ? d.name : `${rel}/${d.name}`, depth + 1, me);
  };
  visit('', 0, null);
  const queue = openQueue('pwalk-memory-probe', resolveQueueSettings(redis.url));
  await redis.client.call('FLUSHALL');
  const base = infoField(await redis.client.info('memory'), 'used_memory');
  const ids = [];
  const batches = [];
  for (let i = 0; i < dirs.length; i += dirsPerJob) {
    const id = `job${i}`;
    ids.push(id);
    batches.push({ name: 'dirs', data: { root: false, dirs: encodeDirs(dirs.slice(i, i + dirsPerJob)) }, opts: { jobId: id, removeOnComplete: true } });
  }
  await queue.addBulk(batches);
  const used = infoField(await redis.client.info('memory'), 'used_memory') - base;
  const sample = await redis.client.call('MEMORY', 'USAGE', `bull:pwalk-memory-probe:${ids[Math.floor(ids.length / 2)]}`, 'SAMPLES', '0');
  const jsonBytes = batches.reduce((a, b) => a + JSON.stringify(b.data).length, 0);
  // The committed-job set: one member per job id.
  await redis.client.call('SADD', 'probe:committed', ...ids.map((_, i) => randomHex(i)));
  const setBytes = await redis.client.call('MEMORY', 'USAGE', 'probe:committed', 'SAMPLES', '0');
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.client.call('FLUSHALL');
  return {
    dirs: dirs.length,
    jobs: ids.length,
    usedPerDir: used / dirs.length,
    jobHashBytes: sample,
    jsonPerDir: jsonBytes / dirs.length,
    committedPerJob: setBytes / ids.length,
  };
}

function randomHex(i) {
  return (i.toString(16).padStart(8, '0') + 'a5'.repeat(8)).slice(0, 24);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const corpus = ensureCorpus(path.join(BENCH, '.corpus', `multihost-${opts.entries}`), { shape: 'shallow', entries: Number(opts.entries), seed: 1 });
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-bench-mh-'));
const mnt = path.join(scratch, 'mnt');
fs.mkdirSync(mnt);
const redis = await startRedis();
const configs = [0, 1, 2, 4]; // 0: the single-host walk (no queue)
const runs = new Map(configs.map((c) => [c, []]));
try {
  for (let round = 0; round < repeat; round++) {
    for (const processes of configs) {
      const r = await withSlowfs(corpus.dir, mnt, Number(opts['delay-ms']), scratch, () =>
        walkOnce(mnt, path.join(scratch, `out-${processes}`), processes, redis),
      );
      runs.get(processes).push(r);
      console.error(
        `round ${round + 1}: ${processes === 0 ? 'single-host' : `${processes} process(es)`}: ${r.wall.toFixed(2)} s, ${r.entries} entries, ${r.commands} Redis commands`,
      );
    }
  }
  const memory = await memoryPerDirectory(redis, corpus.dir, 16);
  const cores = os.availableParallelism();
  const lines = [];
  lines.push(
    `- date: ${new Date().toISOString()}; machine: ${cores} cores, ${os.cpus()[0]?.model}, Node ${process.version}, redis-server ${(await redis.client.info('server')).match(/redis_version:(\S+)/)?.[1]} on loopback`,
  );
  lines.push(
    `- corpus: ${corpus.entries} entries (shape shallow, seed 1) behind slowfs --delay-ms ${opts['delay-ms']}, a fresh mount per run; every process --threads ${threads}; ${repeat} rounds round-robin, medians`,
  );
  lines.push('');
  lines.push('| walk | processes | wall s (median) | entries/s | x single-host | Redis commands / dir read | Redis CPU µs / dir read |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|');
  const single = median(runs.get(0).map((r) => r.wall));
  for (const processes of configs) {
    const rs = runs.get(processes);
    const wall = median(rs.map((r) => r.wall));
    const entries = rs[0].entries;
    const dirs = memory.dirs;
    const cmds = processes === 0 ? '-' : (median(rs.map((r) => r.commands)) / dirs).toFixed(1);
    const cpu = processes === 0 ? '-' : ((median(rs.map((r) => r.redisCpu)) * 1e6) / dirs).toFixed(0);
    lines.push(
      `| ${processes === 0 ? 'single-host (no queue)' : 'multi-host (--queue)'} | ${processes === 0 ? 1 : processes} | ${wall.toFixed(2)} | ${Math.round(entries / wall).toLocaleString('en-US')} | ${(single / wall).toFixed(2)} | ${cmds} | ${cpu} |`,
    );
  }
  lines.push('');
  lines.push(
    `Redis memory, a queue of the corpus's ${memory.dirs.toLocaleString('en-US')} directories in ${memory.jobs} jobs of up to 16: ${memory.usedPerDir.toFixed(0)} bytes per queued directory (INFO used_memory), one job hash ${memory.jobHashBytes} bytes (MEMORY USAGE), job data ${memory.jsonPerDir.toFixed(0)} bytes of JSON per directory; the committed-job set ${memory.committedPerJob.toFixed(0)} bytes per job.`,
  );
  console.log(lines.join('\n'));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ runs: Object.fromEntries(runs), memory }, null, 2));
} finally {
  redis.client.disconnect();
  redis.child.kill('SIGTERM');
  fs.rmSync(scratch, { recursive: true, force: true });
}
