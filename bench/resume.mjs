#!/usr/bin/env node
// Resume after SIGKILL on the 1 M-entry bench corpus (issue 13's target): a walk is
// killed once its thread files hold 10%, 50% and 90% of an uninterrupted walk's bytes,
// then resumed. For each: the directories the resume read (end markers in its own
// files), whether any directory finished before the kill was read again (an end
// marker in both), and whether `cat --sort path` of the result is byte-identical to
// the uninterrupted walk's (atime left out: reading a directory moves its atime).
// Memory: the resume's peak RSS (/usr/bin/time), and the heap that the state read
// from the thread files takes (readWalkState: the set of every finished directory,
// the pending ones), measured alone, per finished directory.
//
//   node bench/resume.mjs [--corpus DIR] [--threads N] [--fractions 0.1,0.5,0.9]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './corpus.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const { FrameCursor, ItemKind } = await import(path.join(REPO, 'packages/reader/dist/format/index.js'));

const { values: opts } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    threads: { type: 'string', default: '2' },
    fractions: { type: 'string', default: '0.1,0.5,0.9' },
  },
});
await ensureCorpus(opts.corpus);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-resume-bench-'));

const threadFiles = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /^thread_.*\.bin$/.test(n)) : []);
const bytesOf = (dir) => threadFiles(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);

/** End markers per directory in the files `names` of `dir`. */
function endMarkers(dir, names) {
  const ends = new Map();
  for (const name of names) {
    const b = fs.readFileSync(path.join(dir, name));
    const fullAttrs = (b.readUInt32LE(12) & 1) === 1;
    for (let at = 64; at + 16 <= b.length;) {
      const length = b.readUInt32LE(at + 4);
      if (at + 16 + length > b.length) break;
      const c = new FrameCursor(b.subarray(at + 16, at + 16 + length), fullAttrs, false);
      while (c.next()) if (c.kind === ItemKind.end) ends.set(Buffer.from(c.dir).toString('latin1'), (ends.get(Buffer.from(c.dir).toString('latin1')) ?? 0) + 1);
      at += 16 + length;
    }
  }
  return ends;
}

/** Heap bytes the walk state of `dir` holds (readWalkState, after a full GC), in a process of its own. */
function stateHeapBytes(dir) {
  const script = `const { readWalkFolder, readWalkState } = await import(${JSON.stringify(path.join(REPO, 'packages/reader/dist/index.js'))});
    const folder = await readWalkFolder(${JSON.stringify(dir)}, 'throw');
    gc(); const before = process.memoryUsage().heapUsed;
    const state = readWalkState(folder.files);
    gc(); console.log(process.memoryUsage().heapUsed - before, state.finished.size);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`state of ${dir}: ${r.stderr}`);
  return Number(r.stdout.split(' ')[0]);
}

/** sha256 of `cat --sort path` without atimes. */
function sortedDigest(dir) {
  const r = spawnSync(process.execPath, [CLI, 'cat', dir, '--sort', 'path'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cat ${dir}: ${r.stderr}`);
  return createHash('sha256')
    .update(r.stdout.replace(/"atime":-?\d+,/g, ''))
    .digest('hex');
}

const whole = path.join(tmp, 'whole');
spawnSync(process.execPath, [CLI, opts.corpus, '--out', whole, '--threads', opts.threads, '--quiet'], { stdio: 'inherit' });
const wholeBytes = bytesOf(whole);
const reference = sortedDigest(whole);
console.log(`uninterrupted: ${wholeBytes} bytes of thread files\n`);
console.log(
  '| killed at | records at the kill | dirs finished at the kill | dirs the resume read | finished dirs read again | resume wall s | resume peak RSS MB | state heap MB (B per finished dir) | sorted records identical |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const fraction of opts.fractions.split(',').map(Number)) {
  const out = path.join(tmp, `kill-${fraction}`);
  const child = spawn(process.execPath, [CLI, opts.corpus, '--out', out, '--threads', opts.threads, '--quiet'], { stdio: 'ignore' });
  await new Promise((resolve) => {
    const poll = setInterval(() => {
      if (bytesOf(out) < wholeBytes * fraction) return;
      clearInterval(poll);
      child.kill('SIGKILL');
    }, 5);
    child.on('exit', () => (clearInterval(poll), resolve()));
  });
  const before = threadFiles(out);
  const info = spawnSync(process.execPath, [CLI, 'info', out, '--json'], { encoding: 'utf8' });
  const atKill = JSON.parse(info.stdout).verified.entries;
  const finishedBefore = endMarkers(out, before);
  const stateBytes = stateHeapBytes(out);
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'resume', out, '--quiet'], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`resume: ${r.stderr}`);
  const peakMB = Number(r.stderr.trim().split('\n').at(-1)) / 1024;
  const resumed = endMarkers(
    out,
    threadFiles(out).filter((n) => !before.includes(n)),
  );
  const again = [...resumed.keys()].filter((d) => finishedBefore.has(d)).length;
  const same = sortedDigest(out) === reference;
  console.log(
    `| ${fraction * 100}% | ${atKill} | ${finishedBefore.size} | ${resumed.size} | ${again} | ${wall.toFixed(1)} | ${peakMB.toFixed(0)} | ${(stateBytes / 2 ** 20).toFixed(1)} (${Math.round(stateBytes / finishedBefore.size)}) | ${same ? 'yes' : 'NO'} |`,
  );
  fs.rmSync(out, { recursive: true, force: true });
}
fs.rmSync(tmp, { recursive: true, force: true });
