#!/usr/bin/env node
// Reader benchmark: records decoded per second by the SDK, the path-sorted stream's
// throughput, what the report computations (directoryTotals, usageSummary, diffWalks)
// cost in entries per second, and the walk folder's size per entry against pwalk's CSV.
//
//   node bench/reader.mjs [--walk DIR] [--corpus DIR] [--repeat R] [--sort-memory N]
//
// Without --walk, the corpus (bench/.corpus/local, made by corpus.mjs) is walked once
// with 2 threads into a temp folder. records() runs on the main thread only, so its
// rate is one core's. pwalk's CSV size is computed from the same records with pwalk
// 3.0's row format (inode,parent-inode,depth,"filename","fileExtension",UID,GID,
// st_size,st_dev,st_blocks,st_nlink,"st_mode",st_atime,st_mtime,st_ctime,pw_fcount,
// pw_dirsum), not by running pwalk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './corpus.mjs';
import { auditBatches, auditRecords, iterateRecords } from './read-loops.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const { openWalk, directoryTotals, usageSummary, diffWalks } = await import(path.join(REPO, 'packages/reader/dist/index.js'));

const { values: opts } = parseArgs({
  options: {
    walk: { type: 'string' },
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    repeat: { type: 'string', default: '3' },
    'sort-memory': { type: 'string', default: '250000' },
  },
});
const repeat = Number(opts.repeat);

let walkDir = opts.walk;
let temp = null;
if (walkDir === undefined) {
  await ensureCorpus(opts.corpus, { shape: 'local', entries: 1_000_000, seed: 1 });
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-reader-bench-'));
  walkDir = path.join(temp, 'walk');
  const r = spawnSync(process.execPath, [path.join(REPO, 'packages/cli/bin/pwalk-ts.js'), opts.corpus, '--threads', '2', '--out', walkDir, '--quiet'], {
    stdio: 'inherit',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`walk failed with exit ${r.status}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn) {
  const t = process.hrtime.bigint();
  const n = await fn();
  return { n, s: Number(process.hrtime.bigint() - t) / 1e9 };
}

const walk = await openWalk(walkDir);
const rows = { plain: [], fields: [], batches: [], sorted: [], totals: [], usage: [], diff: [] };
let entries = 0;
for (let i = 0; i < repeat; i++) {
  const a = await timeIt(() => iterateRecords(walk));
  rows.plain.push(a.n / a.s);
  entries = a.n;
  const b = await timeIt(() => auditRecords(walk));
  rows.fields.push(b.n / b.s);
  const d = await timeIt(() => auditBatches(walk));
  rows.batches.push(d.n / d.s);
  const c = await timeIt(async () => {
    let n = 0;
    for await (const entry of walk.records({ sort: 'path', sortMemoryRecords: Number(opts['sort-memory']) })) n += entry === undefined ? 0 : 1;
    return n;
  });
  rows.sorted.push(c.n / c.s);
  // What `du` and `report` compute; the names are numbers so getent does not count.
  const t = await timeIt(async () => (await directoryTotals(walk), entries));
  rows.totals.push(t.n / t.s);
  const names = { user: (uid) => String(uid), group: (gid) => String(gid) };
  const u = await timeIt(async () => (await usageSummary(walk, { names }), entries));
  rows.usage.push(u.n / u.s);
  // A diff reads and sorts both walks: entries per second counts both sides.
  const other = await openWalk(walkDir);
  const f = await timeIt(async () => (await diffWalks(walk, other, { sortMemoryRecords: Number(opts['sort-memory']) }), 2 * entries));
  rows.diff.push(f.n / f.s);
}

// Walk folder size per entry, and what pwalk's CSV would take for the same records.
const folderBytes = fs.readdirSync(walkDir).reduce((sum, n) => sum + fs.statSync(path.join(walkDir, n)).size, 0);
let csvBytes = 0;
for await (const e of walk.records()) {
  const name = Buffer.from(e.pathBytes);
  const base = path.posix.basename(e.path);
  const dot = base.lastIndexOf('.');
  const ext = e.type === 'dir' || dot <= 0 ? '' : base.slice(dot + 1);
  const isDir = e.type === 'dir';
  const row = `${e.inode},${e.parentInode},${e.depth - 1},"${'x'.repeat(name.length)}","${ext}",${e.uid},${e.gid},${e.size},${e.dev},${e.blocks},${e.nlink},"${(e.mode ?? 0).toString(8).padStart(7, '0')}",${e.atime},${e.mtime},${e.ctime},${isDir ? 0 : -1},${0}\n`;
  csvBytes += Buffer.byteLength(row);
}

const fmt = (r) => `${(median(r) / 1e6).toFixed(2)} M/s (${(Math.min(...r) / 1e6).toFixed(2)}-${(Math.max(...r) / 1e6).toFixed(2)})`;
console.log(`### pwalk-ts reader benchmark\n`);
console.log(
  `- date: ${new Date().toISOString()}; Node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; ${entries.toLocaleString('en-US')} entries; ${repeat} rounds (median, min-max)\n`,
);
console.log('| measure | result |');
console.log('|---|--:|');
console.log(`| records(): iterate only, one core | ${fmt(rows.plain)} |`);
console.log(`| records(): read type, uid, size of each | ${fmt(rows.fields)} |`);
console.log(`| recordBatches(): read type, uid, size of each | ${fmt(rows.batches)} |`);
console.log(`| records({ sort: 'path' }), ${Number(opts['sort-memory']).toLocaleString('en-US')} in memory per run | ${fmt(rows.sorted)} |`);
console.log(`| directoryTotals() (du, report) | ${fmt(rows.totals)} |`);
console.log(`| usageSummary() (usage, largest, report) | ${fmt(rows.usage)} |`);
console.log(`| diffWalks() of the walk against itself, entries of both walks | ${fmt(rows.diff)} |`);
console.log(`| walk folder bytes per entry | ${(folderBytes / entries).toFixed(1)} |`);
console.log(`| pwalk CSV bytes per entry (same records) | ${(csvBytes / entries).toFixed(1)} |`);
if (temp !== null) fs.rmSync(temp, { recursive: true, force: true });
