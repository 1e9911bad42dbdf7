#!/usr/bin/env node
// diffWalks of two walks with the new walk read in a worker thread and without
// (`parallelSort` true and false), so both are measured whatever the load (the CLI picks
// by idle cores: on a busy machine it always runs in one thread). Each round runs each
// build in a fresh process, alternated so load from other work falls on all alike; given
// --before DIR (another checkout's packages/reader/dist), that build too. Prints elapsed,
// CPU (user + system, both threads) and peak RSS of every run, and their medians.
//
//   node bench/diff-threads.mjs OLD_WALK NEW_WALK [--before DIR] [--repeat R]
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { before: { type: 'string' }, repeat: { type: 'string', default: '3' }, child: { type: 'string' } },
});

if (opts.child !== undefined) {
  // One measured diff, in this process.
  const { openWalk, diffWalks } = await import(path.join(opts.child, 'index.js'));
  const [oldDir, newDir, parallel] = positionals;
  const t = performance.now();
  const c = process.cpuUsage();
  await diffWalks(await openWalk(oldDir), await openWalk(newDir), { parallelSort: parallel === 'worker', onCorrupt: 'skip' });
  const cpu = process.cpuUsage(c);
  console.log(JSON.stringify({ s: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const [oldWalk, newWalk] = positionals;
if (newWalk === undefined) throw new Error('give two walk folders');
const builds = [...(opts.before === undefined ? [] : [['before', path.resolve(opts.before)]]), ['after', path.join(REPO, 'packages/reader/dist')]];
const samples = new Map();
for (let round = 0; round < Number(opts.repeat); round++) {
  for (const mode of ['worker', 'one thread']) {
    for (const [build, dist] of builds) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dist, oldWalk, newWalk, mode === 'worker' ? 'worker' : 'one'], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(r.stderr);
      const m = JSON.parse(r.stdout);
      const key = `${mode}\t${build}`;
      samples.set(key, [...(samples.get(key) ?? []), m]);
      console.log(`${mode} ${build}: ${m.s.toFixed(2)} s, ${m.cpu.toFixed(2)} CPU-s, ${m.rssMB.toFixed(0)} MB`);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| mode | build | elapsed | CPU | peak RSS |\n| --- | --- | ---: | ---: | ---: |');
for (const [key, runs] of samples) {
  const [mode, build] = key.split('\t');
  console.log(
    `| ${mode} | ${build} | ${median(runs.map((r) => r.s)).toFixed(2)} s | ${median(runs.map((r) => r.cpu)).toFixed(2)} s | ${Math.max(...runs.map((r) => r.rssMB)).toFixed(0)} MB |`,
  );
}
