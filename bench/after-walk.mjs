#!/usr/bin/env node
// What users run after a walk, against the walk itself (issue 17): the corpus
// (bench/.corpus/local, 1 M entries, made by corpus.mjs) is walked with 2 threads,
// then each command runs on that walk as users run it (the built CLI, output to
// /dev/null or a temp file), with this build and, given --before FILE (another
// build's bin/pwalk-ts.js, e.g. a copy of main's packages/ folder), that build
// too, alternated round by round so load from other work falls on all alike.
// Medians of --repeat rounds: elapsed, CPU (user + sys, /usr/bin/time: the steadier
// figure on a loaded machine), peak RSS, and both as ratios to the walk's own
// elapsed and CPU measured in the same run. The corpus is walked twice per round: `diff`
// compares the two walks (the same tree: every entry matched, the most work per entry);
// the cached `sql` query reads a cache filled by an untimed query first.
//
//   node bench/after-walk.mjs [--before FILE] [--repeat R] [--corpus DIR] [--only NAME,...]
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
    before: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    only: { type: 'string' },
  },
});
const repeat = Number(opts.repeat);

await ensureCorpus(opts.corpus, { shape: 'local', entries: 1_000_000, seed: 1 });
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-after-walk-bench-'));
const walkDir = path.join(temp, 'walk');
const secondWalkDir = path.join(temp, 'walk-2');
const sqlCache = path.join(temp, 'sql-cache');
const QUERY = 'select count(*) from entries';

/** Runs the CLI under GNU time: elapsed and CPU seconds, peak RSS in MB. */
function timed(cli, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${stderr.slice(-2000)}`);
  const [user, sys, kb] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { s, cpu: user + sys, rssMB: kb / 1024 };
}

const COMMANDS = {
  'cat --format csv': ['cat', walkDir, '--format', 'csv'],
  'cat --format ndjson': ['cat', walkDir, '--format', 'ndjson'],
  'cat --format pwalk': ['cat', walkDir, '--format', 'pwalk'],
  'cat --format csv --workers 2': ['cat', walkDir, '--format', 'csv', '--workers', '2'],
  'cat --format ndjson --workers 2': ['cat', walkDir, '--format', 'ndjson', '--workers', '2'],
  'cat --format pwalk --workers 2': ['cat', walkDir, '--format', 'pwalk', '--workers', '2'],
  'cat --format csv --workers 1': ['cat', walkDir, '--format', 'csv', '--workers', '1'],
  'cat --format ndjson --workers 1': ['cat', walkDir, '--format', 'ndjson', '--workers', '1'],
  'cat --format pwalk --workers 1': ['cat', walkDir, '--format', 'pwalk', '--workers', '1'],
  'report --html --json': ['report', walkDir, '--html', path.join(temp, 'r.html'), '--json', path.join(temp, 'r.json')],
  'report --html --json --workers 2': ['report', walkDir, '--html', path.join(temp, 'r.html'), '--json', path.join(temp, 'r.json'), '--workers', '2'],
  'du --top 10': ['du', walkDir, '--top', '10'],
  'usage --by user': ['usage', walkDir, '--by', 'user'],
  'export -o F.parquet': ['export', walkDir, '-o', path.join(temp, 'entries.parquet'), '--force', '--quiet'],
  'export -o F.parquet --workers 2': ['export', walkDir, '-o', path.join(temp, 'entries.parquet'), '--force', '--quiet', '--workers', '2'],
  'sql --no-cache, first query': ['sql', walkDir, QUERY, '--no-cache'],
  'sql, cached query': ['sql', walkDir, QUERY, '--cache-dir', sqlCache],
  'diff of two walks': ['diff', walkDir, secondWalkDir],
};
/** Options the build before did not have: run with this build only. */
const AFTER_ONLY = new Set(Object.keys(COMMANDS).filter((name) => name.includes('--workers')));
const only = opts.only?.split(',');
const commands = Object.entries(COMMANDS).filter(([name]) => only === undefined || only.some((o) => name.startsWith(o)));
const builds =
  opts.before === undefined
    ? [['after', CLI]]
    : [
        ['before', path.resolve(opts.before)],
        ['after', CLI],
      ];

const samples = new Map();
const add = (key, m) => samples.set(key, [...(samples.get(key) ?? []), m]);
for (let round = 0; round < repeat; round++) {
  for (const dir of [walkDir, secondWalkDir, sqlCache]) fs.rmSync(dir, { recursive: true, force: true });
  add('walk', timed(CLI, [opts.corpus, '--threads', '2', '--out', walkDir, '--quiet']));
  add('walk', timed(CLI, [opts.corpus, '--threads', '2', '--out', secondWalkDir, '--quiet']));
  for (const [, cli] of builds) timed(cli, ['sql', walkDir, QUERY, '--cache-dir', sqlCache]);
  for (const [name, args] of commands) {
    for (const [build, cli] of builds) if (build === 'after' || !AFTER_ONLY.has(name)) add(`${name}\t${build}`, timed(cli, args));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = (key) => {
  const runs = samples.get(key);
  return { s: median(runs.map((r) => r.s)), cpu: median(runs.map((r) => r.cpu)), rssMB: Math.max(...runs.map((r) => r.rssMB)) };
};
const walk = med('walk');
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${os.cpus().length} cores; medians of ${repeat}`,
);
console.log('| command | build | elapsed | x walk | CPU | x walk CPU | peak RSS |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
const row = (name, build, m) =>
  console.log(
    `| ${name} | ${build} | ${m.s.toFixed(2)} s | ${(m.s / walk.s).toFixed(2)} | ${m.cpu.toFixed(2)} s | ${(m.cpu / walk.cpu).toFixed(2)} | ${m.rssMB.toFixed(0)} MB |`,
  );
row('walk, 2 threads', 'after', walk);
for (const [name] of commands) for (const [build] of builds) if (samples.has(`${name}\t${build}`)) row(`\`${name}\``, build, med(`${name}\t${build}`));
fs.rmSync(temp, { recursive: true, force: true });
