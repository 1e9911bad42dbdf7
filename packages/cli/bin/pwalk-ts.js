#!/usr/bin/env node
'use strict';
// CommonJS on purpose: this file must run before anything starts libuv's thread
// pool, whose size is read once, at its first use. (The ESM loader reads modules
// through that pool, so an ESM bin would start it at the default 4 threads.)
// --threads beyond the cores runs that many filesystem calls in flight through
// the pool (ARCHITECTURE.md, "Latency").

function requestedThreads(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break; // operands from here on
    if (a === '--threads') return Number(argv[i + 1]);
    if (a.startsWith('--threads=')) return Number(a.slice('--threads='.length));
  }
  return NaN;
}

// A walk that names no count takes the test knob's (packages/walker/src/settings.ts), so its calls get the pool too.
const named = requestedThreads(process.argv.slice(2));
const threads = Number.isNaN(named) ? Number(process.env.PWALK_TEST_THREADS) : named;
if (process.env.UV_THREADPOOL_SIZE === undefined && Number.isInteger(threads) && threads > 4) {
  process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, threads));
}

import('../bundle/main.js').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (err) => {
    process.stderr.write(`pwalk-ts: cannot load (did the build run?): ${err.message}\n`);
    process.exitCode = 2;
  },
);
