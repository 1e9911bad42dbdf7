#!/usr/bin/env node
// `pwalk-ts find` against `pwalk-ts cat --format ndjson` over the same walk of the
// 1 M-entry corpus (bench/.corpus/local, made by corpus.mjs): the issue asks find to be
// at least as fast as cat. Each command runs as users run it (the built CLI, output to
// /dev/null), alternated round by round so load from other work falls on all alike;
// medians of --repeat rounds, in elapsed and in CPU seconds (user + sys, from
// /usr/bin/time: on a machine others load, CPU time is the steadier figure).
//
//   node bench/find.mjs [--walk DIR] [--corpus DIR] [--repeat R]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './corpus.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(path.dirname(BENCH), 'packages/cli/bin/pwalk-ts.js');
const { values: opts } = parseArgs({
  options: {
    walk: { type: 'string' },
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    repeat: { type: 'string', default: '3' },
  },
});

let walkDir = opts.walk;
let temp = null;
if (walkDir === undefined) {
  await ensureCorpus(opts.corpus, { shape: 'local', entries: 1_000_000, seed: 1 });
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-find-bench-'));
  walkDir = path.join(temp, 'walk');
  const r = spawnSync(process.execPath, [CLI, opts.corpus, '--threads', '2', '--out', walkDir, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`walk failed with exit ${r.status}`);
}

const RUNS = {
  'cat --format ndjson': ['cat', walkDir, '--format', 'ndjson'],
  'find (every entry, -print)': ['find', walkDir, '--quiet'],
  "find -type f -name '*.c' -size +4k": ['find', walkDir, '--quiet', '-type', 'f', '-name', '*.c', '-size', '+4k'],
  'find -mtime +365 -printf': ['find', walkDir, '--quiet', '-mtime', '+365', '-printf', '%p %s %u %TY-%Tm-%Td\\n'],
  'find --json -perm /022 -o -empty': ['find', walkDir, '--quiet', '--json', '-perm', '/022', '-o', '-empty'],
};

const seconds = Object.fromEntries(Object.keys(RUNS).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(RUNS).map((k) => [k, []]));
let entries = 0;
for (let round = 0; round < Number(opts.repeat); round++) {
  for (const [name, args] of Object.entries(RUNS)) {
    const out = fs.openSync('/dev/null', 'w');
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, CLI, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
    seconds[name].push(Number(process.hrtime.bigint() - t) / 1e9);
    fs.closeSync(out);
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
    const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    cpu[name].push(user + sys);
  }
}
const info = JSON.parse(spawnSync(process.execPath, [CLI, 'info', walkDir, '--json'], { encoding: 'utf8' }).stdout);
entries = Number(info.totals?.entries ?? info.manifest?.totals?.entries ?? 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cat = median(seconds['cat --format ndjson']);
const catCpu = median(cpu['cat --format ndjson']);
console.log(`${entries} entries, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, medians of ${opts.repeat}`);
for (const [name, xs] of Object.entries(seconds)) {
  const s = median(xs);
  const c = median(cpu[name]);
  console.log(
    `${name.padEnd(36)} ${s.toFixed(2)} s ${Math.round(entries / s / 1000)} k/s ${(cat / s).toFixed(2)}x cat | cpu ${c.toFixed(2)} s ${Math.round(entries / c / 1000)} k/s ${(catCpu / c).toFixed(2)}x cat`,
  );
}
if (temp !== null) fs.rmSync(temp, { recursive: true, force: true });
