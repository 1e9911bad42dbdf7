#!/usr/bin/env node
// Trend benchmark: what `pwalk-ts trend` costs over a series of nightly walks, and what
// keeping each walk's summary saves.
//
//   node bench/trend.mjs [--root DIR] [--walks N] [--keep]
//
// Walks the root (default: the 1 M-entry corpus, bench/.corpus/local, made by
// corpus.mjs; it is not made here) N times (default 30) into a temp folder, then times,
// under GNU time (wall, CPU, peak RSS), in an empty summary cache each time unless said:
//   first summary   trend over one walk: the one full pass that makes its summary
//   30, none kept   trend over every walk: N full passes
//   30, all kept    the same again: N summaries read
//   30, one new     the same with the newest walk's summary removed: what a night costs
//   30, --no-cache  N full passes, nothing kept
// Not run in CI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(path.dirname(BENCH), 'packages/cli/bin/pwalk-ts.js');
const GNU_TIME = '/usr/bin/time';

const { values: opts } = parseArgs({
  options: {
    root: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    walks: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(opts.walks);
if (!fs.existsSync(opts.root)) throw new Error(`${opts.root} is missing (make it with: node bench/corpus.mjs ${opts.root})`);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-trend-bench-'));
const cache = path.join(temp, 'cache');

/** Runs pwalk-ts under GNU time: wall and CPU seconds, peak RSS in MB. */
function timed(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(GNU_TIME, ['-v', process.execPath, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`pwalk-ts ${args.join(' ')} exited ${r.status}: ${stderr.slice(-2000)}`);
  const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)[1]);
  return { s, cpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'), rssMB: field('Maximum resident set size \\(kbytes\\)') / 1024 };
}

const walks = [];
for (let i = 0; i < count; i++) {
  const out = path.join(temp, `night-${String(i).padStart(2, '0')}`);
  const r = spawnSync(process.execPath, [CLI, opts.root, '--threads', '2', '--out', out, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`walk ${i} failed with exit ${r.status}`);
  walks.push(out);
}
const entries = JSON.parse(spawnSync(process.execPath, [CLI, 'info', walks[0], '--json', '--no-verify'], { encoding: 'utf8' }).stdout).manifest.totals.entries;

const trend = (folders, extra = []) => timed(['trend', ...folders, '--json', path.join(temp, 'trend.json'), '--quiet', '--cache-dir', cache, ...extra]);
const rows = [];
fs.rmSync(cache, { recursive: true, force: true });
rows.push(['first summary (1 walk)', trend([walks[0]])]);
fs.rmSync(cache, { recursive: true, force: true });
rows.push([`${count} walks, none kept`, trend(walks)]);
rows.push([`${count} walks, all kept`, trend(walks)]);
const newest = fs.readdirSync(cache).find((n) => fs.readFileSync(path.join(cache, n), 'utf8').includes(JSON.stringify(fs.realpathSync(walks.at(-1)))));
fs.rmSync(path.join(cache, newest));
rows.push([`${count} walks, the newest not kept`, trend(walks)]);
rows.push([`${count} walks, --no-cache`, timed(['trend', ...walks, '--json', path.join(temp, 'trend.json'), '--quiet', '--no-cache'])]);
const summaryBytes = fs.readdirSync(cache).map((n) => fs.statSync(path.join(cache, n)).size);

console.log(`- root: ${opts.root}, ${entries.toLocaleString('en-US')} entries per walk, ${count} walks`);
console.log(
  `- machine: ${os.cpus().length} cores, ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`- kept summaries: ${summaryBytes.length}, ${Math.min(...summaryBytes)}-${Math.max(...summaryBytes)} bytes each\n`);
console.log('| trend | wall s | CPU s | peak RSS MB |');
console.log('| --- | --- | --- | --- |');
for (const [what, r] of rows) console.log(`| ${what} | ${r.s.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rssMB.toFixed(0)} |`);
if (opts.keep) console.log(`\nkept: ${temp}`);
else fs.rmSync(temp, { recursive: true, force: true });
