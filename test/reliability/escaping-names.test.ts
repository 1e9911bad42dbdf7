// Names and directory paths that leave their directory (FORMAT.md 7.3, 7.4): a forged
// block's name holding '/', '.', '..' or nothing, or a header whose path is absolute,
// holds '..' or an empty component, would make cat, find, export and purge's lists
// print or act on paths outside the walk. Each is refused as damage, a one-line
// CORRUPT_RECORD naming the file and the item's offset, and every other record is
// kept; names that merely look odd ('...', '.x') are kept. The Python reader
// (packages/reader/tools/read_walk.py) is the independent judge of both.
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dirEntry, frameBlock, threadFileBlocks, varint } from '../helpers/forged-frames.js';
import { parseNdjson, REPO, runCli, runCliOk } from '../helpers/run-cli.js';
import { makeTempBase, PYTHON, removeTempBase } from '../helpers/trees.js';

const READ_WALK = join(REPO, 'packages/reader/tools/read_walk.py');

let base: string;
let tree: string;
let walk: string;
let rootIno: bigint;
let rootDev: bigint;

beforeAll(async () => {
  base = makeTempBase('escaping-names');
  tree = join(base, 'tree');
  mkdirSync(join(tree, 'a'), { recursive: true });
  writeFileSync(join(tree, 'f'), 'x');
  writeFileSync(join(tree, 'a', 'g'), 'y');
  walk = join(base, 'walk');
  await runCliOk([tree, '--out', walk, '--threads', '1', '--quiet']);
  ({ ino: rootIno, dev: rootDev } = lstatSync(tree, { bigint: true }));
});
afterAll(() => removeTempBase(base));

/** The entry item `name` under a header whose path is `dir`. */
const entryUnder = (dir: string, name: string): number[] => dirEntry({ name, ino: 77, dev: rootDev, dir: { path: dir, ino: rootIno } });

/**
 * An entry under `first`, then `name` under a path front-coded against it: its first
 * `shared` bytes and `suffix` (a header may cut its way into '..' too).
 */
function frontCoded(first: string, shared: number, suffix: string, name: string): [number[], number[]] {
  const item = dirEntry({ name, ino: 78, dev: rootDev });
  const bytes = Buffer.from(suffix);
  return [entryUnder(first, 'n'), [item[0]! | 0x40, shared, ...varint(bytes.length), ...bytes, ...varint(rootIno), ...item.slice(1)]];
}

/** The walk with `items` (`records` records) appended as one block; where the block's items start. */
function forgedWalk(label: string, items: number[], records: number): { dir: string; itemsAt: number } {
  const dir = join(base, label);
  rmSync(dir, { recursive: true, force: true });
  cpSync(walk, dir, { recursive: true });
  const file = join(dir, 'thread_0.bin');
  const original = readFileSync(file);
  writeFileSync(file, Buffer.concat([original, frameBlock(Buffer.from(items), records)]));
  return { dir, itemsAt: original.length + 16 };
}

/** The relative paths `cat` prints, sorted, and its problem lines. */
async function catPaths(dir: string): Promise<{ paths: string[]; problems: string[] }> {
  const r = await runCli(['cat', dir, '--format', 'ndjson']);
  const paths = parseNdjson(r.stdout.toString()).map((e) => e.path as string);
  for (const p of paths) expect(p === tree || p.startsWith(`${tree}/`), p).toBe(true);
  const problems = r.stderr
    .toString()
    .split('\n')
    .filter((l) => l !== '' && !l.includes('manifest lists'));
  return { paths: paths.map((p) => (p === tree ? '' : p.slice(tree.length + 1))).sort(), problems };
}

/** The relative paths of the entries read_walk.py yields (as `cat` lists entries, not error records), sorted, and its problem lines. */
function pythonPaths(dir: string): { paths: string[]; problems: string[] } {
  const r = spawnSync(PYTHON, ['-B', READ_WALK, '--skip-corrupt', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const paths = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { relativePathBase64: string; error?: unknown })
    .filter((e) => e.error === undefined)
    .map((e) => Buffer.from(e.relativePathBase64, 'base64').toString());
  return { paths: paths.sort(), problems: r.stderr.split('\n').filter((l) => l !== '') };
}

let originalPaths: string[];

it('the walk as made: both readers agree', async () => {
  originalPaths = (await catPaths(walk)).paths;
  expect(originalPaths).toEqual(['', 'a', 'a/g', 'f']);
  expect(pythonPaths(walk)).toEqual({ paths: originalPaths, problems: [] });
});

it.each([
  ['a name holding /', () => [[], entryUnder('', 'x/../../etc')]],
  ['a name ..', () => [[], entryUnder('a', '..')]],
  ['a name .', () => [[], entryUnder('a', '.')]],
  ['an empty name under a directory', () => [[], entryUnder('a', '')]],
  ['an absolute directory', () => [[], entryUnder('/etc', 'passwd')]],
  ['a directory holding ..', () => [[], entryUnder('a/../..', 'x')]],
  ['a directory holding .', () => [[], entryUnder('a/./b', 'x')]],
  ['a directory holding an empty component', () => [[], entryUnder('a//b', 'x')]],
  ['a directory ending in /', () => [[], entryUnder('a/', 'x')]],
  ['a directory .. front-coded from a/..x', () => frontCoded('a/..x', 4, '', 'x')],
  ['a directory . front-coded from .x/y', () => frontCoded('.x/y', 1, '', 'x')],
  ['a directory ending in / front-coded from a/b', () => frontCoded('a/b', 2, '', 'x')],
  ['a directory abcdef/.. front-coded from abcdef', () => frontCoded('abcdef', 6, '/..', 'x')],
] as [string, () => [number[], number[]]][])('%s is refused as CORRUPT_RECORD at its offset, every other record kept', async (_label, items) => {
  const [before, bad] = items();
  const { dir, itemsAt } = forgedWalk('forged', [...before, ...bad], before.length > 0 ? 2 : 1);
  const offset = new RegExp(`at byte ${itemsAt + before.length}\\)$`);
  const cat = await catPaths(dir);
  expect(cat.paths).toEqual(originalPaths);
  expect(cat.problems).toHaveLength(1);
  expect(cat.problems[0]).toMatch(
    /PWALK_CORRUPT_RECORD: record \d: (name|directory) ".*" is not (one path component|below the root) \(\S+thread_0\.bin at byte \d+\)$/,
  );
  expect(cat.problems[0]).toMatch(offset);
  const py = pythonPaths(dir);
  expect(py.paths).toEqual(originalPaths);
  expect(py.problems).toHaveLength(1);
  expect(py.problems[0]).toMatch(/PWALK_CORRUPT_RECORD: record \d: (name|directory) .* is not (one path component|below the root)/);
  expect(py.problems[0]).toMatch(offset);
});

it("names that only look odd ('...', '.x', '..y') and paths front-coded through long names are kept by both readers", async () => {
  const [first, second] = frontCoded('abcdef', 4, 'xy/z', 'k');
  // Front-coded against abcdxy/z: abcdx and q.
  const [, third] = frontCoded('', 5, 'q', 'l');
  const items = [...entryUnder('a/...', '.x'), ...entryUnder('', '..y'), ...entryUnder('.a/b..', '...'), ...first, ...second, ...third];
  const { dir } = forgedWalk('odd', items, 6);
  const added = ['a/.../.x', '..y', '.a/b../...', 'abcdef/n', 'abcdxy/z/k', 'abcdxq/l'];
  const cat = await catPaths(dir);
  expect(cat.paths).toEqual([...originalPaths, ...added].sort());
  expect(cat.problems).toEqual([]);
  expect(pythonPaths(dir)).toEqual({ paths: cat.paths, problems: [] });
});

it.each([
  ['..', 'docs/a.txt', '../../a.tx'],
  ['absolute', 'docs/sub', '/etc/sub'],
  ['.. at its end', 'data/t.csv', 'data/xx/..'],
])('a format-1 record whose path is %s is refused as CORRUPT_RECORD by both readers, the other blocks read', async (_label, from, to) => {
  const dir = join(base, 'format1');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(REPO, 'test/fixtures/format1/walk'), dir, { recursive: true });
  let forged = 0;
  for (const name of ['thread_0.bin', 'thread_1.bin']) {
    const file = readFileSync(join(dir, name));
    const blocks = threadFileBlocks(file).map((b) => {
      const at = b.payload.indexOf(from);
      if (at < 0) return frameBlock(b.payload, b.records);
      forged++;
      const payload = Buffer.from(b.payload);
      payload.write(to, at, 'latin1');
      return frameBlock(payload, b.records);
    });
    writeFileSync(join(dir, name), Buffer.concat([file.subarray(0, 64), ...blocks]));
  }
  expect(forged).toBe(1);
  const r = await runCli(['cat', dir, '--format', 'ndjson']);
  const root = '/tmp/i13-fix/tree';
  const paths = parseNdjson(r.stdout.toString()).map((e) => e.path as string);
  for (const p of paths) expect(p === root || p.startsWith(`${root}/`), p).toBe(true);
  const problems = r.stderr
    .toString()
    .split('\n')
    .filter((l) => l.includes('PWALK_'));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/PWALK_CORRUPT_RECORD: record \d+: path ".*" leaves the root \(\S+thread_\d\.bin at byte \d+\)$/);
  const py = pythonPaths(dir);
  expect(py.paths).toEqual(paths.map((p) => (p === root ? '' : p.slice(root.length + 1))).sort());
  expect(py.problems.filter((l) => l.includes('PWALK_CORRUPT_RECORD'))).toHaveLength(1);
  expect(py.problems.find((l) => l.includes('PWALK_CORRUPT_RECORD'))).toMatch(/leaves the root/);
});
