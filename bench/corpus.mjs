#!/usr/bin/env node
// Deterministic benchmark corpus: a tree shaped like a real project filesystem.
//
//   node bench/corpus.mjs DIR [--entries N] [--seed S] [--shape local|shallow|bushy|bigdir]
//
// shape "local" (default 1,000,000 entries): a skewed, bushy tree (a few subtrees hold
// most entries), one directory of 100k files, and one 300-deep directory chain whose
// deepest paths are longer than PATH_MAX (4096), as real trees sometimes are. A smaller
// --entries scales the last two down with the tree.
// shape "shallow" (default 2,500 entries): only the bushy part, at most 15 levels deep,
// small enough to walk over a deliberately slow FUSE mount.
// shape "bushy" (default 9,000 entries): the bushy part with no directory over 100
// entries (about 1k directories), the tree the latency scenario walks over latencyfs.
// shape "bigdir" (default 19,000 entries): bushy, plus one directory of 10,000 files
// (datasets/frames), whose lookups alone are 10k round trips.
//
// Files get a spread of sizes (mostly small, a few up to 64 GiB) and mtimes, but at most
// 16 bytes of real data: larger sizes come from ftruncate, so they are sparse and cost no
// disk. Symlinks (some dangling) and hard links are mixed in.
// The same parameters always give the same tree: a marker file written last records them,
// and a second call with the same parameters reuses the tree instead of rebuilding it.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const MARKER = '.pwalk-corpus.json';
// Bump when the generator changes, so trees made by an older version are rebuilt.
const GENERATOR_VERSION = 2;

const SHAPES = {
  local: { entries: 1_000_000, maxDepth: 24, flatFiles: 100_000, chainDepth: 300 },
  shallow: { entries: 2_500, maxDepth: 15, flatFiles: 0, chainDepth: 0 },
  bushy: { entries: 9_000, maxDepth: 40, flatFiles: 0, chainDepth: 0, maxPerDir: 100 },
  bigdir: { entries: 19_000, maxDepth: 40, flatFiles: 10_000, flatShare: 0.55, chainDepth: 0, maxPerDir: 100 },
};

const DIR_WORDS = [
  'src',
  'lib',
  'build',
  'data',
  'docs',
  'test',
  'node_modules',
  'assets',
  'logs',
  'cache',
  'include',
  'scripts',
  'results',
  'raw',
  'out',
  'runs',
  'users',
  'share',
  'config',
  'vendor',
  'models',
  'images',
  'tmp',
  'backup',
];
const FILE_WORDS = [
  'index',
  'main',
  'util',
  'report',
  'sample',
  'frame',
  'readme',
  'notes',
  'config',
  'output',
  'module',
  'chunk',
  'image',
  'table',
  'run',
  'draft',
  'données',
  'データ',
  'my file',
  'résumé',
];
const EXTS = ['c', 'h', 'js', 'ts', 'py', 'json', 'txt', 'log', 'csv', 'dat', 'png', 'o', 'md', 'gz', 'parquet', 'h5'];

// mtimes are drawn from a fixed window (2015..2025) so they do not depend on today's date.
const MTIME_FROM = 1_420_070_400;
const MTIME_SPAN = 10 * 365 * 86_400;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Builds the tree in the current directory. Everything is created by short relative names
// while chdir-ing down and up, which is faster than resolving whole paths and is the only
// way Node can create the parts of the chain that lie beyond PATH_MAX.
class Generator {
  constructor(params) {
    this.params = params;
    this.shape = SHAPES[params.shape];
    this.entries = params.entries;
    this.rng = mulberry32(params.seed);
    this.count = 0;
    this.junk = Buffer.from('pwalk-ts corpus\n'); // the few real bytes a file may hold
  }

  pick(list) {
    return list[Math.floor(this.rng() * list.length)];
  }

  // Standard normal via Box-Muller; lognormal draws below give the long tails real trees have.
  normal() {
    return Math.sqrt(-2 * Math.log(1 - this.rng())) * Math.cos(2 * Math.PI * this.rng());
  }

  lognormal(median, sigma) {
    return median * Math.exp(sigma * this.normal());
  }

  fileSize() {
    const r = this.rng();
    if (r < 0.15) return 0;
    if (r < 0.995) return Math.min(Math.round(this.lognormal(2048, 2)), 64 * 2 ** 20);
    return Math.round(100 * 2 ** 20 * 655 ** this.rng()); // 100 MiB .. 64 GiB, log-uniform
  }

  mtime() {
    return MTIME_FROM + Math.floor(this.rng() * MTIME_SPAN);
  }

  // Directories and symlinks get their times once they are complete: creating entries in a
  // directory would move its mtime to today again, and the tree must be the same every time.
  stamp(name) {
    const mtime = this.mtime();
    fs.lutimesSync(name, mtime, mtime);
  }

  file(name) {
    const size = this.fileSize();
    const fd = fs.openSync(name, 'w');
    try {
      // Only tiny files hold real bytes; the rest are holes, so 1 M files stay cheap on disk.
      if (size <= this.junk.length) fs.writeSync(fd, this.junk, 0, size);
      else fs.ftruncateSync(fd, size);
      const mtime = this.mtime();
      fs.futimesSync(fd, mtime, mtime);
    } finally {
      fs.closeSync(fd);
    }
    this.count++;
  }

  dir(name) {
    fs.mkdirSync(name);
    this.count++;
  }

  // Files of one directory: mostly regular files, some symlinks to siblings (a fifth of them
  // dangling) and some hard links to a file made just before. The first is always a regular
  // file, so there is a sibling to point at.
  files(n, stem) {
    let lastFile = null;
    for (let i = 0; i < n; i++) {
      const name = `${stem ?? this.pick(FILE_WORDS)}-${i}.${this.pick(EXTS)}`;
      const r = this.rng();
      if (r < 0.015 && i > 0) {
        fs.symlinkSync(this.rng() < 0.2 ? `missing-${i}` : lastFile, name);
        this.stamp(name);
        this.count++;
      } else if (r < 0.02 && lastFile) {
        fs.linkSync(lastFile, name);
        this.count++;
      } else {
        this.file(name);
        lastFile = name;
      }
    }
  }

  // Spends `budget` entries below the current directory: some files here, the rest split
  // over a few subdirectories with Pareto weights, so one or two children get most of it.
  fill(budget, depth) {
    if (budget <= 0) return;
    // maxPerDir (files plus subdirectories) bounds the bushy shapes' directories.
    const perDir = this.shape.maxPerDir ?? Infinity;
    const filesHere = depth >= this.shape.maxDepth ? budget : Math.min(budget, Math.round(this.lognormal(8, 1.2)), Math.floor(perDir / 2));
    let rest = budget - filesHere;
    if (rest > 0) {
      // Big subtrees fan out wider, which keeps the tree bushy rather than deep; about ten
      // entries per subdirectory keeps directories near 14% of entries, with few empty ones.
      const wide = Math.round(this.lognormal(3, 0.9) * (1 + Math.log10(rest)));
      const nDirs = Math.min(Math.ceil(rest / 10), Math.max(1, wide), 500, perDir - filesHere);
      rest -= nDirs;
      const weights = Array.from({ length: nDirs }, () => 1 / (1 - this.rng()));
      const shares = apportion(rest, weights);
      for (let i = 0; i < nDirs; i++) {
        const name = `${this.pick(DIR_WORDS)}-${i}`;
        this.dir(name);
        process.chdir(name);
        this.fill(shares[i], depth + 1);
        process.chdir('..');
        this.stamp(name);
      }
    }
    this.files(filesHere);
  }

  // One directory holding `n` files, like a folder of frames or shards.
  flat(n) {
    this.dir('datasets');
    process.chdir('datasets');
    this.dir('frames');
    process.chdir('frames');
    this.files(n, 'frame');
    process.chdir('..');
    this.stamp('frames');
    process.chdir('..');
    this.stamp('datasets');
  }

  // A chain of `depth` directories with one file each. Each name is 16 characters, so at
  // 300 levels the deepest paths are about 5,100 bytes long.
  chain(depth) {
    this.dir('archive');
    process.chdir('archive');
    for (let level = 1; level <= depth; level++) {
      this.dir(chainName(level));
      process.chdir(chainName(level));
      this.file('notes.txt');
    }
    // Climbing back by '..' needs no long path either.
    for (let level = depth; level >= 1; level--) {
      process.chdir('..');
      this.stamp(chainName(level));
    }
    process.chdir('..');
    this.stamp('archive');
  }

  // The marker is written first as incomplete and completed last, so a tree whose generation
  // was interrupted is recognised as ours, and rebuilt rather than reused.
  run() {
    // Smaller corpora (--entries) keep the same proportions: the flat directory is at most a
    // tenth of the tree and the chain at most 1% of it (two entries a level).
    const flatFiles = Math.min(this.shape.flatFiles, Math.floor(this.entries * (this.shape.flatShare ?? 0.1)));
    const chainDepth = Math.min(this.shape.chainDepth, Math.floor(this.entries / 200));
    // The marker is one of the entries, so the tree holds exactly `entries` of them.
    const fixed = 1 + (flatFiles ? flatFiles + 2 : 0) + (chainDepth ? 2 * chainDepth + 1 : 0);
    if (this.entries <= fixed) throw new Error(`--entries must be more than ${fixed} for this shape`);
    fs.writeFileSync(MARKER, JSON.stringify({ ...this.params, complete: false }) + '\n');
    if (flatFiles) this.flat(flatFiles);
    if (chainDepth) this.chain(chainDepth);
    this.fill(this.entries - fixed, 0);
    fs.writeFileSync(MARKER, JSON.stringify({ ...this.params, complete: true }) + '\n');
    this.count++;
    this.stamp(MARKER);
    this.stamp('.');
  }
}

function chainName(level) {
  return `chain-level-${String(level).padStart(4, '0')}`;
}

// Splits `total` into integer parts proportional to `weights`, handing the remainder to the
// heaviest parts so the result is deterministic and sums exactly to `total`.
function apportion(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights.map((w, i) => [w, i]).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) shares[order[k][1]]++;
  return shares;
}

function readMarker(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
  } catch {
    return null;
  }
}

// Returns { dir, entries, reused }. Rebuilds the tree when the marker does not match, but only
// deletes a folder that is empty or that this script made, never an unrelated one.
export function ensureCorpus(dir, { shape = 'local', entries, seed = 1, log = console.error } = {}) {
  if (!SHAPES[shape]) throw new Error(`unknown shape ${shape} (local, shallow, bushy or bigdir)`);
  const params = { version: GENERATOR_VERSION, shape, entries: entries ?? SHAPES[shape].entries, seed };
  dir = path.resolve(dir);
  const marker = readMarker(dir);
  if (marker?.complete && ['version', 'shape', 'entries', 'seed'].every((k) => marker[k] === params[k])) {
    log(`corpus: reusing ${dir} (${params.entries} entries, shape ${shape}, seed ${seed})`);
    return { dir, entries: params.entries, reused: true };
  }
  if (fs.existsSync(dir)) {
    if (!marker && fs.readdirSync(dir).length > 0) {
      throw new Error(`${dir} exists and is not a corpus made by this script; refusing to delete it`);
    }
    // rm copes with paths beyond PATH_MAX; Node's fs.rmSync does not.
    execFileSync('rm', ['-rf', '--one-file-system', dir]);
  }
  fs.mkdirSync(dir, { recursive: true });
  log(`corpus: generating ${params.entries} entries (shape ${shape}, seed ${seed}) in ${dir}`);
  const started = process.hrtime.bigint();
  const cwd = process.cwd();
  const gen = new Generator(params);
  process.chdir(dir);
  try {
    gen.run();
  } finally {
    process.chdir(cwd);
  }
  if (gen.count !== params.entries) throw new Error(`made ${gen.count} entries, expected ${params.entries}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`corpus: made ${gen.count} entries in ${seconds.toFixed(1)} s`);
  return { dir, entries: params.entries, reused: false };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      entries: { type: 'string' },
      seed: { type: 'string', default: '1' },
      shape: { type: 'string', default: 'local' },
    },
  });
  if (positionals.length !== 1) {
    console.error('usage: node bench/corpus.mjs DIR [--entries N] [--seed S] [--shape local|shallow|bushy|bigdir]');
    process.exit(2);
  }
  const result = ensureCorpus(positionals[0], {
    shape: values.shape,
    entries: values.entries === undefined ? undefined : Number(values.entries),
    seed: Number(values.seed),
    log: (line) => console.log(line.replace(/^corpus: /, '')),
  });
  if (!result.reused) console.log(`corpus ready: ${result.dir}`);
}
