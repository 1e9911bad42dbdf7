#!/usr/bin/env node
// Export and SQL benchmark: what `exportParquet` and `pwalk-ts sql` cost against the
// walk that made the folder and against a plain `pwalk-ts cat --format csv`, on the
// same machine in the same run (so the ratios hold on a loaded machine too).
//
//   node bench/export.mjs [--walk DIR]... [--repeat R] [--reader DIR] [--cli FILE] [--keep]
//
// Without --walk: the corpus (bench/.corpus/local, made by corpus.mjs) when it is
// there (it is not made here: 1 M entries take minutes), and /usr; each is walked
// once into a temp folder, and that walk's own time (manifest end - start) is the
// first baseline. --reader DIR exports with another build of the reader (a dist
// folder, e.g. an older commit's) and --cli FILE runs sql and cat with another
// build's bin/pwalk-ts.js, to compare before and after (a CLI without the sql cache
// gets the first-run row only). Not run in CI.
//
// For each walk, the median of R runs of:
//   export   exportParquet in a child process: seconds, entries/s, CPU seconds,
//            peak RSS (the child's maxRSS), file bytes per entry
//   sql      `pwalk-ts sql WALK 'select count(*) from entries'`: the first run after
//            the cache is dropped (staging + query), then a cached run, and --no-cache
//   cat csv  `pwalk-ts cat WALK --format csv > /dev/null`
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const WALKER_CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const CORPUS = path.join(BENCH, '.corpus/local');
const GNU_TIME = '/usr/bin/time';

const { values: opts } = parseArgs({
  options: {
    walk: { type: 'string', multiple: true },
    repeat: { type: 'string', default: '3' },
    reader: { type: 'string', default: path.join(REPO, 'packages/reader/dist') },
    cli: { type: 'string', default: path.join(REPO, 'packages/cli/bin/pwalk-ts.js') },
    keep: { type: 'boolean', default: false },
  },
});
const repeat = Number(opts.repeat);
const CLI = path.resolve(opts.cli);
const readerIndex = pathToFileURL(path.join(path.resolve(opts.reader), 'index.js')).href;
// The Parquet export has its own entry point; a build from before it exported it from index.js.
const parquetEntry = path.join(path.resolve(opts.reader), 'parquet/index.js');
const parquetIndex = fs.existsSync(parquetEntry) ? pathToFileURL(parquetEntry).href : readerIndex;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-export-bench-'));
const cacheHome = path.join(temp, 'cache');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command under GNU time when it is there; wall seconds and peak RSS (MB, null without GNU time). */
function timed(argv, { stdout = 'ignore', env = {} } = {}) {
  const useTime = fs.existsSync(GNU_TIME);
  const [cmd, args] = useTime ? [GNU_TIME, ['-v', ...argv]] : [argv[0], argv.slice(1)];
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', stdout, 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env }, maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${stderr.slice(-2000)}`);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
  return { s, rssMB: kb === undefined ? null : Number(kb) / 1024, stdout: r.stdout?.toString() ?? '' };
}

function walkFolder(root) {
  const out = path.join(temp, `walk-${path.basename(root) || 'root'}`);
  const r = spawnSync(process.execPath, [WALKER_CLI, root, '--threads', '2', '--out', out, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`walk of ${root} failed with exit ${r.status}`);
  return out;
}

const EXPORT_CHILD = `
const { openWalk } = await import(process.argv[1]);
const { exportParquet } = await import(process.argv[2]);
const walk = await openWalk(process.argv[3]);
const t = process.hrtime.bigint();
const r = await exportParquet(walk, process.argv[4], { overwrite: true });
const s = Number(process.hrtime.bigint() - t) / 1e9;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ s, rows: r.rows, bytes: r.bytes, cpu: (cpu.user + cpu.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024 }));
`;

function exportOnce(walkDir) {
  const file = path.join(temp, 'bench.parquet');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', EXPORT_CHILD, readerIndex, parquetIndex, walkDir, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`export failed: ${r.stderr.slice(-2000)}`);
  fs.rmSync(file, { force: true });
  return JSON.parse(r.stdout);
}

async function walkSeconds(walkDir) {
  const { openWalk } = await import(readerIndex);
  const m = (await openWalk(walkDir)).manifest;
  return m?.endTime == null ? null : (m.endTime - m.startTime) / 1000;
}

const hasCache = spawnSync(process.execPath, [CLI, 'sql', '--help'], { encoding: 'utf8' }).stdout.includes('--no-cache');
const walks = opts.walk ?? [...(fs.existsSync(CORPUS) ? [CORPUS] : []), '/usr'].map(walkFolder);
const results = [];
for (const walkDir of walks) {
  const exports = Array.from({ length: repeat }, () => exportOnce(walkDir));
  const rows = exports[0].rows;
  const query = [CLI, 'sql', walkDir, 'select count(*) from entries', '--csv'];
  const first = [];
  const cached = [];
  const noCache = [];
  const cat = [];
  for (let i = 0; i < repeat; i++) {
    fs.rmSync(cacheHome, { recursive: true, force: true });
    first.push(timed(query, { stdout: 'pipe' }));
    if (hasCache) {
      cached.push(timed(query, { stdout: 'pipe' }));
      noCache.push(timed([...query, '--no-cache'], { stdout: 'pipe' }));
    }
    cat.push(timed([CLI, 'cat', walkDir, '--format', 'csv']));
  }
  const counted = first[0].stdout.trim().split('\n').at(-1);
  if (counted !== String(rows)) throw new Error(`sql counted ${counted} entries, the export wrote ${rows}`);
  const walkS = await walkSeconds(walkDir);
  const med = (xs, k) => (xs.length === 0 ? null : median(xs.map((x) => x[k])));
  results.push({
    walk: walkDir,
    entries: rows,
    walkS,
    export: { s: med(exports, 's'), cpu: med(exports, 'cpu'), rssMB: med(exports, 'rssMB'), bytesPerEntry: exports[0].bytes / rows },
    sqlFirst: { s: med(first, 's'), rssMB: med(first, 'rssMB') },
    sqlCached: { s: med(cached, 's'), rssMB: med(cached, 'rssMB') },
    sqlNoCache: { s: med(noCache, 's'), rssMB: med(noCache, 'rssMB') },
    catCsv: { s: med(cat, 's'), rssMB: med(cat, 'rssMB') },
  });
}
if (!opts.keep) fs.rmSync(temp, { recursive: true, force: true });

const f1 = (x) => (x === null ? '-' : x.toFixed(1));
const f2 = (x) => (x === null ? '-' : x.toFixed(2));
const rate = (n, s) => `${Math.round(n / s / 1000).toLocaleString('en-US')}k/s`;
console.log(
  `# Export and SQL, ${os.cpus().length} cores, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, median of ${repeat}`,
);
console.log(`reader: ${readerIndex}; cli: ${CLI}${hasCache ? '' : ' (no sql cache)'}\n`);
console.log('| walk | entries | step | seconds | entries/s | peak RSS MB | x walk time | x cat csv |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  const row = (step, s, rss) =>
    s !== null &&
    console.log(
      `| ${path.basename(r.walk)} | ${r.entries.toLocaleString('en-US')} | ${step} | ${f2(s)} | ${rate(r.entries, s)} | ${f1(rss)} | ${r.walkS === null ? '-' : f1(s / r.walkS)} | ${f1(s / r.catCsv.s)} |`,
    );
  if (r.walkS !== null) row('walk (manifest)', r.walkS, null);
  row(`exportParquet (${f2(r.export.cpu)} s CPU, ${f1(r.export.bytesPerEntry)} B/entry)`, r.export.s, r.export.rssMB);
  row('sql count(*), first run', r.sqlFirst.s, r.sqlFirst.rssMB);
  row('sql count(*), cached', r.sqlCached.s, r.sqlCached.rssMB);
  row('sql count(*), --no-cache', r.sqlNoCache.s, r.sqlNoCache.rssMB);
  row('cat --format csv', r.catCsv.s, r.catCsv.rssMB);
}
