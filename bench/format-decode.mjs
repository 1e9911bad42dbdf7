#!/usr/bin/env node
// Format 2 against format 1 on the reading side (issue 13): the same walk in both
// formats, read by this build's reader and CLI, alternated round by round so load
// from other work falls on both alike.
//
//   node bench/format-decode.mjs [--walk DIR] [--twin DIR] [--repeat R] [--corpus DIR] [--commands]
//
// Without --walk, the corpus (bench/.corpus/local, 1 M entries, made by corpus.mjs)
// is walked with 2 threads (format 2, timed: the denominator of the command ratios).
// Its format-1 twin is written next to it: every thread file's entries and error
// records re-encoded block by block with format 1's RecordBuffer (same records, same
// files, same manifest), in a temp folder or, kept, in --twin (reused when there). Reported per format: records() iterate only, and
// recordBatches() (sizes as BigInts, and as exact numbers by exactSize) and entryBlocks() (the column view, sizes as exact numbers) reading type, uid and size, in records per CPU-second of the main
// thread (process.cpuUsage; steadier than wall under load); with --commands, also
// `cat --format csv`, `report --json` and `du` through the built CLI, CPU seconds
// (/usr/bin/time, user + sys) and as a ratio to the walk's CPU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from './corpus.mjs';
import { auditBatches, auditBatchesExact, auditBlocks, iterateRecords } from './read-loops.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const { exactSize, openWalk } = await import(path.join(REPO, 'packages/reader/dist/index.js'));
const { RecordBuffer, encodeFileHeader, readThreadFile } = await import(path.join(REPO, 'packages/reader/dist/format/index.js'));
const { RootPath } = await import(path.join(REPO, 'packages/reader/dist/sdk/root-path.js'));

const { values: opts } = parseArgs({
  options: {
    walk: { type: 'string' },
    twin: { type: 'string' },
    repeat: { type: 'string', default: '5' },
    corpus: { type: 'string', default: path.join(BENCH, '.corpus/local') },
    commands: { type: 'boolean', default: false },
  },
});
const repeat = Number(opts.repeat);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-format-decode-bench-'));

/** Runs the CLI under GNU time: CPU seconds (user + sys). */
function cpuOf(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = r.stderr.toString();
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${stderr.slice(-2000)}`);
  const [user, sys] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return user + sys;
}

let walk2 = opts.walk;
let walkCpu = null;
if (walk2 === undefined) {
  await ensureCorpus(opts.corpus, { shape: 'local', entries: 1_000_000, seed: 1 });
  walk2 = path.join(temp, 'walk2');
  walkCpu = cpuOf([opts.corpus, '--threads', '2', '--out', walk2, '--quiet']);
}

/** The format-1 twin: each thread file's records re-encoded with RecordBuffer, in order. */
async function formatOneTwin(src, dst) {
  fs.mkdirSync(dst);
  const source = await openWalk(src);
  for (const file of source.files) {
    const fd = fs.openSync(path.join(dst, path.basename(file.path)), 'w');
    const fullAttrs = file.header.fullAttrs;
    fs.writeSync(fd, encodeFileHeader({ ...file.header, version: 1 }));
    const out = new RecordBuffer((block) => fs.writeSync(fd, block), { fullAttrs });
    const problems = [];
    for await (const block of readThreadFile(file.path, new RootPath(Buffer.from('.')), { onCorrupt: 'throw', problems, setAside: file.setAside })) {
      for (const e of block.entries) out.appendEntry(e);
      for (const e of block.errors)
        out.appendError(e.inode, e.parentInode, typeCode(e.type), syscallCode(e.syscall), e.code, new Uint8Array(0), e.relativePathBytes);
    }
    out.flush();
    fs.closeSync(fd);
  }
  for (const name of fs.readdirSync(src)) if (!name.startsWith('thread_')) fs.copyFileSync(path.join(src, name), path.join(dst, name));
}
const TYPES = ['unknown', 'file', 'dir', 'symlink', 'fifo', 'socket', 'char', 'block'];
const SYSCALLS = ['unknown', 'lstat', 'scandir', 'open'];
const typeCode = (t) => TYPES.indexOf(t);
const syscallCode = (s) => SYSCALLS.indexOf(s);

const walk1 = opts.twin ?? path.join(temp, 'walk1');
if (!fs.existsSync(walk1)) await formatOneTwin(walk2, walk1);

/** Records per CPU-second of this thread while `fn` reads the walk. */
async function rate(fn) {
  const before = process.cpuUsage();
  const n = await fn();
  const used = process.cpuUsage(before);
  return n / ((used.user + used.system) / 1e6);
}

const COMMANDS = {
  'cat --format csv': (dir) => ['cat', dir, '--format', 'csv'],
  'report --json': (dir) => ['report', dir, '--json', path.join(temp, 'r.json')],
  du: (dir) => ['du', dir],
};
const formats = [
  ['format 1', walk1],
  ['format 2', walk2],
];
const rows = {};
for (let round = 0; round < repeat; round++) {
  for (const [name, dir] of formats) {
    const walk = await openWalk(dir);
    (rows[`${name} records()`] ??= []).push(await rate(() => iterateRecords(walk)));
    (rows[`${name} recordBatches()`] ??= []).push(await rate(() => auditBatches(walk)));
    (rows[`${name} recordBatches(), exactSize`] ??= []).push(await rate(() => auditBatchesExact(walk, exactSize)));
    (rows[`${name} entryBlocks()`] ??= []).push(await rate(() => auditBlocks(walk)));
    if (opts.commands) for (const [cmd, args] of Object.entries(COMMANDS)) (rows[`${name} ${cmd}`] ??= []).push(cpuOf(args(dir)));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rateText = (r) => `${(median(r) / 1e6).toFixed(2)} M/s (${(Math.min(...r) / 1e6).toFixed(2)}-${(Math.max(...r) / 1e6).toFixed(2)})`;
const cpuText = (r) => `${median(r).toFixed(2)} s${walkCpu === null ? '' : `, ${(median(r) / walkCpu).toFixed(2)}x the walk`}`;
console.log(
  `- ${new Date().toISOString()}; Node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; load ${os.loadavg()[0].toFixed(1)}; ${repeat} rounds (median, min-max)`,
);
if (walkCpu !== null) console.log(`- walk (format 2, --threads 2): ${walkCpu.toFixed(2)} CPU s`);
console.log('\n| measure | format 1 | format 2 |\n| --- | --- | --- |');
for (const m of ['records()', 'recordBatches()', 'recordBatches(), exactSize', 'entryBlocks()'])
  console.log(`| ${m}, records per CPU-second | ${rateText(rows[`format 1 ${m}`])} | ${rateText(rows[`format 2 ${m}`])} |`);
if (opts.commands)
  for (const cmd of Object.keys(COMMANDS)) console.log(`| \`${cmd}\`, CPU | ${cpuText(rows[`format 1 ${cmd}`])} | ${cpuText(rows[`format 2 ${cmd}`])} |`);
fs.rmSync(temp, { recursive: true, force: true });
