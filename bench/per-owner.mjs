#!/usr/bin/env node
// Per-owner report benchmark: what `pwalk-ts report WALK --per-owner DIR` costs (wall
// and CPU seconds, peak RSS) against the whole-walk `report --html --json` of the same walk, in
// the same run, runs alternated (so the ratio holds on a loaded machine).
//
//   node bench/per-owner.mjs --corpus DIR [--owners K] [--repeat R] [--keep]
//
// DIR is a tree made by corpus.mjs (everything in it belongs to whoever made it: one
// owner); it is walked once (--threads 2) into a temp folder and measured. With
// --owners K, every entry of DIR is then chowned to one of K owners by a hash of its
// path, DIR walked again, and given back to its root's owner: every directory then
// holds entries of several owners, the worst case for the per-owner ledgers (one per
// owner and directory holding something of theirs). Not run in CI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const GNU_TIME = '/usr/bin/time';

const { values: opts } = parseArgs({
  options: {
    corpus: { type: 'string' },
    owners: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
if (opts.corpus === undefined) throw new Error('give --corpus DIR (a tree made by bench/corpus.mjs)');
const repeat = Number(opts.repeat);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-per-owner-bench-'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall seconds, CPU seconds (user + system) and peak RSS (MiB), from GNU time, of one command. */
function timed(argv) {
  const t = process.hrtime.bigint();
  const r = spawnSync(GNU_TIME, ['-v', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${stderr.slice(-2000)}`);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)[1];
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)[1]);
  return { s, cpu, rssMB: Number(kb) / 1024 };
}

// Chowns every entry below ROOT (not ROOT itself) to uid = gid = 20000 + crc32(relative
// path) % K, or, with K = 0, to ROOT's own owner. Directory descriptors (os.fwalk), so
// the corpus's paths past PATH_MAX are reached too.
const CHOWN = String.raw`
import os, sys, zlib
root, k = sys.argv[1], int(sys.argv[2])
st = os.lstat(root)
for top, dirs, files, fd in os.fwalk(root):
    rel = os.fsencode(os.path.relpath(top, root))
    for name in dirs + files:
        path = os.fsencode(name) if rel == b"." else rel + b"/" + os.fsencode(name)
        owner = 20000 + zlib.crc32(path) % k if k else None
        os.chown(name, owner if k else st.st_uid, owner if k else st.st_gid, dir_fd=fd, follow_symlinks=False)
`;

/** Spreads `corpus` over `k` owners in place (k = 0: gives it back to its root's owner). */
function chownCorpus(corpus, k) {
  const r = spawnSync('python3', ['-c', CHOWN, corpus, String(k)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`chown of ${corpus} failed`);
}

let walks = 0;
function walk(root) {
  const out = path.join(temp, `walk-${walks++}`);
  const r = spawnSync(process.execPath, [CLI, root, '--threads', '2', '--out', out, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`walk of ${root} failed with exit ${r.status}`);
  return out;
}

const runs = [
  { label: 'one owner', owners: 0 },
  ...(opts.owners === undefined ? [] : [{ label: `${opts.owners} owners, mixed`, owners: Number(opts.owners) }]),
];
const rows = [];
for (const { label, owners } of runs) {
  if (owners > 0) chownCorpus(opts.corpus, owners);
  let walkDir;
  try {
    walkDir = walk(opts.corpus);
  } finally {
    if (owners > 0) chownCorpus(opts.corpus, 0);
  }
  const perOwner = [];
  const whole = [];
  for (let i = 0; i < repeat; i++) {
    const dir = path.join(temp, 'owners');
    fs.rmSync(dir, { recursive: true, force: true });
    perOwner.push(timed([process.execPath, CLI, 'report', walkDir, '--per-owner', dir, '--quiet']));
    whole.push(timed([process.execPath, CLI, 'report', walkDir, '--html', path.join(temp, 'r.html'), '--json', path.join(temp, 'r.json'), '--quiet']));
  }
  const index = JSON.parse(fs.readFileSync(path.join(temp, 'owners', 'index.json'), 'utf8'));
  const entries = index.totals.entries;
  const m = (runs, key) => median(runs.map((r) => r[key]));
  rows.push({
    label,
    entries,
    owners: index.owners.length,
    perOwnerS: m(perOwner, 's'),
    perOwnerCpu: m(perOwner, 'cpu'),
    perOwnerRssMB: m(perOwner, 'rssMB'),
    wholeS: m(whole, 's'),
    wholeCpu: m(whole, 'cpu'),
    wholeRssMB: m(whole, 'rssMB'),
  });
}
console.log(
  `machine: ${os.cpus().length} cores, ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; median of ${repeat}`,
);
console.log('| corpus | entries | owners | report --per-owner: wall s, CPU s, peak RSS MiB | report --html --json: wall s, CPU s, peak RSS MiB | CPU ratio |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${r.entries.toLocaleString('en-US')} | ${r.owners} | ${r.perOwnerS.toFixed(1)}, ${r.perOwnerCpu.toFixed(1)}, ${r.perOwnerRssMB.toFixed(0)} | ${r.wholeS.toFixed(1)}, ${r.wholeCpu.toFixed(1)}, ${r.wholeRssMB.toFixed(0)} | ${(r.perOwnerCpu / r.wholeCpu).toFixed(2)} |`,
  );
}
if (!opts.keep) fs.rmSync(temp, { recursive: true, force: true });
