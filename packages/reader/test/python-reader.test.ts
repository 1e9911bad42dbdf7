// Cross-checks the TypeScript reader with tools/read_walk.py, the stdlib Python reader
// written from FORMAT.md alone: on a real walk of an awkward tree, on synthetic thread
// files that reach every corner of the record layout, and on cut and bit-flipped copies,
// both must yield the same records, field for field, and report the same problems.
import { spawn, spawnSync } from 'node:child_process';
import type { BigIntStats } from 'node:fs';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_HEADER_SIZE,
  EntryType,
  FILE_HEADER_SIZE,
  RECORD_FIXED_SIZE,
  RecordBuffer,
  RecordFlag,
  RecordOffset,
  Syscall,
  encodeFileHeader,
} from '../src/format/index.js';
import {
  newWalkId,
  openWalk,
  writeManifest,
  readManifest,
  WalkFormatError,
  type WalkEntry,
  type WalkEntryError,
  type WalkManifestInput,
} from '../src/index.js';
import { startWalk } from '../../walker/dist/index.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'read_walk.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const MANIFEST = 'manifest.msgpack';
const NS = 1_000_000_000n;
const M64 = 2n ** 64n - 1n;
const M32 = 0xffffffffn;
const EMPTY = Buffer.alloc(0);

// ------------------------------------------------------------------ the two readers

type Rec = Record<string, unknown>;
interface Reading {
  entries: Rec[];
  errors: Rec[];
  /** "CODE file@offset" for every problem reported without stopping. */
  problems: string[];
  /** Code of the error that stopped reading, if one did. */
  fatal: string | null;
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const str = (v: number | bigint | null): string | null => (v === null ? null : String(v));

function tsEntry(e: WalkEntry): Rec {
  return {
    relativePathBase64: b64(e.relativePathBytes),
    pathBase64: b64(e.pathBytes),
    depth: str(e.depth),
    type: e.type,
    inode: str(e.inode),
    parentInode: str(e.parentInode),
    size: str(e.size),
    mtime: str(e.mtime),
    blocks: str(e.blocks),
    mode: str(e.mode),
    uid: str(e.uid),
    gid: str(e.gid),
    nlink: str(e.nlink),
    dev: str(e.dev),
    atime: str(e.atime),
    ctime: str(e.ctime),
  };
}

function tsError(e: WalkEntryError): Rec {
  return {
    relativePathBase64: b64(e.relativePathBytes),
    pathBase64: b64(e.pathBytes),
    depth: str(e.depth),
    type: e.type,
    inode: str(e.inode),
    parentInode: str(e.parentInode),
    error: { syscall: e.syscall, code: e.code },
  };
}

const problemKey = (code: string, file: string | undefined, offset: number | string | undefined): string =>
  `${code} ${file === undefined ? '' : basename(file)}@${offset ?? ''}`;

async function readTs(dir: string, onCorrupt: 'throw' | 'skip'): Promise<Reading> {
  const failure = (err: unknown): string => {
    if (err instanceof WalkFormatError) return err.code;
    throw err;
  };
  let walk;
  try {
    // Lenient reading is lenient from the open on (FORMAT.md section 1), as read_walk.py --skip-corrupt.
    walk = await openWalk(dir, { onCorrupt });
  } catch (err) {
    return { entries: [], errors: [], problems: [], fatal: failure(err) };
  }
  const entries: Rec[] = [];
  const errors: Rec[] = [];
  let fatal: string | null = null;
  let fatalOfErrors: string | null = null;
  try {
    for await (const e of walk.records({ onCorrupt })) entries.push(tsEntry(e));
  } catch (err) {
    fatal = failure(err);
  }
  try {
    for await (const e of walk.errors({ onCorrupt })) errors.push(tsError(e));
  } catch (err) {
    fatalOfErrors = failure(err);
  }
  expect(fatalOfErrors, `${dir}: records() and errors() stop alike`).toBe(fatal);
  return { entries, errors, problems: walk.problems.map((p) => problemKey(p.code, p.file, p.offset)), fatal };
}

function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-B', SCRIPT, ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** JSON whose integers (exact, any size) become strings, as the TS side's bigints and numbers do. */
function parseExact(line: string): Rec {
  return JSON.parse(line.replace(/(":\s*)(-?\d+)(?=\s*[,}\]])/g, '$1"$2"')) as Rec;
}

const PROBLEM_LINE = /^read_walk: (PWALK_[A-Z_]+): (?:.*?)(?: \(([^()]*?)(?: at byte (\d+))?\))?$/;

async function readPy(dir: string, onCorrupt: 'throw' | 'skip'): Promise<Reading> {
  const run = await runPython(onCorrupt === 'skip' ? ['--skip-corrupt', dir] : [dir]);
  if (run.status !== 0 && run.status !== 2) throw new Error(`read_walk.py exited ${run.status}: ${run.stderr}`);
  const entries: Rec[] = [];
  const errors: Rec[] = [];
  for (const line of run.stdout.split('\n')) {
    if (line === '') continue;
    const rec = parseExact(line);
    (rec.error === undefined ? entries : errors).push(rec);
  }
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  const parsed = lines.map((l) => {
    const m = PROBLEM_LINE.exec(l);
    if (m === null) throw new Error(`read_walk.py printed an unexpected line: ${l}\n${run.stderr}`);
    return { code: m[1]!, key: problemKey(m[1]!, m[2], m[3]) };
  });
  const fatal = run.status === 2 ? parsed.pop() : undefined;
  if (run.status === 2 && fatal === undefined) throw new Error(`read_walk.py exited 2 without an error: ${run.stderr}`);
  return { entries, errors, problems: parsed.map((p) => p.key), fatal: fatal?.code ?? null };
}

function expectSameRecords(py: Rec[], ts: Rec[], label: string): void {
  const n = Math.min(py.length, ts.length);
  for (let i = 0; i < n; i++) if (!isDeepStrictEqual(py[i], ts[i])) expect(py[i], `${label} #${i} (python vs ts)`).toEqual(ts[i]);
  expect(py.length, `${label}: count (python vs ts)`).toBe(ts.length);
}

/** Reads `dir` with both readers and expects the same records, problems and stop. */
async function crossCheck(dir: string, onCorrupt: 'throw' | 'skip' = 'throw'): Promise<Reading> {
  const [py, ts] = await Promise.all([readPy(dir, onCorrupt), readTs(dir, onCorrupt)]);
  const label = `${basename(dir)} (${onCorrupt})`;
  expect(py.fatal, `${label}: error that stopped reading`).toBe(ts.fatal);
  expect(py.problems, `${label}: problems`).toEqual(ts.problems);
  expectSameRecords(py.entries, ts.entries, `${label}: entries`);
  expectSameRecords(py.errors, ts.errors, `${label}: error records`);
  return ts;
}

async function crossCheckAll(cases: { dir: string; mode: 'throw' | 'skip' }[]): Promise<Reading[]> {
  const results: Reading[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await crossCheck(cases[i]!.dir, cases[i]!.mode);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

const byRel = (r: Reading, rel: string | Buffer): Rec | undefined => r.entries.find((e) => e.relativePathBase64 === Buffer.from(rel).toString('base64'));

// ------------------------------------------------------------------ synthetic walk folders

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'pwalk-pyreader-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function freshDir(p: string): string {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
  return p;
}

function st(over: Partial<Record<keyof BigIntStats, bigint>>): BigIntStats {
  return {
    ino: 11n,
    size: 3n,
    mode: 0o100644n,
    uid: 1000n,
    gid: 100n,
    nlink: 1n,
    blocks: 8n,
    dev: 2049n,
    atimeNs: 1_700_000_100n * NS,
    mtimeNs: 1_700_000_000n * NS + 5n,
    ctimeNs: 1_700_000_000n * NS,
    ...over,
  } as unknown as BigIntStats;
}

interface ThreadSpec {
  name: string;
  thread: number;
  fullAttrs: boolean;
  capacity: number;
  fill: (rb: RecordBuffer) => void;
}

function writeThread(dir: string, walkId: string, spec: ThreadSpec): { name: string; records: number; blocks: number } {
  const fd = openSync(join(dir, spec.name), 'w');
  writeSync(fd, encodeFileHeader({ version: 1, walkId, thread: spec.thread, fullAttrs: spec.fullAttrs, blockCapacity: spec.capacity }));
  let records = 0;
  let blocks = 0;
  const rb = new RecordBuffer(
    (block, count) => {
      writeSync(fd, block);
      records += count;
      blocks++;
    },
    { capacity: spec.capacity, fullAttrs: spec.fullAttrs },
  );
  spec.fill(rb);
  rb.flush();
  closeSync(fd);
  return { name: spec.name, records, blocks };
}

function manifestOf(walkId: string, names: string[], over: Partial<WalkManifestInput> = {}): WalkManifestInput {
  return {
    formatVersion: 1,
    walkId,
    tool: { name: 'pwalk-ts', version: 'test', node: process.version },
    root: Buffer.from('/r'),
    rootAbsolute: Buffer.from('/r'),
    host: 'h',
    user: { uid: 0, name: 'root' },
    pid: 1,
    options: { threads: names.length, compact: false, exclude: [], oneFileSystem: false, snapshots: true, maxDepth: null },
    startTime: 1_700_000_000_000.5,
    endTime: 1_700_000_001_000,
    status: 'complete',
    message: null,
    files: names.map((name, thread) => ({ name, thread, host: 'h', records: 0, errors: 0, blocks: 0, bytes: 0 })),
    totals: { entries: 0, dirs: 0, files: 0, errors: 0, bytes: 2n ** 60n + 5n },
    ...over,
  };
}

/** Every corner of the record layout: all types, 64-bit values at the edges, PATH32, error records. */
function fillVariety(rb: RecordBuffer, longPaths = true): void {
  let ino = 100n;
  const entry = (over: Partial<Record<keyof BigIntStats, bigint>>, type: number, prefix: string | Buffer, name: string | Buffer): void =>
    rb.appendBigStats(st({ ino: ino++, ...over }), type, 2n, Buffer.from(prefix), name);
  rb.appendBigStats(st({ ino: 2n, mode: 0o40755n }), EntryType.dir, 0n, EMPTY, ''); // the root's own record
  const types: [string, number, bigint][] = [
    ['f', EntryType.file, 0o100644n],
    ['d', EntryType.dir, 0o40755n],
    ['l', EntryType.symlink, 0o120777n],
    ['p', EntryType.fifo, 0o10644n],
    ['s', EntryType.socket, 0o140755n],
    ['c', EntryType.char, 0o20666n],
    ['b', EntryType.block, 0o60660n],
    ['u', EntryType.unknown, 0o170000n],
  ];
  for (const [name, type, mode] of types) entry({ mode }, type, 'types/', name);
  rb.appendError(0, 5n, EntryType.unknown, Syscall.lstat, 'EACCES', Buffer.from('docs/'), 'x');
  for (const size of [0n, 1n, M32 - 1n, M32, M32 + 1n, 5n * 2n ** 30n, 2n ** 53n + 1n, M64]) entry({ size }, EntryType.file, 'sizes/', `s${size}`);
  rb.appendError(M64, M64, EntryType.dir, Syscall.scandir, 'EIO', Buffer.from('deep/er/'), 'dir');
  const seconds = [0n, 1n, M32, M32 + 1n, 5_000_000_000n, -1n, -1_000_000_001n, -(2n ** 40n), 2n ** 52n, -(2n ** 52n)];
  for (const s of seconds) {
    entry({ mtimeNs: s * NS + 999_999_999n, atimeNs: -s * NS - 1n, ctimeNs: s * NS }, EntryType.file, 'times/', `t${s}`);
  }
  entry({ mtimeNs: -1n }, EntryType.file, 'times/', 'just-before-1970');
  rb.appendError(7n, 3n, EntryType.dir, Syscall.open, 'EMFILE', Buffer.from('a/'), 'b');
  entry({ ino: M64, dev: M64, blocks: M64, uid: M32, gid: M32, mode: M32, nlink: M32 }, EntryType.file, 'ids/', 'max');
  entry({ ino: 0n, dev: 0n, blocks: 0n, uid: 0n, gid: 0n, mode: 0n, nlink: 0n }, EntryType.file, 'ids/', 'zero');
  rb.appendBigStats(st({ ino: 2n ** 63n }), EntryType.file, M64, Buffer.from('ids/'), 'parent-max');
  rb.appendError(0, 0, EntryType.unknown, 0, '', EMPTY, ''); // syscall 0, empty code, empty path
  rb.appendError(0, 1n, EntryType.file, 200, '\u00c9\u00ff-latin1', Buffer.from('odd/'), 'syscall-200');
  rb.appendError(0, 1n, EntryType.unknown, Syscall.lstat, 'E'.repeat(300), Buffer.from('odd/'), 'long-code');
  // Path bytes that are not UTF-8, with a newline and a NUL.
  entry({}, EntryType.file, Buffer.from([0x6e, 0xff, 0xfe, 0x2f]), Buffer.from([0x80, 0x0a, 0x00, 0xc3, 0x28]));
  // Path lengths around the u16 sentinel, and one with every extension at once.
  entry({}, EntryType.file, 'long/', Buffer.alloc(0xffff - 5, 0x62)); // 65535 bytes: PATH32
  if (longPaths) {
    entry({}, EntryType.file, 'long/', Buffer.alloc(0xfffe - 5, 0x61)); // 65534 bytes: u16 length
    entry({ size: M64, mtimeNs: -(2n ** 40n) * NS }, EntryType.file, 'long/x/y/', Buffer.alloc(70_000, 0x63));
    rb.appendError(0, 9n, EntryType.unknown, Syscall.lstat, 'ENAMETOOLONG', Buffer.from('long/'), Buffer.alloc(70_000, 0x2f));
  }
  for (let i = 0; i < 60; i++) entry({ size: BigInt(i * 977), mtimeNs: BigInt(i) * 86_400n * NS }, EntryType.file, 'many/', `m${i}`);
}

/** Uniform records: full attributes, 8-byte names, 28 + 48 + 8 = 84 bytes each. */
const UNIFORM_RECORD = RECORD_FIXED_SIZE + 48 + 8;
function fillUniform(rb: RecordBuffer): void {
  for (let i = 0; i < 150; i++) {
    rb.appendBigStats(st({ ino: BigInt(1000 + i), size: BigInt(i) }), EntryType.file, 2n, EMPTY, `f${String(i).padStart(7, '0')}`);
  }
}

/** Offsets of the blocks of a thread file. */
function blockStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (let off = FILE_HEADER_SIZE; off + BLOCK_HEADER_SIZE <= bytes.length; off += BLOCK_HEADER_SIZE + bytes.readUInt32LE(off + 4)) starts.push(off);
  return starts;
}

/** A walk folder holding `files` (name -> bytes) and, unless null, this manifest. */
function folder(name: string, files: Record<string, Buffer>, manifest: Buffer | null): string {
  const dir = freshDir(join(base, name));
  for (const [n, b] of Object.entries(files)) writeFileSync(join(dir, n), b);
  if (manifest !== null) writeFileSync(join(dir, MANIFEST), manifest);
  return dir;
}

/** Deterministic pseudo-random offsets. */
function sample(count: number, below: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % below;
  });
}

// ------------------------------------------------------------------ (a) a real walk

describe('a real walk of an awkward tree', () => {
  let tree: string;
  let server: Server;
  const outs: { full?: string; compact?: string } = {};

  beforeAll(async () => {
    tree = join(base, 'tree');
    const p = (...parts: (string | Buffer)[]): Buffer => Buffer.concat([Buffer.from(tree), ...parts.flatMap((x) => [Buffer.from('/'), Buffer.from(x)])]);
    mkdirSync(tree);
    writeFileSync(p('plain.txt'), 'hello\n');
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]);
    writeFileSync(p(bad), 'not utf-8\n');
    mkdirSync(p(Buffer.from([0x64, 0x69, 0x72, 0xc3, 0x28])));
    writeFileSync(p(Buffer.from([0x64, 0x69, 0x72, 0xc3, 0x28]), Buffer.from([0x80, 0x0a])), 'x');
    const fd = openSync(p('sparse.bin'), 'w');
    ftruncateSync(fd, 5 * 2 ** 30);
    closeSync(fd);
    writeFileSync(p('old.txt'), 'old');
    utimesSync(p('old.txt'), new Date(-1e12 - 500), new Date(-1e12 - 500));
    writeFileSync(p('just-before-1970.txt'), '');
    utimesSync(p('just-before-1970.txt'), new Date(-1), new Date(-1));
    writeFileSync(p('future.txt'), 'future');
    utimesSync(p('future.txt'), new Date(6e12 + 250), new Date(5e12 + 250));
    // Node has no mkfifo.
    const mkfifo = spawnSync(PYTHON, ['-c', 'import os, sys; os.mkfifo(sys.argv[1])', p('fifo').toString()], { encoding: 'utf8' });
    expect(mkfifo.status, mkfifo.stderr).toBe(0);
    symlinkSync('plain.txt', p('link-to-file'));
    symlinkSync('no/such/target', p('dangling'));
    mkdirSync(p('sub'));
    symlinkSync('../sub', p('sub', 'loop'));
    lutimesSync(p('dangling'), new Date(-5000), new Date(-5000));
    writeFileSync(p('hard-a'), 'same inode');
    linkSync(p('hard-a'), p('sub', 'hard-b'));
    mkdirSync(p('sub', 'many'));
    for (let i = 0; i < 200; i++) writeFileSync(p('sub', 'many', `file-${i}`), String(i));
    server = createServer();
    await new Promise<void>((res) => server.listen(p('socket').toString(), res));

    outs.full = join(base, 'walk-full');
    outs.compact = join(base, 'walk-compact');
    const full = await startWalk({ root: tree, out: outs.full, threads: 2, blockCapacity: 4096 }).result;
    const compact = await startWalk({ root: `${tree}/`, out: outs.compact, threads: 1, compact: true }).result;
    expect([full.status, compact.status]).toEqual(['complete', 'complete']);
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('full attributes: same records, same fields', async () => {
    const ts = await crossCheck(outs.full!);
    expect(ts.problems).toEqual([]);
    expect(ts.errors).toEqual([]);
    expect(readdirSync(outs.full!).filter((n) => n.startsWith('thread_')).length).toBe(2);
    // The tree reaches what it is meant to: SIZE64, MTIME64 both ways, every special type, bytes that are not UTF-8.
    // The root, 13 entries in it, 1 in the non-UTF-8 folder, 3 in sub, 200 in sub/many.
    expect(ts.entries.length).toBe(1 + 13 + 1 + 3 + 200);
    expect(byRel(ts, 'sparse.bin')).toMatchObject({ size: String(5 * 2 ** 30), type: 'file' });
    expect(byRel(ts, 'old.txt')).toMatchObject({ mtime: '-1000000001', atime: '-1000000001' });
    expect(byRel(ts, 'just-before-1970.txt')).toMatchObject({ mtime: '-1' });
    expect(byRel(ts, 'future.txt')).toMatchObject({ mtime: '5000000000', atime: '6000000000' });
    expect(byRel(ts, 'fifo')).toMatchObject({ type: 'fifo' });
    expect(byRel(ts, 'socket')).toMatchObject({ type: 'socket' });
    expect(byRel(ts, 'dangling')).toMatchObject({ type: 'symlink', mtime: '-5' });
    expect(byRel(ts, 'sub/loop')).toMatchObject({ type: 'symlink', depth: '2' });
    expect(byRel(ts, Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]))).toMatchObject({ type: 'file' });
    expect(byRel(ts, Buffer.from([0x64, 0x69, 0x72, 0xc3, 0x28, 0x2f, 0x80, 0x0a]))).toMatchObject({ depth: '2' });
    const a = byRel(ts, 'hard-a')!;
    const b = byRel(ts, 'sub/hard-b')!;
    expect([a.inode, a.nlink]).toEqual([b.inode, '2']);
    expect(byRel(ts, '')).toMatchObject({ type: 'dir', depth: '0', parentInode: '0', pathBase64: Buffer.from(tree).toString('base64') });
  });

  it('compact, root given with a trailing slash: same records, attributes null', async () => {
    const ts = await crossCheck(outs.compact!);
    expect(ts.entries.length).toBeGreaterThan(200);
    expect(byRel(ts, 'plain.txt')).toMatchObject({ uid: null, dev: null, atime: null, pathBase64: Buffer.from(`${tree}/plain.txt`).toString('base64') });
    expect(byRel(ts, '')).toMatchObject({ pathBase64: Buffer.from(`${tree}/`).toString('base64') });
  });

  it('the manifest reads the same', async () => {
    const run = await runPython(['--manifest', outs.full!]);
    expect(run.status, run.stderr).toBe(0);
    const py = parseExact(run.stdout.trim());
    const walk = await openWalk(outs.full!);
    const m = walk.manifest!;
    expect(py).toMatchObject({
      formatVersion: '2',
      walkId: m.walkId,
      status: 'complete',
      root: m.root.toString('base64'),
      rootAbsolute: m.rootAbsolute.toString('base64'),
      totals: { entries: String(m.totals.entries), bytes: String(m.totals.bytes) },
    });
    expect((py.files as Rec[]).map((f) => f.name)).toEqual(m.files.map((f) => f.name));
    expect(py).not.toHaveProperty('reserve');
  });

  it("which files are read: the folder in natural order, the manifest's lost ones, one walk id", async () => {
    const t0 = readFileSync(join(outs.full!, 'thread_0.bin'));
    const t1 = readFileSync(join(outs.full!, 'thread_1.bin'));
    const manifest = readFileSync(join(outs.full!, MANIFEST));
    const other = Buffer.from(t1);
    Buffer.from(newWalkId(), 'hex').copy(other, 16);
    const dirs = {
      // No manifest: natural order puts thread_2 before thread_10; the root is '.'.
      natural: folder('sel-natural', { 'thread_10.bin': t0, 'thread_2.bin': t1, 'thread_x.txt': t0, 'thread_.bin': t0 }, null),
      lost: folder('sel-lost', { 'thread_0.bin': t0 }, manifest),
      strangerNoManifest: folder('sel-stranger', { 'thread_0.bin': t0, 'thread_1.bin': other }, null),
      strangerManifest: folder('sel-stranger-m', { 'thread_0.bin': t0, 'thread_1.bin': other }, manifest),
      empty: folder('sel-empty', { 'thread_0.txt': t0 }, null),
      badName: folder('sel-bad-name', { 'thread_0.bin': t0 }, null),
    };
    // A manifest may only name thread files (FORMAT.md section 5).
    writeManifest(dirs.badName, manifestOf(newWalkId(), ['thread_0.bin', 'other.bin']));
    const [natural, lost, s1, s2, empty, badName] = await crossCheckAll(Object.values(dirs).map((dir) => ({ dir, mode: 'throw' as const })));
    const full = await readTs(outs.full!, 'throw');
    expect(natural!.entries.length).toBe(full.entries.length);
    expect(byRel(natural!, '')!.pathBase64).toBe(Buffer.from('.').toString('base64'));
    expect(lost!.fatal).toBe('PWALK_IO');
    expect([s1!.fatal, s2!.fatal]).toEqual(['PWALK_BAD_HEADER', 'PWALK_BAD_HEADER']);
    expect(empty!.fatal).toBe('PWALK_NOT_A_WALK');
    expect(badName!.fatal).toBe('PWALK_BAD_MANIFEST');
  });

  it('format 2 cut at many offsets and with one bit flipped: the same whole records, the same problems', async () => {
    const t0 = readFileSync(join(outs.full!, 'thread_0.bin'));
    const t1 = readFileSync(join(outs.full!, 'thread_1.bin'));
    const manifest = readFileSync(join(outs.full!, MANIFEST));
    expect(t0.readUInt16LE(8)).toBe(2);
    const cases: { dir: string; mode: 'throw' | 'skip' }[] = [];
    let n = 0;
    const starts = blockStarts(t0);
    expect(starts.length).toBeGreaterThan(1);
    const cuts = new Set<number>();
    for (const b of starts) for (const d of [1, 16, 17, 19, 40]) cuts.add(b + d);
    for (const c of sample(10, t0.length, 3)) cuts.add(c);
    for (const cut of [...cuts].filter((c) => c < t0.length)) {
      const withManifest = n % 2 === 0;
      cases.push({
        dir: folder(`f2-cut-${n++}`, { 'thread_0.bin': t0.subarray(0, cut), 'thread_1.bin': t1 }, withManifest ? manifest : null),
        mode: withManifest ? 'throw' : 'skip',
      });
    }
    for (const at of [...sample(16, t0.length - FILE_HEADER_SIZE, 11), ...starts.map((b) => b - FILE_HEADER_SIZE + 16)]) {
      const bytes = Buffer.from(t0);
      bytes[FILE_HEADER_SIZE + at]! ^= 1 << (at % 8);
      cases.push({ dir: folder(`f2-flip-${n++}`, { 'thread_0.bin': bytes, 'thread_1.bin': t1 }, manifest), mode: n % 2 ? 'throw' : 'skip' });
    }
    const results = await crossCheckAll(cases);
    const codes = new Set(results.flatMap((r) => [r.fatal, ...r.problems.map((p) => p.split(' ')[0])]));
    for (const code of ['PWALK_CORRUPT_BLOCK', 'PWALK_TRUNCATED']) expect(codes, code).toContain(code);
  });

  it('format 2: records a resume set aside (FORMAT.md 7.6) are left out by both readers alike', async () => {
    const full = await readTs(outs.full!, 'throw');
    const dirs = full.entries.filter((e) => e.type === 'dir' && e.relativePathBase64 !== '').map((e) => Buffer.from(String(e.relativePathBase64), 'base64'));
    const dir = folder(
      'f2-set-aside',
      {
        'thread_0.bin': readFileSync(join(outs.full!, 'thread_0.bin')),
        'thread_1.bin': readFileSync(join(outs.full!, 'thread_1.bin')),
      },
      null,
    );
    const setAside = [dirs[0]!, dirs[dirs.length - 1]!, Buffer.alloc(0)];
    const base = readManifest(outs.full!);
    writeManifest(dir, {
      ...base,
      status: 'running',
      endTime: null,
      resumes: [
        {
          startTime: 1,
          endTime: 2,
          setAside: [
            { file: 'thread_0.bin', dirs: setAside },
            { file: 'thread_1.bin', dirs: setAside },
          ],
        },
      ],
    });
    const [aside] = await crossCheckAll([{ dir, mode: 'throw' }]);
    const parentOf = (rel: Buffer): string => {
      const slash = rel.lastIndexOf(0x2f);
      return (slash < 0 ? Buffer.alloc(0) : rel.subarray(0, slash)).toString('latin1');
    };
    const keys = new Set(setAside.map((d) => d.toString('latin1')));
    const kept = full.entries.filter((e) => {
      const rel = Buffer.from(String(e.relativePathBase64), 'base64');
      return rel.length === 0 || !keys.has(parentOf(rel));
    });
    expect(kept.length).toBeLessThan(full.entries.length);
    expect(aside!.entries.length).toBe(kept.length);
  });
});

// ------------------------------------------------------------------ (b) synthetic thread files

describe('synthetic thread files', () => {
  it('64-bit values, PATH32, every type, error records; a running manifest with padding', async () => {
    const dir = freshDir(join(base, 'syn-full'));
    const walkId = newWalkId();
    writeThread(dir, walkId, { name: 'thread_0.bin', thread: 0, fullAttrs: true, capacity: 4096, fill: fillVariety });
    writeThread(dir, walkId, { name: 'thread_1.bin', thread: 1, fullAttrs: true, capacity: 1 << 20, fill: fillUniform });
    // A running manifest lists no files; its root is not UTF-8 and has no trailing slash.
    const root = Buffer.from([0x2f, 0x72, 0xff]);
    writeManifest(dir, manifestOf(walkId, [], { status: 'running', endTime: null, root, rootAbsolute: root }), { reserveBytes: 20_000 });
    const ts = await crossCheck(dir);
    expect(ts.problems).toEqual([]);
    expect(ts.errors.length).toBe(7);
    expect(ts.entries.length).toBe(1 + 8 + 8 + 11 + 3 + 1 + 3 + 60 + 150);
    expect(byRel(ts, 'sizes/s18446744073709551615')).toMatchObject({ size: String(M64) });
    expect(byRel(ts, 'times/t-1099511627776')).toMatchObject({ mtime: '-1099511627776', atime: '1099511627775' });
    expect(byRel(ts, 'ids/max')).toMatchObject({ inode: String(M64), dev: String(M64), blocks: String(M64), nlink: String(M32) });
    const lengths = ts.entries.map((e) => Buffer.from(e.relativePathBase64 as string, 'base64').length);
    expect(lengths.filter((l) => l > 60_000).sort()).toEqual([0xfffe, 0xffff, 70_009]);
    expect(ts.errors.map((e) => e.error)).toContainEqual({ syscall: 'unknown', code: '\u00c9\u00ff-latin1' });
    expect(ts.errors.map((e) => e.error)).toContainEqual({ syscall: 'lstat', code: 'E'.repeat(255) });
    const manifest = await runPython(['--manifest', dir]);
    expect(manifest.status, manifest.stderr).toBe(0);
    expect(parseExact(manifest.stdout)).not.toHaveProperty('reserve');
  });

  it('compact layout without a manifest, files in natural order; a root ending in /', async () => {
    const compact = freshDir(join(base, 'syn-compact'));
    const walkId = newWalkId();
    writeThread(compact, walkId, { name: 'thread_10.bin', thread: 10, fullAttrs: false, capacity: 4096, fill: fillVariety });
    writeThread(compact, walkId, { name: 'thread_2.bin', thread: 2, fullAttrs: false, capacity: 4096, fill: fillUniform });
    const slash = freshDir(join(base, 'syn-slash'));
    writeThread(slash, walkId, { name: 'thread_0.bin', thread: 0, fullAttrs: true, capacity: 4096, fill: fillVariety });
    writeManifest(slash, manifestOf(walkId, ['thread_0.bin'], { root: Buffer.from('r/') }));
    const [c, s] = await crossCheckAll([
      { dir: compact, mode: 'throw' },
      { dir: slash, mode: 'throw' },
    ]);
    expect(c!.entries[0]).toMatchObject({ relativePathBase64: Buffer.from('f0000000').toString('base64'), uid: null, ctime: null });
    expect(byRel(c!, 'sizes/s18446744073709551615')).toMatchObject({ size: String(M64), blocks: null });
    expect(byRel(s!, 'types/f')).toMatchObject({ pathBase64: Buffer.from('r/types/f').toString('base64') });
  });

  it('a failed walk: the file its manifest does not list is read too', async () => {
    const dir = freshDir(join(base, 'syn-failed'));
    const walkId = newWalkId();
    writeThread(dir, walkId, { name: 'thread_0.bin', thread: 0, fullAttrs: true, capacity: 4096, fill: fillUniform });
    writeThread(dir, walkId, { name: 'thread_1.bin', thread: 1, fullAttrs: true, capacity: 4096, fill: fillVariety });
    writeManifest(dir, manifestOf(walkId, ['thread_0.bin'], { status: 'failed', message: 'worker 1 died' }));
    const ts = await crossCheck(dir);
    expect(ts.entries.length).toBe(150 + 95);
  });

  it('byte totals at and past 2^64 (an integer up to 2^64 - 1, decimal digits from 2^64): both readers agree; other strings are refused by both', async () => {
    const totals = [M64, M64 + 1n, 3n * (2n ** 63n - 1n), 2n ** 116n];
    for (const [i, bytes] of totals.entries()) {
      const dir = freshDir(join(base, `syn-total-${i}`));
      writeManifest(dir, manifestOf(newWalkId(), [], { totals: { entries: 3, dirs: 0, files: 3, errors: 0, bytes } }));
      const stored = readFileSync(join(dir, MANIFEST)).includes(Buffer.from(`${bytes}`));
      expect(stored, `${bytes} stored as digits`).toBe(bytes > M64);
      expect((await openWalk(dir)).manifest!.totals.bytes).toBe(bytes);
      const py = await runPython(['--manifest', dir]);
      expect(py.status, py.stderr).toBe(0);
      expect(parseExact(py.stdout.trim()).totals).toMatchObject({ bytes: String(bytes) });
    }
    for (const [i, bytes] of ['0123', '-5', '1e3', ' 7', ''].entries()) {
      const dir = freshDir(join(base, `syn-bad-total-${i}`));
      writeManifest(dir, manifestOf(newWalkId(), [], { totals: { entries: 0, dirs: 0, files: 0, errors: 0, bytes } }));
      await expect(openWalk(dir), bytes).rejects.toMatchObject({ code: 'PWALK_BAD_MANIFEST' });
      const py = await runPython(['--manifest', dir]);
      expect([py.status, py.stderr], bytes).toEqual([2, expect.stringMatching(/PWALK_BAD_MANIFEST.*totals\.bytes/)]);
    }
  });

  it('the folder rule (FORMAT.md section 1): the walk id voted, a manifest or file set aside; strict stops, lenient reads the rest', async () => {
    const [ours, theirs] = [newWalkId(), newWalkId()];
    const spec = (name: string, thread: number): ThreadSpec => ({ name, thread, fullAttrs: true, capacity: 4096, fill: fillUniform });
    const cases: { name: string; build: (dir: string) => void; lenient: { problems: string[]; entries: number } }[] = [
      {
        name: 'foreign-manifest', // three files of one walk outvote another walk's manifest
        build: (dir) => {
          for (const t of [0, 1, 2]) writeThread(dir, ours, spec(`thread_${t}.bin`, t));
          writeManifest(dir, manifestOf(theirs, ['thread_0.bin', 'thread_9.bin']));
        },
        lenient: { problems: ['PWALK_BAD_MANIFEST manifest.msgpack@'], entries: 3 * 150 },
      },
      {
        name: 'tie-to-files', // one file against the manifest: the file wins the tie, its records are read
        build: (dir) => {
          writeThread(dir, theirs, spec('thread_0.bin', 0));
          writeManifest(dir, manifestOf(ours, ['thread_0.bin']));
        },
        lenient: { problems: ['PWALK_BAD_MANIFEST manifest.msgpack@'], entries: 150 },
      },
      {
        name: 'stray-lost-empty', // no manifest vote lost: a stray file, an empty one and a lost one
        build: (dir) => {
          writeThread(dir, ours, spec('thread_0.bin', 0));
          writeThread(dir, theirs, spec('thread_1.bin', 1));
          writeFileSync(join(dir, 'thread_2.bin'), EMPTY);
          writeThread(dir, ours, spec('thread_10.bin', 10));
          writeManifest(dir, manifestOf(ours, ['thread_0.bin', 'thread_3.bin'], { status: 'running', endTime: null }));
        },
        lenient: { problems: ['PWALK_BAD_HEADER thread_2.bin@0', 'PWALK_BAD_HEADER thread_1.bin@16', 'PWALK_IO thread_3.bin@'], entries: 2 * 150 },
      },
    ];
    const dirs = cases.map((c) => {
      const dir = freshDir(join(base, `rule-${c.name}`));
      c.build(dir);
      return dir;
    });
    const results = await crossCheckAll(
      dirs.flatMap((dir) => [
        { dir, mode: 'throw' as const },
        { dir, mode: 'skip' as const },
      ]),
    );
    cases.forEach((c, i) => {
      const [strict, lenient] = [results[2 * i]!, results[2 * i + 1]!];
      expect(strict.fatal, c.name).toBe(c.lenient.problems[0]!.split(' ')[0]);
      expect([lenient.fatal, lenient.problems, lenient.entries.length], c.name).toEqual([null, c.lenient.problems, c.lenient.entries]);
    });
  });
});

// ------------------------------------------------------------------ (c) damage

describe('damaged copies', () => {
  let uniform: Buffer;
  let variety: Buffer;
  let complete: Buffer;
  let walkId: string;

  beforeAll(() => {
    const dir = freshDir(join(base, 'damage-base'));
    walkId = newWalkId();
    writeThread(dir, walkId, { name: 'thread_0.bin', thread: 0, fullAttrs: true, capacity: 2048, fill: fillUniform });
    // One long path only: every case reads this file whole.
    writeThread(dir, walkId, { name: 'thread_1.bin', thread: 1, fullAttrs: true, capacity: 4096, fill: (rb) => fillVariety(rb, false) });
    writeManifest(dir, manifestOf(walkId, ['thread_0.bin', 'thread_1.bin']));
    uniform = readFileSync(join(dir, 'thread_0.bin'));
    variety = readFileSync(join(dir, 'thread_1.bin'));
    complete = readFileSync(join(dir, MANIFEST));
    expect(blockStarts(uniform).length).toBeGreaterThan(5);
  });

  it('cut at many offsets: the same whole records before the cut, the same problems', async () => {
    const cases: { dir: string; mode: 'throw' | 'skip' }[] = [];
    let n = 0;
    for (const [which, bytes] of [
      ['uniform', uniform],
      ['variety', variety],
    ] as const) {
      const cuts = new Set<number>([0, 30, FILE_HEADER_SIZE - 1, FILE_HEADER_SIZE]);
      const starts = blockStarts(bytes);
      for (const b of which === 'uniform' ? starts : [...starts.slice(0, 3), ...starts.slice(-2)]) {
        for (const d of [1, 15, 16 + 27, 16 + 28]) cuts.add(b + d);
      }
      for (const c of sample(6, bytes.length, 7 + n)) cuts.add(c);
      for (const cut of [...cuts].filter((c) => c < bytes.length).sort((x, y) => x - y)) {
        const files =
          which === 'uniform'
            ? { 'thread_0.bin': bytes.subarray(0, cut), 'thread_1.bin': variety }
            : { 'thread_0.bin': uniform, 'thread_1.bin': bytes.subarray(0, cut) };
        // Alternately a complete walk (truncation is an error) read strictly, and no manifest (it is only reported) read leniently.
        const withManifest = n % 2 === 0;
        cases.push({ dir: folder(`cut-${n++}`, files, withManifest ? complete : null), mode: withManifest ? 'throw' : 'skip' });
      }
    }
    const results = await crossCheckAll(cases);
    const codes = new Set(results.flatMap((r) => [r.fatal, ...r.problems.map((p) => p.split(' ')[0])]));
    expect([...codes].sort()).toEqual([null, 'PWALK_BAD_HEADER', 'PWALK_TRUNCATED'].sort());
  });

  it('a cut block whose tail is zeros stops at the first all-zero fixed part', async () => {
    const starts = blockStarts(uniform);
    const last = starts[starts.length - 1]!;
    const before = starts.length - 1; // whole blocks before the last one
    const perBlock = (starts[1]! - starts[0]! - BLOCK_HEADER_SIZE) / UNIFORM_RECORD;
    const cases: { dir: string; mode: 'throw' | 'skip' }[] = [];
    const variants: [string, number, number][] = [
      // [name, zeros from (payload offset), cut (payload offset)]
      ['boundary', 3 * UNIFORM_RECORD, 5 * UNIFORM_RECORD + 10],
      ['boundary-short', 3 * UNIFORM_RECORD, 3 * UNIFORM_RECORD + 20],
      ['mid-record', 3 * UNIFORM_RECORD + 10, 5 * UNIFORM_RECORD + 10],
      ['all-zero', 0, 2 * UNIFORM_RECORD],
    ];
    for (const [name, from, cut] of variants) {
      const bytes = Buffer.from(uniform.subarray(0, last + BLOCK_HEADER_SIZE + cut));
      bytes.fill(0, last + BLOCK_HEADER_SIZE + from);
      for (const mode of ['throw', 'skip'] as const) cases.push({ dir: folder(`zeros-${name}-${mode}`, { 'thread_0.bin': bytes }, null), mode });
    }
    const results = await crossCheckAll(cases);
    expect(results[0]!.entries.length).toBe(before * perBlock + 3);
    expect(results[2]!.entries.length).toBe(before * perBlock + 3);
    expect(results[4]!.entries.length).toBeGreaterThanOrEqual(before * perBlock + 3);
    expect(results[6]!.entries.length).toBe(before * perBlock);
    for (const r of results) expect(r.problems.map((p) => p.split(' ')[0])).toContain('PWALK_TRUNCATED');
  });

  it('one bit flipped: file headers, block headers, payloads; strict and lenient', async () => {
    const cases: { dir: string; mode: 'throw' | 'skip' }[] = [];
    let n = 0;
    const flipped = (which: 'uniform' | 'variety', at: number, bit: number, manifest: Buffer | null, mode: 'throw' | 'skip'): void => {
      const bytes = Buffer.from(which === 'uniform' ? uniform : variety);
      bytes[at]! ^= 1 << bit;
      const files = which === 'uniform' ? { 'thread_0.bin': bytes, 'thread_1.bin': variety } : { 'thread_0.bin': uniform, 'thread_1.bin': bytes };
      cases.push({ dir: folder(`flip-${n++}`, files, manifest), mode });
    };
    for (const at of [0, 7, 8, 9, 10, 12, 13, 15, 16, 31, 32, 36, 40, 63]) {
      flipped('uniform', at, at % 8, complete, 'throw');
      if (at >= 16 && at < 32) flipped('uniform', at, at % 8, null, 'throw'); // walk ids differ, no manifest to tell which is right
    }
    const u = blockStarts(uniform);
    for (let i = 0; i < BLOCK_HEADER_SIZE; i++) {
      flipped('uniform', u[0]! + i, (i * 3 + 7) % 8, complete, 'throw');
      flipped('uniform', u[u.length - 1]! + i, (i * 3 + 7) % 8, complete, 'skip');
    }
    for (const at of sample(6, uniform.length - FILE_HEADER_SIZE, 99)) flipped('uniform', FILE_HEADER_SIZE + at, at % 8, complete, 'skip');
    const v = blockStarts(variety);
    for (let i = 0; i < BLOCK_HEADER_SIZE; i += 2) flipped('variety', v[1]! + i, (i * 5 + 1) % 8, null, 'skip');
    for (const at of sample(4, variety.length - FILE_HEADER_SIZE, 5)) flipped('variety', FILE_HEADER_SIZE + at, at % 8, complete, n % 2 ? 'throw' : 'skip');
    const results = await crossCheckAll(cases);
    const codes = new Set(results.flatMap((r) => [r.fatal, ...r.problems.map((p) => p.split(' ')[0])]));
    for (const code of ['PWALK_BAD_HEADER', 'PWALK_UNSUPPORTED_VERSION', 'PWALK_CORRUPT_BLOCK', 'PWALK_CORRUPT_RECORD', 'PWALK_TRUNCATED']) {
      expect(codes, code).toContain(code);
    }
  });

  /** One block [entry 'a/b', error 'a/c' EACCES, entry 'a/d'] with a mutated payload and a recomputed CRC. */
  function craftedBlock(mutate: (payload: Buffer, header: Buffer) => void): Buffer {
    const dir = freshDir(join(base, 'crafted-src'));
    writeThread(dir, walkId, {
      name: 'thread_0.bin',
      thread: 0,
      fullAttrs: true,
      capacity: 4096,
      fill: (rb) => {
        rb.appendBigStats(st({ ino: 5n }), EntryType.file, 2n, Buffer.from('a/'), 'b');
        rb.appendError(0, 2n, EntryType.unknown, Syscall.lstat, 'EACCES', Buffer.from('a/'), 'c');
        rb.appendBigStats(st({ ino: 6n }), EntryType.file, 2n, Buffer.from('a/'), 'd');
      },
    });
    const bytes = readFileSync(join(dir, 'thread_0.bin'));
    const header = bytes.subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + BLOCK_HEADER_SIZE);
    const payload = bytes.subarray(FILE_HEADER_SIZE + BLOCK_HEADER_SIZE);
    expect(payload.length).toBe(79 + 39 + 79);
    mutate(payload, header);
    header.writeUInt32LE(crc32(payload), 12);
    return bytes;
  }
  const REC = [0, 79, 118] as const;
  const flagsAt = (r: number): number => r + RecordOffset.flags;

  it('malformed records in blocks whose CRC matches (error records with entry extensions among them)', async () => {
    const mutations: [string, (p: Buffer, h: Buffer) => void][] = [
      ['error+SIZE64', (p) => (p[flagsAt(REC[1])]! |= RecordFlag.SIZE64)],
      ['error+MTIME64', (p) => (p[flagsAt(REC[1])]! |= RecordFlag.MTIME64)],
      ['error+ATTRS', (p) => (p[flagsAt(REC[1])]! |= RecordFlag.ATTRS)],
      ['reserved-0x20', (p) => (p[flagsAt(REC[2])]! |= 0x20)],
      ['reserved-0x80', (p) => (p[flagsAt(REC[0])]! |= 0x80)],
      ['type-8', (p) => (p[REC[2] + RecordOffset.type] = 8)],
      ['u16-sentinel', (p) => p.writeUInt16LE(0xffff, REC[0] + RecordOffset.pathLength)],
      ['count+1', (_p, h) => h.writeUInt32LE(4, 8)],
      ['count-1', (_p, h) => h.writeUInt32LE(2, 8)],
      ['attrs-cleared', (p) => (p[flagsAt(REC[0])]! &= ~RecordFlag.ATTRS)],
      ['path-too-long', (p) => p.writeUInt16LE(200, REC[2] + RecordOffset.pathLength)],
      ['syscall-unknown', (p) => (p[REC[1] + RECORD_FIXED_SIZE] = 77)],
    ];
    const cases: { dir: string; mode: 'throw' | 'skip' }[] = [];
    for (const [name, mutate] of mutations) {
      const bytes = craftedBlock(mutate);
      for (const mode of ['throw', 'skip'] as const) {
        cases.push({ dir: folder(`crafted-${name}-${mode}`, { 'thread_0.bin': bytes, 'thread_1.bin': uniform.subarray(0, 2000) }, null), mode });
      }
    }
    const results = await crossCheckAll(cases);
    const byName = new Map(mutations.map(([name], i) => [name, results[2 * i]!]));
    for (const name of ['error+SIZE64', 'error+MTIME64', 'error+ATTRS', 'reserved-0x20', 'type-8', 'u16-sentinel', 'count+1', 'count-1']) {
      expect(byName.get(name)!.fatal, name).toBe('PWALK_CORRUPT_RECORD');
    }
    expect(byName.get('syscall-unknown')!.errors[0]).toMatchObject({ error: { syscall: 'unknown', code: 'EACCES' } });
  });

  it('a malformed record in a cut block, read strictly: both stop on it', async () => {
    const bytes = craftedBlock((p) => (p[flagsAt(REC[2])]! |= 0x40));
    const cut = bytes.subarray(0, FILE_HEADER_SIZE + BLOCK_HEADER_SIZE + REC[2] + RECORD_FIXED_SIZE + 4);
    const dir = folder('cut-malformed-strict', { 'thread_0.bin': cut }, null);
    const [r] = await crossCheckAll([{ dir, mode: 'throw' }]);
    expect(r!.fatal).toBe('PWALK_CORRUPT_RECORD');
    // Read leniently, FORMAT.md 2.3: the block's records are lost and the file is still truncated.
    const py = await readPy(dir, 'skip');
    expect([py.fatal, py.entries.length, py.errors.length]).toEqual([null, 0, 0]);
    expect(py.problems).toEqual(['PWALK_CORRUPT_RECORD thread_0.bin@198', 'PWALK_TRUNCATED thread_0.bin@64']);
  });

  // FORMAT.md 2.3: a malformed record in a cut block loses the block's records "and the file is
  // still reported truncated", in lenient mode too.
  it('a malformed record in a cut block, read leniently: the file is still reported truncated', async () => {
    const bytes = craftedBlock((p) => (p[flagsAt(REC[2])]! |= 0x40));
    const cut = bytes.subarray(0, FILE_HEADER_SIZE + BLOCK_HEADER_SIZE + REC[2] + RECORD_FIXED_SIZE + 4);
    await crossCheck(folder('cut-malformed-lenient', { 'thread_0.bin': cut }, null), 'skip');
  });
});
