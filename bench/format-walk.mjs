#!/usr/bin/env node
// Walk format 2 against format 1 (issue 13's speed target: the walk's wall within 1.05x
// of format 1 in the same run): this repository's build against another checkout's,
// built, whose walker writes format 1 (`git worktree add /tmp/f1 <commit before format
// 2>`, pnpm install, build). Two scenarios, each command alternated round by round (the
// order swapped every round, so a slow spell of a loaded machine hits both alike):
//   - local: the 1 M-entry corpus, warm, --threads 2;
//   - latency: the bushy tree behind a fresh latencyfs mount per run (--delay-ms, default
//     1), --threads 64 (the batched engine).
// Reports per scenario and format the median wall and CPU (user + system, all threads,
// GNU time) and the median of the per-round ratios format 2 / format 1.
//
//   node bench/format-walk.mjs --baseline DIR [--rounds 5] [--corpus DIR] [--only local,latency]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './corpus.mjs';
import { buildLatencyfs, withLatencyfs } from './latencyfs-mount.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const CLI_OF = (repo) => path.join(repo, 'packages/cli/bin/pwalk-ts.js');

const { values: opts } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    bushy: { type: 'string', default: path.join(BENCH, '.corpus/bushy') },
    'delay-ms': { type: 'string', default: '1' },
    only: { type: 'string', default: 'local,latency' },
  },
});
if (opts.baseline === undefined || !fs.existsSync(CLI_OF(opts.baseline))) {
  console.error('format-walk: --baseline names a built checkout whose walker writes format 1');
  process.exit(2);
}
const rounds = Number(opts.rounds);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-format-walk-'));
const builds = [
  { label: 'format 1', cli: CLI_OF(opts.baseline) },
  { label: 'format 2', cli: CLI_OF(REPO) },
];

/** One walk under GNU time: wall (hrtime), user and system seconds; the walk folder checked for its format. */
function walk(cli, root, threads, version) {
  const out = path.join(scratch, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, cli, root, '--out', out, '--threads', String(threads), '--quiet'], {
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cli} ${root}: exit ${r.status}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const head = fs.readFileSync(path.join(out, 'thread_0.bin')).subarray(0, 12);
  // The file header's version (FORMAT.md 3): both builds must write what they are labelled.
  if (head.readUInt16LE(8) !== version) throw new Error(`${cli} wrote format ${head.readUInt16LE(8)}, expected ${version}`);
  return { wall, cpu: user + sys };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function scenario(name, run) {
  const results = builds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) results[i].push(await run(builds[i].cli, i + 1));
    console.error(`${name} round ${round + 1}: ${results.map((r) => `${r.at(-1).wall.toFixed(2)} s wall, ${r.at(-1).cpu.toFixed(2)} s CPU`).join(' | ')}`);
  }
  const ratio = (key) => median(results[1].map((r, k) => r[key] / results[0][k][key]));
  for (const [i, b] of builds.entries()) {
    const walls = results[i].map((r) => r.wall.toFixed(2)).join(', ');
    const cpus = results[i].map((r) => r.cpu.toFixed(2)).join(', ');
    console.log(
      `| ${name} | ${b.label} | ${median(results[i].map((r) => r.wall)).toFixed(2)} (${walls}) | ${median(results[i].map((r) => r.cpu)).toFixed(2)} (${cpus}) |`,
    );
  }
  console.log(`| ${name} | format 2 / format 1, median of per-round ratios | ${ratio('wall').toFixed(3)} | ${ratio('cpu').toFixed(3)} |`);
}

console.log(`| scenario | build | wall s, median (rounds) | CPU s, median (rounds) |`);
console.log('| --- | --- | --- | --- |');
const only = opts.only.split(',');
if (only.includes('local')) {
  const corpus = await ensureCorpus(opts.corpus);
  spawnSync('find', [corpus.dir], { stdio: 'ignore' });
  await scenario('local, 1 M corpus, --threads 2, warm', (cli, version) => walk(cli, corpus.dir, 2, version));
}
if (only.includes('latency')) {
  const bushy = await ensureCorpus(opts.bushy, { shape: 'bushy' });
  const latencyfs = buildLatencyfs(scratch);
  const mnt = path.join(scratch, 'mnt');
  fs.mkdirSync(mnt);
  const delay = Number(opts['delay-ms']);
  await scenario(`latencyfs ${delay} ms, bushy, --threads 64`, async (cli, version) => {
    const { result } = await withLatencyfs(latencyfs, bushy.dir, mnt, delay, scratch, () => walk(cli, mnt, 64, version));
    return result;
  });
}
fs.rmSync(scratch, { recursive: true, force: true });
