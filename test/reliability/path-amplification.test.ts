// Forged blocks whose few bytes join to huge paths (hostile review s5, A2 and B): one
// directory header with a 60 KB path and thousands of 11-byte entries under it, or
// sibling headers front-coded under that path, each with an entry. `find` and `cat`
// join every path; before the bound, a 400 KB block of these took 10 s and 2.5 GB. A
// block whose paths join to more than 128 bytes per payload byte and 64 MiB is damage
// (CORRUPT_RECORD, file and offset), read by neither reader; a legitimately deep block
// under that bound is read whole by both, and the walker ends its blocks before the
// bound, so any user's deep directory is never refused (nor the other records of its
// block with it).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { frameBlock, threadFileBlocks, varint } from '../helpers/forged-frames.js';
import { CLI, REPO, runCliOk } from '../helpers/run-cli.js';
import { makeTempBase, PYTHON, removeTempBase } from '../helpers/trees.js';

const READ_WALK = join(REPO, 'packages/reader/tools/read_walk.py');
const LONG = Buffer.alloc(60_000, 0x61);
/** A full-attribute file entry named x, every attribute written out (FORMAT.md 7.4). */
const FIRST_ENTRY = [1, 0x78, 1, 0, 0, 0, 0, 0, 0xa4, 0x83, 0x02, 1, 1, 0, 0, 0];
/** A file entry named x whose uid, gid, mode and dev are the previous entry's. */
const NEXT_ENTRY = [1, 0x78, 1, 0, 0, 0x0f, 1, 0, 0, 0];

let base: string;
let walk: string;

beforeAll(async () => {
  base = makeTempBase('path-amplification');
  mkdirSync(join(base, 'tree'));
  writeFileSync(join(base, 'tree', 'f'), 'x');
  walk = join(base, 'walk');
  await runCliOk([join(base, 'tree'), '--out', walk, '--threads', '1', '--quiet']);
});
afterAll(() => removeTempBase(base));

/** `entries` entries under LONG/a: all under one header, or (`siblings`) each under a header of its own, LONG/a and LONG/b in turn. */
function longPathItems(entries: number, siblings: boolean): number[] {
  const items = [0x49, 0, ...varint(LONG.length + 2), ...LONG, 0x2f, 0x61, 2, ...FIRST_ENTRY];
  for (let i = 1; i < entries; i++) {
    if (siblings) items.push(0x49, ...varint(LONG.length + 1), 1, i % 2 === 1 ? 0x62 : 0x61, 2, ...NEXT_ENTRY);
    else items.push(0x09, ...NEXT_ENTRY);
  }
  return items;
}

/** `command` over the walk with `items` (`records` records) appended as one block: its exit code, output lines, problem lines and peak RSS. */
function readForged(command: string, items: number[], records: number): { code: number; lines: number; problems: string[]; rssMiB: number } {
  const dir = join(base, 'forged');
  rmSync(dir, { recursive: true, force: true });
  cpSync(walk, dir, { recursive: true });
  const file = join(dir, 'thread_0.bin');
  writeFileSync(file, Buffer.concat([readFileSync(file), frameBlock(Buffer.from(items), records)]));
  const r = spawnSync('/usr/bin/time', ['-f', 'rss %M', process.execPath, CLI, command, dir], { encoding: 'latin1', maxBuffer: 4 << 30, timeout: 50_000 });
  const stderr = r.stderr.split('\n').filter((l) => l !== '');
  const rss = stderr.find((l) => l.startsWith('rss '))!;
  return {
    code: r.status!,
    lines: r.stdout.split('\n').filter((l) => l !== '').length,
    problems: stderr.filter((l) => l.includes('PWALK_')),
    rssMiB: Number(rss.slice(4)) / 1024,
  };
}

/** The records read_walk.py yields from the forged folder, and its problem lines. */
function pythonRead(): { records: number; problems: string[] } {
  const r = spawnSync(PYTHON, ['-B', READ_WALK, '--skip-corrupt', join(base, 'forged')], { encoding: 'latin1', maxBuffer: 4 << 30 });
  expect(r.status, r.stderr).toBe(0);
  return { records: r.stdout.split('\n').filter((l) => l !== '').length, problems: r.stderr.split('\n').filter((l) => l !== '') };
}

it.each([
  ['entries under one header', false],
  ['sibling headers', true],
])('%s whose paths join to over 1 GB from under 400 KB are refused as CORRUPT_RECORD; the other records are read', (_label, siblings) => {
  for (const command of ['find', 'cat']) {
    const r = readForged(command, longPathItems(20_000, siblings), 20_000);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(
      /PWALK_CORRUPT_RECORD: record \d+: the block's paths join to more than 128 bytes per payload byte and 64 MiB \(\S+thread_0\.bin at byte \d+\)$/,
    );
    // The tree's root and f, nothing of the forged block.
    expect(r.lines).toBe(2);
    expect(r.code).toBe(1);
    expect(r.rssMiB).toBeLessThan(400);
  }
  const py = pythonRead();
  expect(py.records).toBe(2);
  expect(py.problems).toHaveLength(1);
  expect(py.problems[0]).toMatch(/PWALK_CORRUPT_RECORD: record \d+: the block's paths join to more than 128 bytes per payload byte and 64 MiB/);
});

it('a deep block under the bound (1,000 entries under a 60 KB path: 60 MB of paths) is read whole by both readers', () => {
  const r = readForged('find', longPathItems(1000, false), 1000);
  expect(r.problems).toEqual([]);
  expect(r.lines).toBe(1002);
  expect(pythonRead()).toEqual({ records: 1002, problems: [] });
});

it('a real directory 30 KB deep with 5,000 files: the walker ends its blocks before the bound; every record is read, the inodes find lists', async () => {
  const tree = join(base, 'deep');
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree);
  // 250-byte names to past 30 KB (openat: past PATH_MAX), then 5,000 files there: one block of them would join 150 MB of paths.
  const made = spawnSync(
    PYTHON,
    [
      '-c',
      `
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(120):
    name = b"%03d" % i + b"d" * 247
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
for i in range(5000):
    os.close(os.open(b"f%04d" % i, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
`,
      tree,
    ],
    { encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  // The paths are 150 MB of output: counted and compared in a pipe, never held here. No name holds a comma.
  const sh = (script: string): string => {
    const r = spawnSync('sh', ['-c', script], { encoding: 'latin1', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  const truth = sh(`find '${tree}' -printf '%i\\n' | sort`);
  expect(truth.split('\n').length - 1).toBe(1 + 120 + 5000);
  for (const threads of ['1', '2']) {
    const out = join(base, `deep-walk-${threads}`);
    await runCliOk([tree, '--out', out, '--threads', threads, '--quiet']);
    expect(sh(`'${process.execPath}' '${CLI}' cat '${out}' --format csv | tail -n +2 | cut -d, -f9 | sort`)).toBe(truth);
    expect(sh(`'${PYTHON}' -B '${READ_WALK}' '${out}' | wc -l`).trim()).toBe(String(1 + 120 + 5000));
    const blocks = readdirSync(out)
      .filter((n) => n.startsWith('thread_'))
      .flatMap((n) => threadFileBlocks(readFileSync(join(out, n))));
    // 5,121 records fit one 1 MiB block by their bytes: the bound alone ended blocks early.
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  }
}, 120_000);
