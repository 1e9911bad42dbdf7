// Bundles the built CLI (dist/, from tsc) and every worker thread's entry into
// bundle/: the files bin/pwalk-ts.js runs. Perf: unbundled, a command loads 200-250
// module files (zod alone 95) through Node's ESM loader before it does anything,
// 0.1 s of every command's wall and of a walk's start on each of its threads
// (bench/RESULTS.md, "Start-up: one bundle"); a bundle is one file per thread plus
// the chunks a command loads when it runs. The SDK packages stay unbundled for
// scripts that import them.
//
// Worker threads are started as `new Worker(new URL('./NAME.js', import.meta.url))`:
// each such file in the packages' dist is an entry point here, written to bundle/
// under its own name, and chunks stay in the same folder, so the URL resolves from
// whichever chunk holds the call.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLI = path.dirname(fileURLToPath(import.meta.url));
const PACKAGES = path.dirname(CLI);
const OUT = path.join(CLI, 'bundle');
const WORKER_URL = /new Worker\(new URL\('\.\/([\w-]+\.js)', import\.meta\.url\)/g;

/** Every .js file under `dir`. */
function jsFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => path.join(d.parentPath ?? d.path, d.name));
}

/** The worker threads' entry files the packages start by URL. */
function workerEntries() {
  const entries = new Map();
  for (const pkg of ['reader', 'walker', 'cli']) {
    for (const file of jsFiles(path.join(PACKAGES, pkg, 'dist'))) {
      const code = readFileSync(file, 'utf8');
      const starts = code.split('new Worker(new URL(').length - 1;
      const found = [...code.matchAll(WORKER_URL)];
      // A worker started another way would be missing from the bundle, and fail only when started.
      if (found.length !== starts) throw new Error(`${file} starts a worker other than as new Worker(new URL('./NAME.js', import.meta.url))`);
      for (const [, name] of found) {
        const entry = path.join(path.dirname(file), name);
        const known = entries.get(name);
        if (known !== undefined && known !== entry) throw new Error(`two worker entries named ${name}: ${known} and ${entry}`);
        entries.set(name, entry);
      }
    }
  }
  return [...entries.values()];
}

/**
 * What the bundle is made from, as one line: every dist file's and this script's
 * modification time. A bundle made from the same is not made again: `pnpm -r pack`
 * (whose prepack runs this) must not replace the files under a CLI that is running,
 * as the install test does while other tests run.
 */
function sources() {
  const files = ['reader', 'walker', 'cli'].flatMap((pkg) => jsFiles(path.join(PACKAGES, pkg, 'dist')));
  files.push(fileURLToPath(import.meta.url));
  return files
    .sort()
    .map((f) => `${f} ${statSync(f).mtimeMs}`)
    .join('\n');
}

const STAMP = path.join(OUT, '.sources');
const made = sources();
if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === made) process.exit(0);

// Built aside and put in place by rename: a CLI starting meanwhile finds the old bundle or the new one whole.
const next = `${OUT}.${process.pid}`;
rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: [path.join(CLI, 'dist/main.js'), ...workerEntries()],
  outdir: next,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // DuckDB is a native module with its own binary packages: it is loaded from
  // node_modules as it is (the CLI depends on it).
  external: ['@duckdb/*'],
  // The CommonJS packages bundled here (BullMQ, ioredis, picomatch's users) call
  // require() for Node's own modules, which an ES module has no binding for.
  banner: { js: "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(path.join(next, '.sources'), made);
const old = `${OUT}.old.${process.pid}`;
if (existsSync(OUT)) renameSync(OUT, old);
renameSync(next, OUT);
rmSync(old, { recursive: true, force: true });
