// `pwalk-ts export WALK --format ncdu -o FILE` read back by Debian's real ncdu
// (`ncdu -e -f FILE -o ROUNDTRIP`, no TTY) and checked against independent truth on a
// hostile tree walked as nobody: every entry against Python's lstat (ground_truth.py),
// the totals of the tree and of every directory against GNU du, and the whole tree
// against ncdu's own export of it (`ncdu -e -o`), names that are not UTF-8 included.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, showPath, type Rec } from './helpers/records.js';
import { nobodyPrefix, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

const NCDU = '/usr/bin/ncdu';
const hasNcdu = existsSync(NCDU);
if (!hasNcdu) console.warn(`ncdu-export: skipped: ${NCDU} is not installed (apt-get install ncdu)`);

/** One ncdu item flattened: its path bytes below the top, its fields but the name. */
interface NcduItem {
  readonly relative: Buffer;
  readonly isDir: boolean;
  readonly fields: Record<string, unknown>;
  readonly children: NcduItem[];
}

/**
 * Parses an ncdu export. ncdu writes names as their raw bytes: the file is read as
 * latin1 (one char per byte) and each name turned back into bytes the same way, so
 * a name's bytes come back exactly ('\u00XX' escapes are below 0x20, one char too).
 */
function readNcdu(file: string): { header: unknown[]; top: NcduItem; topName: Buffer } {
  const doc = JSON.parse(readFileSync(file).toString('latin1')) as unknown[];
  const item = (node: unknown, parent: Buffer | null): NcduItem => {
    const isDir = Array.isArray(node);
    const info = (isDir ? node[0] : node) as Record<string, unknown>;
    const { name, ...fields } = info;
    const nameBytes = Buffer.from(String(name), 'latin1');
    const relative = parent === null ? Buffer.alloc(0) : parent.length === 0 ? nameBytes : Buffer.concat([parent, Buffer.from('/'), nameBytes]);
    const self: NcduItem = { relative, isDir, fields, children: [] };
    if (isDir) for (const child of (node as unknown[]).slice(1)) self.children.push(item(child, relative));
    return self;
  };
  const topName = Buffer.from(String(((doc[3] as unknown[])[0] as { name: string }).name), 'latin1');
  return { header: doc.slice(0, 3), top: item(doc[3], null), topName };
}

function flatten(top: NcduItem): Map<string, NcduItem> {
  const out = new Map<string, NcduItem>();
  const visit = (i: NcduItem): void => {
    const key = i.relative.toString('latin1');
    if (out.has(key)) throw new Error(`${JSON.stringify(key)} is in the export twice`);
    out.set(key, i);
    i.children.forEach(visit);
  };
  visit(top);
  return out;
}

/** ncdu's own sum for a directory: dsize and asize of everything below it, a hard-linked inode once. */
function ncduTotals(dir: NcduItem): { dsize: bigint; asize: bigint } {
  const seen = new Set<string>();
  let dsize = 0n;
  let asize = 0n;
  const visit = (i: NcduItem): void => {
    if (i.fields.hlnkc === true) {
      const key = `${String(i.fields.ino)}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    dsize += BigInt((i.fields.dsize as number | undefined) ?? 0);
    asize += BigInt((i.fields.asize as number | undefined) ?? 0);
    i.children.forEach(visit);
  };
  visit(dir);
  return { dsize, asize };
}

/** `du -s` of one path as nobody (the walk's view), in bytes: allocated (-B1) or apparent (-b). */
function duAsNobody(path: Buffer, apparent: boolean): bigint {
  // The path goes in on stdin (--files0-from): an argument would have to be a string, and a name that is not UTF-8 is not one.
  const r = spawnSync('setpriv', [...nobodyPrefix(), 'du', '-s', apparent ? '-b' : '-B1', '--files0-from=-'], {
    input: Buffer.concat([path, Buffer.from([0])]),
  });
  // du exits 1 for the unreadable folder it reports: its sum of the rest still stands.
  return BigInt(r.stdout.toString('latin1').split('\t')[0]!);
}

function nobodyId(which: '-u' | '-g'): number {
  return Number(execFileSync('id', [which, 'nobody'], { encoding: 'utf8' }).trim());
}

const S_IFMT = 0o170000n;
const S_IFREG = 0o100000n;
const S_IFDIR = 0o040000n;

let base: string;
let tree: string;
let truth: Rec[];
let ours: ReturnType<typeof readNcdu>;
let roundTrip: ReturnType<typeof readNcdu>;
let reference: ReturnType<typeof readNcdu>;

describe.skipIf(!hasNcdu)('export --format ncdu, read back by ncdu', () => {
  beforeAll(async () => {
    base = makeTempBase('ncdu');
    tree = join(base, 'tree');
    // Hostile names (not UTF-8, newline, ESC sequences, quotes, backslash), hard links in
    // one folder and across folders, a symlink, a FIFO, a sparse file, a folder nobody
    // can read with a file in it, siblings whose names sort around '/' ('a b', 'a.txt', 'a-').
    py(
      String.raw`
import os, sys
root = os.fsencode(sys.argv[1])
def p(*parts): return os.path.join(root, *parts)
def touch(path, data=b""):
    with open(path, "wb") as f: f.write(data)
os.makedirs(p(b"a", b"deep", b"er"))
touch(p(b"a", b"deep", b"er", b"f"), b"x" * 9000)
touch(p(b"a b"), b"y" * 5000)
touch(p(b"a.txt"), b"z")
os.makedirs(p(b"a-", b"in"))
touch(p(b"a-", b"in", b"g"), b"g" * 70000)
os.makedirs(p(b"bad\xff\xfe dir"))
touch(p(b"bad\xff\xfe dir", b"\xe9t\xe9 latin1"), b"l" * 3)
touch(p(b"nl\nname\x1b[31m red"), b"e" * 10)
touch(p(b'q"\\'), b"q")
touch(p(b"links1"), b"h" * 12345)
os.link(p(b"links1"), p(b"links2"))
os.link(p(b"links1"), p(b"a", b"deep", b"links3"))
os.symlink(b"a", p(b"sym"))
os.mkfifo(p(b"fifo"))
with open(p(b"sparse"), "wb") as f: f.truncate(5 * 1024 * 1024 * 1024)
os.makedirs(p(b"locked", b"hidden"))
touch(p(b"locked", b"secret"), b"s" * 100)
os.chmod(p(b"locked"), 0o700)
for d in [p(), p(b"a"), p(b"a", b"deep"), p(b"a", b"deep", b"er"), p(b"a-"), p(b"a-", b"in"), p(b"bad\xff\xfe dir")]: os.chmod(d, 0o755)
`,
      tree,
    );
    const walk = join(base, 'walk');
    mkdirSync(walk);
    chownSync(walk, nobodyId('-u'), nobodyId('-g'));
    await runCliOk([tree, '--out', walk, '--quiet'], { asNobody: true }, 1);
    const file = join(base, 'tree.ncdu.json');
    const r = await runCli(['export', walk, '--format', 'ncdu', '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/items -> .*browse with: ncdu -f /);
    ours = readNcdu(file);
    const rt = join(base, 'roundtrip.json');
    execFileSync(NCDU, ['--ignore-config', '-e', '-0', '-f', file, '-o', rt], { stdio: 'pipe' });
    roundTrip = readNcdu(rt);
    const ref = join(walk, 'reference.json'); // nobody's folder
    execFileSync('setpriv', [...nobodyPrefix(), NCDU, '--ignore-config', '-e', '-0', '-o', ref, tree], { stdio: 'pipe', env: { ...process.env, HOME: base } });
    reference = readNcdu(ref);
    truth = groundTruth(tree, { asNobody: true }).entries;
  }, 60_000);

  afterAll(() => removeTempBase(base));

  it('is format 1.2 with the walk root as the top name', () => {
    expect(ours.header.slice(0, 2)).toEqual([1, 2]);
    expect(ours.topName.toString()).toBe(tree);
  });

  it('ncdu reads it back with every entry, each as lstat saw it', () => {
    const items = flatten(roundTrip.top);
    const problems: string[] = [];
    const root = Buffer.from(tree);
    const expectedKeys = new Set<string>();
    for (const rec of truth) {
      const relative = rec.pathBytes.length === root.length ? Buffer.alloc(0) : rec.pathBytes.subarray(root.length + 1);
      const key = relative.toString('latin1');
      expectedKeys.add(key);
      const item = items.get(key);
      if (item === undefined) {
        problems.push(`missing ${showPath(rec.pathBytes)}`);
        continue;
      }
      const f = item.fields;
      const want: Record<string, unknown> = {
        asize: rec.size === 0n ? undefined : Number(rec.size),
        dsize: rec.blocks === 0n ? undefined : Number(rec.blocks! * 512n),
        uid: Number(rec.uid),
        gid: Number(rec.gid),
        mode: Number(rec.mode),
        mtime: Number(rec.mtime),
      };
      const isDir = (rec.mode! & S_IFMT) === S_IFDIR;
      if (!isDir && rec.nlink! > 1n) Object.assign(want, { ino: Number(rec.inode), hlnkc: true, nlink: Number(rec.nlink) });
      if (!isDir && (rec.mode! & S_IFMT) !== S_IFREG) want.notreg = true;
      for (const [k, v] of Object.entries(want)) if (f[k] !== v) problems.push(`${showPath(rec.pathBytes)}: ${k} ${String(f[k])}, lstat ${String(v)}`);
      if (item.isDir !== isDir) problems.push(`${showPath(rec.pathBytes)}: directory ${item.isDir}, lstat ${isDir}`);
    }
    for (const key of items.keys()) if (!expectedKeys.has(key)) problems.push(`extra ${JSON.stringify(key)}`);
    expect(problems).toEqual([]);
    expect(items.size).toBe(truth.length);
  });

  it('marks the folder the walk could not read, as ncdu does', () => {
    expect(flatten(roundTrip.top).get('locked')?.fields.read_error).toBe(true);
    expect(flatten(reference.top).get('locked')?.fields.read_error).toBe(true);
  });

  it('totals of the tree and of every directory equal du (hard links once)', () => {
    const problems: string[] = [];
    for (const item of flatten(roundTrip.top).values()) {
      if (!item.isDir) continue;
      const path = item.relative.length === 0 ? Buffer.from(tree) : Buffer.concat([Buffer.from(tree + '/'), item.relative]);
      const sums = ncduTotals(item);
      const du = { dsize: duAsNobody(path, false), asize: duAsNobody(path, true) };
      if (sums.dsize !== du.dsize || sums.asize !== du.asize) problems.push(`${showPath(path)}: ncdu ${sums.dsize}/${sums.asize}, du ${du.dsize}/${du.asize}`);
    }
    expect(problems).toEqual([]);
    expect(ncduTotals(roundTrip.top).asize).toBeGreaterThan(5n * 1024n ** 3n);
  });

  it('is the tree ncdu itself exports: same nesting, same fields for every entry', () => {
    const mine = flatten(ours.top);
    const theirs = flatten(reference.top);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    const problems: string[] = [];
    for (const [key, item] of theirs) {
      const other = mine.get(key)!;
      // The top directory's own atime-free fields can move while ncdu reads it: both read it as nobody, after the walk.
      if (JSON.stringify(sortKeys(other.fields)) !== JSON.stringify(sortKeys(item.fields)) || other.isDir !== item.isDir) {
        problems.push(`${JSON.stringify(key)}: ours ${JSON.stringify(other.fields)}, ncdu ${JSON.stringify(item.fields)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('--one-file-system: a mount point not entered is excluded "othfs" with ncdu -x\'s fields; --max-depth: the deepest directories are excluded "pattern"', async () => {
    const root = join(base, 'mounts');
    const mnt = join(root, 'mnt');
    mkdirSync(join(root, 'deep', 'er'), { recursive: true });
    writeFileSync(join(root, 'deep', 'er', 'f'), 'x'.repeat(3000));
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'pwalk-test-ncdu', mnt]);
    try {
      writeFileSync(join(mnt, 'inside'), 'y'.repeat(5000));
      await runCliOk([root, '--out', join(base, 'xdev-walk'), '--one-file-system', '--quiet']);
      await runCliOk(['export', join(base, 'xdev-walk'), '--format', 'ncdu', '-o', join(base, 'xdev.json'), '--quiet']);
      execFileSync(NCDU, ['--ignore-config', '-x', '-e', '-0', '-o', join(base, 'xdev-ref.json'), root], { stdio: 'pipe' });
      const mine = flatten(readNcdu(join(base, 'xdev.json')).top);
      const theirs = flatten(readNcdu(join(base, 'xdev-ref.json')).top);
      expect(mine.get('mnt')?.fields.excluded).toBe('othfs');
      const fields = (items: Map<string, NcduItem>) => [...items].map(([k, i]) => [k, sortKeys(i.fields)]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      expect(fields(mine)).toEqual(fields(theirs));
    } finally {
      execFileSync('umount', [mnt]);
    }
    await runCliOk([root, '--out', join(base, 'depth-walk'), '--max-depth', '1', '--quiet']);
    await runCliOk(['export', join(base, 'depth-walk'), '--format', 'ncdu', '-o', join(base, 'depth.json'), '--quiet']);
    const shallow = flatten(readNcdu(join(base, 'depth.json')).top);
    expect([...shallow.keys()].sort()).toEqual(['', 'deep', 'mnt']);
    expect([shallow.get('deep')?.fields.excluded, shallow.get('deep')?.children]).toEqual(['pattern', []]);
  });

  it('an existing FILE is refused without --force; on a full disk: one line, exit 2, neither the file nor a temporary file left', async () => {
    const existing = join(base, 'tree.ncdu.json');
    const before = readFileSync(existing);
    const again = await runCli(['export', join(base, 'walk'), '--format', 'ncdu', '-o', existing]);
    expect([again.code, again.stderr]).toEqual([2, `pwalk-ts: export: ${existing} exists (use --force to replace it)\n`]);
    expect(readFileSync(existing)).toEqual(before);
    // A walk whose export (about 40 KB) cannot fit a 4 KB tmpfs.
    const many = join(base, 'many');
    py(`import os,sys\nos.makedirs(sys.argv[1])\nfor i in range(400): open(os.path.join(sys.argv[1],'file-%04d'%i),'wb').close()`, many);
    await runCliOk([many, '--out', join(base, 'many-walk'), '--quiet']);
    const full = join(base, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'pwalk-test-ncdu-full', full]);
    try {
      const r = await runCli(['export', join(base, 'many-walk'), '--format', 'ncdu', '-o', join(full, 'tree.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^pwalk-ts: export: cannot write \S+: no space left on device \(ENOSPC\)\n$/);
      expect(readdirSync(full)).toEqual([]);
    } finally {
      execFileSync('umount', [full]);
    }
  });

  it('refuses parquet-only flags with one line, exit 2', async () => {
    const r = await runCli(['export', join(base, 'walk'), '--format', 'ncdu', '--errors', '-o', join(base, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pwalk-ts: --errors is for --format parquet: an ncdu export marks unreadable entries itself\n');
  });
});

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
