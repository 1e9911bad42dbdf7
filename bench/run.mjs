#!/usr/bin/env node
// Benchmark runner: pwalk-ts against find, du, fdir and a C reference walker.
//
//   node bench/run.mjs [--scenario local|slowfs|latency|memory] [--repeat R] [--corpus DIR]
//                      [--entries N] [--seed S] [--delay-ms MS[,MS]] [--shapes S[,S]] [--only IDS] [--json FILE]
//
// local  (default): a warm 1 M-entry corpus; every command R times (default 5).
// slowfs: a 2.5k-entry tree behind a FUSE mount whose every metadata call sleeps
//         --delay-ms (default 5), freshly mounted for each run so no run finds the
//         kernel's cache warm; pwalk-ts at 1..64 threads against find (R default 3).
// latency: latencyfs (../shared/tools/latencyfs.c, built at bench time; C on libfuse 3, up
//         to 256 calls served at once) over two trees: "bushy" (9k entries in 1.4k
//         directories, none over 100 entries) and "bigdir" (bushy plus one 10k-entry
//         directory), at --delay-ms 1 and 5 (default "1,5"), a fresh mount per run; find,
//         pwalk-ts at 1..256 threads, the C reference walker, and pwalk C 3.0 when PWALK_C
//         names its binary (build it from fizwit/filesystem-reporting-tools in a temporary
//         folder; never commit its code). Reports the calls latencyfs served, the floor
//         (calls x delay / calls in flight allowed), wall / floor and latencyfs's mean calls
//         in flight. R default 1 (find alone takes a minute a round at 5 ms); --shapes bushy
//         leaves out the bigdir tree (a minute a run at 5 ms whatever the walker).
// memory: peak RSS of pwalk-ts (one thread per core) over the 1 M corpus and over 10 M
//         entries (ten bind mounts of it under one folder); R default 1.
// --only keeps the listed command ids of the scenario (pwalk-N, find, du, fdir, cref-N,
// pwalkbase-N: another build's pwalk-ts, named by PWALK_TS_BASE, alternated with this one;
// e.g. --only find,cref-2), handy while pwalk-ts is not built. Prints a markdown table on
// stdout, progress on stderr; --json FILE keeps every raw number.
// CPU is user + system seconds and peak RSS comes from GNU time (%M), which sees worker
// threads as they share the process; the report also says how much CPU other processes
// took meanwhile, since a busy machine inflates every time.
//
// Commands of one scenario run round-robin (all once, then all again, ...), so a slow
// spell of the machine hits every command alike; "x find" is the median of per-round
// ratios against find's run in the same round. Wall time is measured here with hrtime.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureCorpus } from './corpus.mjs';
import { buildLatencyfs, withLatencyfs } from './latencyfs-mount.mjs';
import { SLOWFS, unmount, withSlowfs } from './slowfs-mount.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const CREF = path.join(BENCH, 'cref/build/walk');
const GNU_TIME = '/usr/bin/time';

const SCENARIOS = {
  local: { shape: 'local', repeat: 5, ids: ['pwalk-1', 'pwalk-2', 'pwalk-4', 'pwalkts-1', 'pwalkts-2', 'find', 'du', 'fdir', 'cref-1', 'cref-2'] },
  // cref-16 is the C walker with pwalk-ts's call budget at 16: how far the FUSE server lets 16 calls in flight go.
  slowfs: { shape: 'shallow', repeat: 3, ids: ['pwalk-1', 'pwalk-4', 'pwalk-16', 'pwalk-64', 'find', 'cref-16', 'cref-64'] },
  latency: {
    shapes: ['bushy', 'bigdir'],
    repeat: 1,
    ids: [
      'find',
      'pwalk-1',
      'pwalk-16',
      'pwalk-32',
      'pwalk-64',
      'pwalk-256',
      'pwalkts-16',
      'pwalkts-64',
      'pwalkbase-16',
      'pwalkbase-32',
      'pwalkbase-64',
      'cref-16',
      'cref-32',
      'cref-64',
      'pwalkc-32',
    ],
  },
  // One thread per core: the configuration meant for a local disk.
  memory: { shape: 'local', repeat: 1, ids: [`pwalk-${os.availableParallelism()}`] },
};

/** A pwalk-ts walk at n threads by the CLI script `bin`, with `env` (NAME=VALUE) set. */
function pwalkTs(id, n, label, bin, env = []) {
  const prefix = env.length > 0 ? ['env', ...env] : [];
  return { id, label, out: true, finished: [0, 1], argv: (root, out) => [...prefix, process.execPath, bin, root, '--threads', n, '--out', out, '--quiet'] };
}

// Every command we know, by id. `out`: pwalk-ts writes a walk folder, given fresh per run.
// `finished`: exit codes that still mean a complete walk (1 = some entries unreadable).
function command(id) {
  const [tool, n] = id.split('-');
  switch (tool) {
    case 'pwalk':
      return pwalkTs(id, n, `pwalk-ts --threads ${n}`, CLI);
    // The pure TypeScript scanner: the native fast path switched off.
    case 'pwalkts':
      return pwalkTs(id, n, `pwalk-ts --threads ${n}, TypeScript path`, CLI, ['PWALK_NATIVE=0']);
    // pwalk-ts as another build has it (PWALK_TS_BASE: that checkout's packages/cli/bin/pwalk-ts.js),
    // alternated with this one in the same rounds: a before-and-after pair on one machine's load.
    case 'pwalkbase':
      return pwalkTs(id, n, `pwalk-ts --threads ${n}, base build`, process.env.PWALK_TS_BASE);
    case 'find':
      return { id, label: "find -printf '%i %s %T@ %p\\n'", finished: [0], argv: (root) => ['find', root, '-printf', '%i %s %T@ %p\n'] };
    case 'du':
      return { id, label: 'du -s', finished: [0], argv: (root) => ['du', '-s', root] };
    case 'fdir':
      return { id, label: 'fdir + lstatSync', finished: [0], argv: (root) => [process.execPath, path.join(BENCH, 'fdir-walk.mjs'), root] };
    case 'cref':
      return { id, label: `C reference, ${n} thread${n === '1' ? '' : 's'}`, finished: [0, 1], argv: (root) => [CREF, root, n] };
    // pwalk C 3.0 (fizwit/filesystem-reporting-tools), its thread count fixed when it was compiled (n says which).
    case 'pwalkc':
      return { id, label: `pwalk C 3.0 (${n} threads, compiled in)`, finished: [0, 1], argv: (root) => [process.env.PWALK_C, root] };
    default:
      throw new Error(`unknown command id ${id}`);
  }
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- checks and setup ------------------------------------------------------------------

// Drops the commands this machine cannot run yet, saying why, rather than failing later.
function available(commands) {
  return commands.filter((cmd) => {
    const tool = cmd.id.split('-')[0];
    if (tool.startsWith('pwalk') && !fs.existsSync(path.join(REPO, 'packages/cli/dist/main.js'))) {
      console.error(`bench: skipping ${cmd.label}: the CLI is not built (pnpm run build)`);
      return false;
    }
    if (tool === 'pwalkbase' && !process.env.PWALK_TS_BASE) {
      console.error(`bench: skipping ${cmd.label}: PWALK_TS_BASE does not name another build's pwalk-ts.js`);
      return false;
    }
    if (tool === 'pwalkc' && !process.env.PWALK_C) {
      console.error(`bench: skipping ${cmd.label}: PWALK_C does not name a pwalk binary`);
      return false;
    }
    if (tool === 'cref' && !buildCref()) {
      console.error(`bench: skipping ${cmd.label}: bench/cref/build.sh failed`);
      return false;
    }
    return true;
  });
}

let crefBuilt;
function buildCref() {
  crefBuilt ??= spawnSync('sh', [path.join(BENCH, 'cref/build.sh')], { stdio: 'inherit' }).status === 0;
  return crefBuilt;
}

// The walk folder's manifest says how many entries pwalk-ts recorded; the reader package
// decodes it. Loaded lazily so the other commands run even when pwalk-ts is not built.
let readManifest;
async function loadReader() {
  const dist = path.join(REPO, 'packages/reader/dist/index.js');
  if (fs.existsSync(dist)) ({ readManifest } = await import(pathToFileURL(dist).href));
}

function machine(dir) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const fsType = spawnSync('findmnt', ['-no', 'FSTYPE', '-T', dir], { encoding: 'utf8' }).stdout?.trim();
  return {
    cores: os.availableParallelism(),
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    fs: fsType || 'unknown',
  };
}

// ---- measuring -------------------------------------------------------------------------

// CPU time the whole machine has spent busy since boot, in seconds (/proc/stat counts
// USER_HZ ticks, 100 a second on Linux; idle and iowait are the columns left out).
function busyS() {
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

function measure(cmd, root, scratch) {
  const out = cmd.out ? fs.mkdtempSync(path.join(scratch, 'out-')) : undefined;
  const timeFile = path.join(scratch, 'time.txt');
  const started = process.hrtime.bigint();
  const r = spawnSync(GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, ...cmd.argv(root, out)], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'], // find's listing goes to /dev/null, as in the brief
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  // GNU time puts "Command exited with non-zero status N" before its line when the command fails.
  const [rssKiB, userS, sysS] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  const run = { id: cmd.id, wallS, cpuS: userS + sysS, rssKiB, status: r.status, signal: r.signal, entries: null, errors: null };
  const counted = /entries=(\d+)(?: errors=(\d+))?/.exec(r.stderr);
  if (counted) [run.entries, run.errors] = [Number(counted[1]), Number(counted[2] ?? 0)];
  if (out) {
    try {
      const totals = readManifest?.(out).totals;
      if (totals) [run.entries, run.errors] = [totals.entries, totals.errors];
    } catch {
      // A walk that died leaves no readable manifest; its exit status already says so.
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  run.ok = cmd.finished.includes(r.status);
  if (!run.ok) run.stderr = r.stderr.trim().split('\n').slice(-8).join('\n');
  return run;
}

// ---- reporting -------------------------------------------------------------------------

function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

function summarize(cases, runs) {
  const byRound = (id) => new Map(runs.filter((r) => r.case === id && r.ok).map((r) => [r.round, r]));
  const find = byRound('find');
  return cases.map((c) => {
    const mine = byRound(c.key);
    const ok = [...mine.values()];
    const failed = runs.filter((r) => r.case === c.key && !r.ok);
    const row = { case: c.key, label: c.label, root: c.root, rootLabel: c.rootLabel, runs: ok.length, failed: failed.length };
    if (!ok.length) return { ...row, failure: failed[0]?.stderr ?? 'no run' };
    const ratios = ok.filter((r) => find.has(r.round)).map((r) => r.wallS / find.get(r.round).wallS);
    return {
      ...row,
      entries: ok[0].entries,
      errors: ok[0].errors,
      wallS: spread(ok.map((r) => r.wallS)),
      cpuS: spread(ok.map((r) => r.cpuS)),
      rssMiB: spread(ok.map((r) => r.rssKiB / 1024)),
      vsFind: c.key !== 'find' && ratios.length ? spread(ratios) : null,
    };
  });
}

const num = (n) => (n === null || n === undefined ? '-' : n.toLocaleString('en-US'));
const fixed = (n, digits) => n.toFixed(digits);
const range = (s, digits) => `${fixed(s.min, digits)}-${fixed(s.max, digits)}`;

function markdown(report) {
  const { scenario, machine: m, corpus, repeat, rows } = report;
  const lines = [
    `### pwalk-ts benchmark: ${scenario} scenario`,
    '',
    `- date: ${report.date}`,
    `- machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, corpus on ${m.fs}`,
    `- corpus: ${num(corpus.entries)} entries (shape ${corpus.shape}, seed ${corpus.seed}) in ${corpus.dir}`,
    `- ${report.conditions}; ${repeat} round${repeat === 1 ? '' : 's'}, commands alternated round-robin`,
    `- ${scenario === 'slowfs' ? 'the slowfs server and other' : 'other'} processes used ${fixed(report.otherCpuS, 1)} CPU-seconds of the ${fixed(report.elapsedS * m.cores, 1)} the ${m.cores} cores had during the measurements (${fixed((100 * report.otherCpuS) / (report.elapsedS * m.cores), 1)}%): the higher, the more the times are inflated`,
    "- wall: median and min-max over rounds; x find: median (min-max) of wall / find's wall in the same round; CPU: median user + system seconds; RSS: peak resident set (GNU time %M)",
    '',
    '| command | root | entries (errors) | wall median s | wall min-max s | entries/s | x find | x find min-max | CPU s | peak RSS MiB | RSS min-max MiB |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    if (!r.runs) {
      lines.push(`| ${r.label} | ${r.rootLabel} | failed: ${r.failure.split('\n').pop().replaceAll('|', '/')} | | | | | | | | |`);
      continue;
    }
    const counted = r.entries === null ? '-' : `${num(r.entries)} (${num(r.errors)})`;
    const rate = r.entries ? num(Math.round(r.entries / r.wallS.median)) : '-';
    const vs = r.vsFind ? [`${fixed(r.vsFind.median, 2)}x`, range(r.vsFind, 2)] : ['-', '-'];
    lines.push(
      `| ${r.label} | ${r.rootLabel} | ${counted} | ${fixed(r.wallS.median, 3)} | ${range(r.wallS, 3)} | ${rate} | ${vs[0]} | ${vs[1]} | ` +
        `${fixed(r.cpuS.median, 2)} | ${fixed(r.rssMiB.median, 1)} | ${range(r.rssMiB, 1)} |`,
    );
  }
  return lines.join('\n') + '\n';
}

// The latency scenario's table: per tree and delay, each command's wall against the floor
// (latencyfs's calls x delay / the calls in flight the command may keep), latencyfs's mean
// calls in flight, and wall against the C reference walker at 16 threads in the same round.
function latencyMarkdown(report, cases) {
  const { machine: m, repeat } = report;
  const lines = [
    '### pwalk-ts benchmark: latency scenario',
    '',
    `- date: ${report.date}`,
    `- machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}`,
    `- ${report.conditions}; ${repeat} round${repeat === 1 ? '' : 's'}, commands alternated round-robin`,
    `- the latencyfs servers and other processes used ${fixed(report.otherCpuS, 1)} CPU-seconds of the ${fixed(report.elapsedS * m.cores, 1)} the ${m.cores} cores had (${fixed((100 * report.otherCpuS) / (report.elapsedS * m.cores), 1)}%)`,
    "- wall (the process, startup included) and span (latencyfs: first call to last) and mean in flight: medians over rounds; floor: calls x delay / allowed in flight; x cref-16: median of wall / the C walker's at 16 threads, same tree, delay and round",
    '',
    '| command | tree, delay | entries | calls | wall s | span s | floor s | x floor | mean in flight (of) | max in flight | x cref-16 |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const ok = report.runs.filter((r) => r.ok && r.stats);
  for (const c of cases) {
    const mine = ok.filter((r) => r.case === c.key);
    if (!mine.length) {
      lines.push(`| ${c.label} | ${c.rootLabel} | failed | | | | | | | | |`);
      continue;
    }
    const wall = spread(mine.map((r) => r.wallS)).median;
    const calls = spread(mine.map((r) => r.stats.calls)).median;
    const span = spread(mine.map((r) => r.stats.spanS)).median;
    const floor = (calls * c.delay) / 1000 / c.allowed;
    const inFlight = spread(mine.map((r) => r.stats.meanInFlight)).median;
    const maxInFlight = Math.max(...mine.map((r) => r.stats.maxInFlight));
    const crefKey = `cref-16@${c.shape}@${c.delay}`;
    const ratios = mine.flatMap((r) => {
      const ref = ok.find((x) => x.case === crefKey && x.round === r.round);
      return ref ? [r.wallS / ref.wallS] : [];
    });
    const vsCref = ratios.length && c.key !== crefKey ? `${fixed(spread(ratios).median, 2)}x` : '-';
    lines.push(
      `| ${c.label} | ${c.rootLabel} | ${num(mine[0].entries)} | ${num(calls)} | ${fixed(wall, 3)} | ${fixed(span, 3)} | ${fixed(floor, 3)} | ${fixed(wall / floor, 2)} | ` +
        `${fixed(inFlight, 1)} (${c.allowed}) | ${maxInFlight} | ${vsCref} |`,
    );
  }
  return lines.join('\n') + '\n';
}

// ---- main ------------------------------------------------------------------------------

const { values: opts } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'local' },
    repeat: { type: 'string' },
    corpus: { type: 'string' },
    entries: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'delay-ms': { type: 'string' },
    shapes: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const scenario = SCENARIOS[opts.scenario] ?? fail(`unknown scenario ${opts.scenario} (local, slowfs, latency or memory)`);
const repeat = Number(opts.repeat ?? scenario.repeat);
if (!Number.isInteger(repeat) || repeat < 1) fail('--repeat takes a whole number >= 1');
const delays = (opts['delay-ms'] ?? (opts.scenario === 'latency' ? '1,5' : '5')).split(',').map(Number);
if (!delays.every((d) => d >= 0) || (opts.scenario !== 'latency' && delays.length !== 1))
  fail('--delay-ms takes a number of milliseconds (a list, 1,5, for the latency scenario)');
if (!fs.existsSync(GNU_TIME)) fail(`${GNU_TIME} (GNU time) measures peak RSS and is missing: apt-get install -y time`);
if (opts.scenario !== 'local' && process.getuid() !== 0) fail(`the ${opts.scenario} scenario mounts filesystems: run it as root`);
if (opts.scenario === 'slowfs') {
  if (!fs.existsSync(SLOWFS)) fail(`${SLOWFS} is missing`);
  const fuse = spawnSync('/usr/bin/python3', ['-c', 'import fusepy'], { stdio: 'ignore' }).status === 0;
  if (!fuse || spawnSync('fusermount3', ['-V'], { stdio: 'ignore' }).status !== 0) {
    fail('slowfs needs Debian fuse3 and python3-fusepy: apt-get install -y fuse3 python3-fusepy');
  }
}

const only = opts.only?.split(',');
let commands = scenario.ids.filter((id) => !only || only.includes(id)).map(command);
if (!commands.length) fail(`--only matched none of ${scenario.ids.join(', ')}`);
commands = available(commands);
if (!commands.length) fail('nothing left to run');
await loadReader();

// The latency scenario walks one corpus per shape; the others one corpus.
const shapes = opts.shapes?.split(',') ?? scenario.shapes;
if (opts.shapes !== undefined && (!scenario.shapes || !shapes.every((s) => scenario.shapes.includes(s))))
  fail(`--shapes takes some of the latency scenario's trees (${SCENARIOS.latency.shapes.join(', ')})`);
const corpora = (shapes ?? [scenario.shape]).map((shape) => ({
  shape,
  ...ensureCorpus(scenario.shapes ? path.join(BENCH, '.corpus', shape) : (opts.corpus ?? path.join(BENCH, '.corpus', shape)), {
    shape,
    entries: opts.entries === undefined ? undefined : Number(opts.entries),
    seed: Number(opts.seed),
  }),
}));
const corpus = corpora[0];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-bench-'));
const mounts = []; // bind mounts to undo, newest last

// Ctrl-C also reaches the command being measured; stop after it instead of starting more.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (stopping = true));

// A case is one command on one root; every scenario is a list of cases run round-robin.
let cases;
let conditions;
let mountEach = null;
try {
  if (opts.scenario === 'memory') {
    // Ten bind mounts of the corpus under one folder make a 10 M-entry tree at no disk cost.
    const big = path.join(scratch, 'x10');
    for (let i = 0; i < 10; i++) {
      const at = path.join(big, `copy-${i}`);
      fs.mkdirSync(at, { recursive: true });
      if (spawnSync('mount', ['--bind', corpus.dir, at], { stdio: 'inherit' }).status !== 0) throw new Error(`mount --bind ${at} failed`);
      mounts.push(at);
    }
    cases = commands.flatMap((cmd) => [
      { ...cmd, key: `${cmd.id}@1x`, root: corpus.dir, rootLabel: 'corpus' },
      { ...cmd, key: `${cmd.id}@10x`, root: big, rootLabel: '10 bind mounts of the corpus' },
    ]);
    conditions = 'cache warm (one find pass over the corpus first)';
  } else if (opts.scenario === 'slowfs') {
    const mnt = path.join(scratch, 'mnt');
    fs.mkdirSync(mnt);
    cases = commands.map((cmd) => ({ ...cmd, key: cmd.id, root: mnt, rootLabel: 'slowfs mount' }));
    mountEach = (fn) => withSlowfs(corpus.dir, mnt, delays[0], scratch, fn);
    conditions = `slowfs FUSE mirror, ${delays[0]} ms per metadata call, a fresh mount for every run`;
  } else if (opts.scenario === 'latency') {
    const latencyfs = buildLatencyfs(scratch);
    const mnt = path.join(scratch, 'mnt');
    fs.mkdirSync(mnt);
    cases = corpora.flatMap((tree) =>
      delays.flatMap((delay) =>
        commands.map((cmd) => ({
          ...cmd,
          key: `${cmd.id}@${tree.shape}@${delay}`,
          root: mnt,
          rootLabel: `${tree.shape}, ${delay} ms`,
          shape: tree.shape,
          delay,
          // The calls in flight the command may keep: find and pwalk-ts --threads 1 one, the others their thread count.
          allowed: cmd.id === 'find' ? 1 : Number(cmd.id.split('-')[1]),
          mount: (fn) => withLatencyfs(latencyfs, tree.dir, mnt, delay, scratch, fn),
        })),
      ),
    );
    conditions = 'latencyfs FUSE mirror (C, libfuse 3, 256 requests served at once), a fresh mount for every run';
  } else {
    cases = commands.map((cmd) => ({ ...cmd, key: cmd.id, root: corpus.dir, rootLabel: 'corpus' }));
    conditions = 'cache warm (one find pass over the corpus first)';
  }

  // Under slowfs the corpus is the mirror's backing store: warm, it leaves the FUSE latency
  // as the only cost measured.
  console.error('bench: warming the cache');
  for (const tree of corpora) spawnSync('find', [tree.dir], { stdio: 'ignore' });

  // The machine's busy CPU time over the measurements, less what the measured commands and
  // this script used, is other work competing with them: the report says how much.
  const busyAtStart = busyS();
  const startedAt = process.hrtime.bigint();
  const ownAtStart = process.cpuUsage();
  const runs = [];
  for (let round = 1; round <= repeat && !stopping; round++) {
    for (const c of cases) {
      if (stopping || runs.some((r) => r.case === c.key && !r.ok)) continue; // a failed command is not retried
      let run;
      if (c.mount) {
        const { result, stats } = await c.mount(() => measure(c, c.root, scratch));
        run = { ...result, stats };
      } else {
        run = mountEach ? await mountEach(() => measure(c, c.root, scratch)) : measure(c, c.root, scratch);
      }
      runs.push({ case: c.key, round, ...run });
      const note = run.ok ? '' : ` FAILED (exit ${run.status ?? run.signal}):\n${run.stderr}`;
      console.error(`bench: round ${round}/${repeat} ${c.label} [${c.rootLabel}]: ${run.wallS.toFixed(3)} s, ${(run.rssKiB / 1024).toFixed(1)} MiB${note}`);
      await sleep(0); // lets a pending SIGINT handler run between measurements
    }
  }

  const elapsedS = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const own = process.cpuUsage(ownAtStart);
  const ownCpuS = (own.user + own.system) / 1e6 + runs.reduce((sum, r) => sum + r.cpuS, 0);
  const report = {
    scenario: opts.scenario,
    date: new Date().toISOString(),
    machine: machine(corpus.dir),
    elapsedS,
    otherCpuS: Math.max(0, busyS() - busyAtStart - ownCpuS),
    corpus: { dir: path.relative(REPO, corpus.dir) || '.', entries: corpus.entries, shape: corpus.shape, seed: Number(opts.seed) },
    conditions,
    repeat,
    delayMs: opts.scenario === 'slowfs' ? delays[0] : undefined,
    rows: summarize(cases, runs),
    runs,
  };
  process.stdout.write(opts.scenario === 'latency' ? latencyMarkdown(report, cases) : markdown(report));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
} finally {
  for (const at of mounts.reverse()) unmount(['umount', at], at);
  // Only delete the scratch folder once nothing is mounted inside it: a bind mount left in
  // place would make rm delete the corpus itself through it.
  const left = fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(scratch);
  if (left) console.error(`bench: leaving ${scratch} in place: something is still mounted there`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}
