#!/usr/bin/env node
// The walk suites across thread counts and engines (issue 12: "the walk stays exact at
// 1, 2, 8 and 64 threads and on both engines"). A cell runs test files once with
// PWALK_TEST_ENGINE (what --engine auto resolves to) and PWALK_TEST_THREADS (the thread
// count of every walk that names none) set; the 'sync, no addon' column also sets
// PWALK_NATIVE=0, so walks that name no route take the TypeScript routes (a file's own
// per-route blocks keep theirs). The files whose walks name no thread count run in every
// cell; the files whose walks all name theirs (each sweeps counts on purpose, or holds a
// timing window at one) would run alike at every PWALK_TEST_THREADS, so they run once per
// engine, in the row 'counts named'. test/walk-ground-truth.test.ts and
// test/engines.test.ts name count, engine and route for every walk: they are the matrix
// within one run, in CI. One cell at a time: a cell already runs two files at once
// (vitest.config.ts), and the walks' timing windows need the rest of the machine.
// Prints a passed/failed table and every failure; a test that passed only on a retry
// (vitest.config.ts retries twice) is counted. Needs a built tree (pnpm run build).
// Exit 1 when any cell has a failure.
//
//   node bench/test-matrix.mjs [--threads 1,2,8,64] [--engines sync,async,ts] [--skip-named] [--out DIR] [FILE ...]
//   (FILEs given replace the files that run in every cell)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const VITEST = path.join(REPO, 'node_modules/vitest/vitest.mjs');

/** Files whose walks (some or all) name no thread count: they walk at PWALK_TEST_THREADS. */
const DEFAULT_COUNT_FILES = [
  'test/cat-bytes.test.ts',
  'test/reliability/extreme-times.test.ts',
  'test/reliability/disk-full.test.ts',
  'test/reliability/unreadable.test.ts',
];

/** Walk files whose every walk names its thread count: only the engine knobs reach them. */
const NAMED_COUNT_FILES = [
  'test/walk-big.test.ts',
  'test/large-inodes.test.ts',
  'test/reliability/churn.test.ts',
  'test/reliability/huge-totals.test.ts',
  'test/reliability/worker-failure.test.ts',
  'test/reliability/interrupt.test.ts',
  'test/reliability/symlink-swap.test.ts',
  'test/reliability/resume.test.ts',
  'test/reliability/resume-hostile.test.ts',
  'test/reliability/resume-host.test.ts',
];

/** Each column: the environment it sets besides the thread count. */
const ENGINES = {
  sync: { label: 'sync', env: { PWALK_TEST_ENGINE: 'sync' } },
  async: { label: 'async', env: { PWALK_TEST_ENGINE: 'async' } },
  ts: { label: 'sync, no addon', env: { PWALK_TEST_ENGINE: 'sync', PWALK_NATIVE: '0' } },
};

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '1,2,8,64' },
    engines: { type: 'string', default: 'sync,async,ts' },
    'skip-named': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(REPO, 'test-output', `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}`) },
  },
});
const threadCounts = opts.threads.split(',').map((t) => {
  if (!/^[1-9]\d*$/.test(t)) throw new Error(`--threads: not a thread count: ${t}`);
  return t;
});
const engines = opts.engines.split(',').map((e) => {
  if (!(e in ENGINES)) throw new Error(`--engines: one of ${Object.keys(ENGINES).join(', ')}, got ${e}`);
  return e;
});
const files = positionals.length > 0 ? positionals : DEFAULT_COUNT_FILES;
fs.mkdirSync(opts.out, { recursive: true });

/** This process's environment with the cell's knobs, and no PWALK_NATIVE but the column's. */
function cellEnv(threads, engine) {
  const env = { ...process.env, PWALK_TEST_THREADS: threads, ...ENGINES[engine].env };
  if (ENGINES[engine].env.PWALK_NATIVE === undefined) delete env.PWALK_NATIVE;
  return env;
}

/** Runs the files in one cell; the counts from vitest's JSON report, the retried tests from its log. */
function runCell(row, threads, files, engine) {
  const name = `${String(row).replace(/ /g, '-')}-${engine}`;
  const report = path.join(opts.out, `${name}.json`);
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [VITEST, 'run', ...files, '--reporter=verbose', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: cellEnv(threads, engine),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.writeFileSync(path.join(opts.out, `${name}.log`), run.stdout + run.stderr);
  const cell = { row, engine, seconds, passed: 0, failed: 0, skipped: 0, retried: 0, failures: [] };
  cell.retried = (run.stdout.match(/\(retry x\d+\)/g) ?? []).length;
  if (!fs.existsSync(report)) {
    cell.failures.push(`vitest wrote no report (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    cell.failed = 1;
    return cell;
  }
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  for (const file of json.testResults) {
    const where = path.relative(REPO, file.name);
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      cell.failed++;
      cell.failures.push(`${where}: ${file.message}`);
    }
    for (const t of file.assertionResults) {
      if (t.status === 'passed') cell.passed++;
      else if (t.status === 'failed') {
        cell.failed++;
        cell.failures.push(`${where} > ${t.fullName}: ${(t.failureMessages[0] ?? '').split('\n')[0]}`);
      } else cell.skipped++;
    }
  }
  return cell;
}

/** Rows: each thread count over `files`, then the files that name their counts (threads knob left at 64). */
const rows = [
  ...threadCounts.map((t) => ({ row: t, threads: t, files })),
  ...(opts['skip-named'] ? [] : [{ row: 'counts named', threads: '64', files: NAMED_COUNT_FILES }]),
];
const started = Date.now();
const cells = [];
for (const { row, threads, files: rowFiles } of rows) {
  for (const engine of engines) {
    const cell = runCell(row, threads, rowFiles, engine);
    cells.push(cell);
    console.error(`${row}, ${ENGINES[engine].label}: ${cell.passed} passed, ${cell.failed} failed, ${cell.retried} retried (${cell.seconds.toFixed(0)} s)`);
  }
}

const text = (cell) => `${cell.passed} passed, ${cell.failed} failed${cell.retried > 0 ? `, ${cell.retried} retried` : ''} (${cell.seconds.toFixed(0)} s)`;
const lines = [
  `rows 1-64: ${files.length} files at PWALK_TEST_THREADS=N; 'counts named': ${NAMED_COUNT_FILES.length} files; on ${os.cpus().length} cores (load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}), ${((Date.now() - started) / 60_000).toFixed(1)} min in all; skipped tests not counted`,
  '',
  `| threads | ${engines.map((e) => ENGINES[e].label).join(' | ')} |`,
  `| ---: | ${engines.map(() => '---').join(' | ')} |`,
  ...rows.map(({ row }) => `| ${row} | ${engines.map((e) => text(cells.find((c) => c.row === row && c.engine === e))).join(' | ')} |`),
];
const failures = cells.flatMap((c) => c.failures.map((f) => `- ${c.row}, ${ENGINES[c.engine].label}: ${f}`));
if (failures.length > 0) lines.push('', 'Failures:', ...failures);
lines.push('', `Logs and JSON reports: ${path.relative(REPO, opts.out)}`);
console.log(lines.join('\n'));
process.exitCode = failures.length > 0 ? 1 : 0;
