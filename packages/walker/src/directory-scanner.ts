import { closeSync, lstatSync, openSync, readdirSync, type BigIntStats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { EntryType, Syscall, entryTypeFromMode, type RecordBuffer, type StatSeconds } from '@pwalk-ts/reader/format';
import type { EntryFilter } from './entry-filter.js';
import { needsExactTimes, statTimesExactly } from './exact-times.js';
import type { WalkSettings } from './settings.js';
import type { Ancestor, DirectoryItem } from './directory-item.js';
import { checkOpened, fdPath, O_DIR, openCheckedSync } from './checked-directory.js';
import { pauseSync } from './open-pause.js';

export const EMPTY = Buffer.alloc(0);
export const SLASH = Buffer.from('/');
const REPLACEMENT_CHAR = '\uFFFD';
/** 2^52: byte sums below it plus one size below it stay exact in a double. */
const EXACT_SUM_LIMIT = 2 ** 52;
/**
 * A directory whose path is longer than this is read through a descriptor instead
 * of by path: its entries' paths (plus a 255-byte name) would pass PATH_MAX (4096).
 */
export const LONG_PATH_BYTES = 4096 - 256 - 64;
/** Opening a long path goes this many bytes of components at a time. */
const OPEN_CHUNK_BYTES = 2048;

const LSTAT_BIGINT = { bigint: true, throwIfNoEntry: false } as const;
const READDIR_BUFFER = { encoding: 'buffer' } as const;

/** Errors that say something about one entry; anything else (EMFILE, ENOMEM, ...) stops the walk. */
const ENTRY_ERROR_CODES = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ELOOP',
  'ENAMETOOLONG',
  'ENOTDIR',
  'EIO',
  'ESTALE',
  'EOVERFLOW',
  'ENXIO',
  'ENODEV',
  'EINVAL',
  'EREMOTEIO',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'ENOTCONN',
  'EBADF',
  'EUCLEAN',
]);

/** The nodelib-style error filter: an entry error is recorded as data, any other error is thrown on. */
export function entryErrorCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ENTRY_ERROR_CODES.has(code) ? code : null;
}

/** What every entry of one directory shares. */
export interface DirectoryContext {
  readonly dir: DirectoryItem;
  /** The path entries are stat'ed under, with a trailing '/': the directory's descriptor, /proc/self/fd/N/. */
  readonly base: string | Buffer;
  /** The directory's relative path bytes with a trailing '/' (empty for the root). */
  readonly prefix: Buffer;
  /** The same as text, for --exclude patterns. */
  readonly relBase: string;
  /** Ancestors of the entries: this directory and its own. */
  readonly up: Ancestor;
  readonly childDepth: number;
}

/** What one worker has counted so far. */
export interface ScanTotals {
  entries: number;
  /** Directories read. */
  dirs: number;
  /** Entries recorded, by type. */
  files: number;
  dirEntries: number;
  errors: number;
  /** Exact sum of sizes: a bigint part plus a double part kept below 2^53. */
  bytesBig: bigint;
  bytesSmall: number;
}

/** The exact sum of sizes a scanner has counted. */
export function scannedBytes(t: ScanTotals): bigint {
  return t.bytesBig + BigInt(t.bytesSmall);
}

/**
 * Reads directories and records their entries. One scanner per worker; it owns
 * the worker's record buffer and pushes subdirectories onto the worker's stack.
 *
 * Perf: the common directory (a UTF-8 path short enough for the kernel) takes
 * scanUtf8, which works on strings end to end: readdirSync without Dirent
 * objects, one string concatenation per lstat, the name written into the
 * record buffer without an intermediate Buffer. Non-UTF-8 names and long paths
 * take the byte-exact routes, chosen once per directory, never per entry.
 */
export class DirectoryScanner {
  readonly totals: ScanTotals = { entries: 0, dirs: 0, files: 0, dirEntries: 0, errors: 0, bytesBig: 0n, bytesSmall: 0 };
  protected readonly baseBytes: number;
  protected readonly skipSnapshots: boolean;
  /** The test knob's pause before each directory's open (0: none). */
  readonly pauseBeforeOpenMs: number;

  constructor(
    protected readonly settings: WalkSettings,
    protected readonly out: RecordBuffer,
    protected readonly filter: EntryFilter | null,
    protected readonly stack: DirectoryItem[],
    private readonly onError: () => void,
    /** The root's device, for --one-file-system: every worker compares against it. */
    protected readonly rootDev: bigint,
  ) {
    this.skipSnapshots = !settings.snapshots;
    this.baseBytes = Buffer.byteLength(settings.base);
    this.pauseBeforeOpenMs = settings.pauseBeforeOpenMs;
  }

  /** Records the root's own entry; returns the item to scan when the root is a directory. */
  recordRoot(): DirectoryItem | null {
    const root = this.settings.root;
    let st: BigIntStats | undefined;
    let times: StatSeconds | null = null;
    try {
      st = lstatSync(root, LSTAT_BIGINT);
      if (st !== undefined && needsExactTimes(st)) times = statTimesExactly(root, st.ino);
    } catch (err) {
      const code = entryErrorCode(err);
      if (code === null) throw err;
      this.error(0, 0, EntryType.unknown, Syscall.lstat, code, EMPTY, EMPTY);
      return null;
    }
    if (st === undefined) {
      this.error(0, 0, EntryType.unknown, Syscall.lstat, 'ENOENT', EMPTY, EMPTY);
      return null;
    }
    const type = entryTypeFromMode(Number(st.mode));
    this.out.appendBigStats(st, type, 0, EMPTY, EMPTY, times);
    this.count(st.size, type);
    if (type !== EntryType.dir || this.settings.maxDepth < 1) return null;
    return { rel: EMPTY, ino: st.ino, dev: st.dev, depth: 0, up: null };
  }

  /** Reads one directory, records every entry in it, and stacks its subdirectories. */
  scan(dir: DirectoryItem): void {
    this.totals.dirs++;
    this.scanRoute(dir);
  }

  /**
   * The synchronous read of one directory by whichever route fits it, without
   * counting it (the async engine counts its own). The directory is opened once,
   * checked to be the entry that was stat'ed, and then listed and its entries
   * stat'ed through that descriptor only, so a swap of it or of an ancestor after
   * the check redirects nothing.
   */
  scanRoute(dir: DirectoryItem): void {
    if (this.pauseBeforeOpenMs > 0) pauseSync(this.pauseBeforeOpenMs);
    const long = this.isLong(dir);
    const utf8 = !long && isUtf8(dir.rel);
    let fd: number;
    try {
      fd = long ? this.openLong(dir) : openCheckedSync(utf8 ? this.pathOf(dir) : this.bytePathOf(dir), dir);
    } catch (err) {
      this.readFailed(dir, err, long ? Syscall.open : Syscall.scandir);
      return;
    }
    try {
      if (utf8) this.scanUtf8(dir, fdPath(fd));
      else this.scanBytes(dir, Buffer.from(fdPath(fd)));
    } finally {
      closeSync(fd);
    }
  }

  /** True when entries' paths would pass PATH_MAX: the directory is opened a chunk of components at a time. */
  protected isLong(dir: DirectoryItem): boolean {
    return dir.rel.length > 0 && this.baseBytes + dir.rel.length > LONG_PATH_BYTES;
  }

  /** A long-path directory opened through /proc/self/fd chunk by chunk (Node has no openat), then checked as openCheckedSync does. */
  protected openLong(dir: DirectoryItem): number {
    const fd = openLongPath(Buffer.from(this.settings.base), dir.rel);
    checkOpened(fd, dir, this.bytePathOf(dir));
    return fd;
  }

  /** True when `dir` can be read by path with UTF-8 names: the route the async engine takes too. */
  isFastRoute(dir: DirectoryItem): boolean {
    return !this.isLong(dir) && isUtf8(dir.rel);
  }

  /** The path a fast-route directory is opened by. */
  pathOf(dir: DirectoryItem): string {
    return dir.rel.length === 0 ? this.settings.root : this.settings.base + dir.rel.toString('utf8');
  }

  /** The exact path bytes of a directory (not UTF-8, or long). */
  private bytePathOf(dir: DirectoryItem): Buffer {
    return Buffer.concat([Buffer.from(this.settings.base), dir.rel]);
  }

  /** Per-directory values every entry of `dir` needs, computed once. */
  context(dir: DirectoryItem, path: string | Buffer): DirectoryContext {
    const slash = typeof path === 'string' ? path.endsWith('/') : path[path.length - 1] === 0x2f;
    return {
      dir,
      base: typeof path === 'string' ? (slash ? path : path + '/') : slash ? path : Buffer.concat([path, SLASH]),
      prefix: dir.rel.length === 0 ? EMPTY : Buffer.concat([dir.rel, SLASH]),
      relBase: dir.rel.length === 0 ? '' : dir.rel.toString('utf8') + '/',
      up: { ino: dir.ino, dev: dir.dev, up: dir.up },
      childDepth: dir.depth + 1,
    };
  }

  /** True when a UTF-8 listing holds a name readdir could not decode: the directory must be re-read as bytes. */
  needsBytes(names: readonly string[]): boolean {
    for (let i = 0; i < names.length; i++) {
      // readdir decodes invalid UTF-8 to U+FFFD, after which the name no longer
      // opens (this also sends a real U+FFFD name down the exact route).
      if (names[i]!.includes(REPLACEMENT_CHAR)) return true;
    }
    return false;
  }

  /** Whether the entry is excluded. Perf: one null test per entry when nothing is excluded. */
  excluded(ctx: DirectoryContext, name: string): boolean {
    return this.filter !== null && this.filter(name, ctx.relBase + name);
  }

  /** The common route: string names, one string concatenation per lstat. `via` is the directory's descriptor path. */
  private scanUtf8(dir: DirectoryItem, via: string): void {
    let names: string[];
    try {
      names = readdirSync(via);
    } catch (err) {
      this.readFailed(dir, err);
      return;
    }
    if (this.needsBytes(names)) {
      this.scanBytes(dir, Buffer.from(via));
      return;
    }
    const ctx = this.context(dir, via);
    const base = ctx.base as string;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (this.excluded(ctx, name)) continue;
      this.statAndRecord(ctx, base + name, name);
    }
  }

  /** The byte-exact route: names as Buffers, paths as Buffers, under the directory's descriptor path `via`. */
  private scanBytes(dir: DirectoryItem, via: Buffer): void {
    let names: Buffer[];
    try {
      names = readdirSync(via, READDIR_BUFFER);
    } catch (err) {
      this.readFailed(dir, err);
      return;
    }
    const ctx = this.context(dir, via);
    const base = ctx.base as Buffer;
    for (const name of names) {
      if (this.filter !== null && this.filter(name.toString('utf8'), Buffer.concat([ctx.prefix, name]).toString('utf8'))) continue;
      this.statAndRecord(ctx, Buffer.concat([base, name]), name);
    }
  }

  private statAndRecord(ctx: DirectoryContext, full: string | Buffer, name: string | Buffer): void {
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(full, LSTAT_BIGINT);
    } catch (err) {
      this.statFailed(ctx, err, name);
      return;
    }
    if (st === undefined) this.vanished(ctx, name);
    else this.record(st, ctx, name);
  }

  /** Records one stat'ed entry and stacks it when it is a directory to descend. */
  record(st: BigIntStats, ctx: DirectoryContext, name: string | Buffer): void {
    const type = entryTypeFromMode(Number(st.mode));
    if (this.skipSnapshots && type === EntryType.dir && isSnapshotName(name)) return;
    let times: StatSeconds | null = null;
    if (needsExactTimes(st)) {
      try {
        times = statTimesExactly(entryPath(ctx.base, name), st.ino);
      } catch (err) {
        this.statFailed(ctx, err, name);
        return;
      }
    }
    this.out.appendBigStats(st, type, ctx.dir.ino, ctx.prefix, name, times);
    this.count(st.size, type);
    if (type !== EntryType.dir || ctx.childDepth >= this.settings.maxDepth) return;
    if (this.settings.oneFileSystem && st.dev !== this.rootDev) return;
    const rel = Buffer.concat([ctx.prefix, typeof name === 'string' ? Buffer.from(name) : name]);
    if (isAncestor(ctx.up, st.dev, st.ino)) {
      // A bind mount of an ancestor inside itself: descending would never end.
      this.error(st.ino, ctx.dir.ino, EntryType.dir, Syscall.scandir, 'ELOOP', rel, EMPTY);
      return;
    }
    this.stack.push({ rel, ino: st.ino, dev: st.dev, depth: ctx.childDepth, up: ctx.up });
  }

  /** Counts one recorded entry; `size` is a bigint or an exact number. */
  protected count(size: number | bigint, type: number): void {
    const t = this.totals;
    t.entries++;
    if (type === EntryType.file) t.files++;
    else if (type === EntryType.dir) t.dirEntries++;
    // Perf: BigInt additions allocate; sums are kept in a double while they are exact.
    const small = Number(size);
    if (small < EXACT_SUM_LIMIT) {
      t.bytesSmall += small;
      if (t.bytesSmall >= EXACT_SUM_LIMIT) {
        t.bytesBig += BigInt(t.bytesSmall);
        t.bytesSmall = 0;
      }
    } else {
      t.bytesBig += typeof size === 'bigint' ? size : BigInt(size);
    }
  }

  readFailed(dir: DirectoryItem, err: unknown, syscall: number = Syscall.scandir): void {
    const code = entryErrorCode(err);
    if (code === null) throw err;
    this.error(dir.ino, dir.up?.ino ?? 0, EntryType.dir, syscall, code, dir.rel, EMPTY);
  }

  statFailed(ctx: DirectoryContext, err: unknown, name: string | Buffer): void {
    const code = entryErrorCode(err);
    if (code === null) throw err;
    this.error(0, ctx.dir.ino, EntryType.unknown, Syscall.lstat, code, ctx.prefix, name);
  }

  /** The entry was listed but is gone by the time it is stat'ed. */
  vanished(ctx: DirectoryContext, name: string | Buffer): void {
    this.error(0, ctx.dir.ino, EntryType.unknown, Syscall.lstat, 'ENOENT', ctx.prefix, name);
  }

  protected error(
    ino: number | bigint,
    parentIno: number | bigint,
    type: number,
    syscall: number,
    code: string,
    prefix: Buffer,
    name: string | Buffer,
  ): void {
    this.totals.errors++;
    this.onError();
    this.out.appendError(ino, parentIno, type, syscall, code, prefix, name);
  }
}

/** The path an entry is stat'ed by: its directory's base and its name. */
function entryPath(base: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof base === 'string' && typeof name === 'string') return base + name;
  return Buffer.concat([typeof base === 'string' ? Buffer.from(base) : base, typeof name === 'string' ? Buffer.from(name) : name]);
}

const SNAPSHOT = '.snapshot';
export const SNAPSHOT_BYTES = Buffer.from(SNAPSHOT);

/** `.snapshot` directories (NetApp, Isilon, GPFS) hold copies of the tree: --no-snapshots leaves them out. */
function isSnapshotName(name: string | Buffer): boolean {
  return typeof name === 'string' ? name === SNAPSHOT : SNAPSHOT_BYTES.equals(name);
}

export function isAncestor(up: Ancestor | null, dev: number | bigint, ino: number | bigint): boolean {
  for (let a = up; a !== null; a = a.up) {
    // Loose equality: one side may be a bigint from an exact re-stat.
    if (a.ino == ino && a.dev == dev) return true;
  }
  return false;
}

/** Opens base+rel as a directory without handing the kernel a path longer than OPEN_CHUNK_BYTES at once. */
export function openLongPath(base: Buffer, rel: Buffer): number {
  let fd = -1;
  let start = 0;
  let first = true;
  while (start < rel.length) {
    let end = Math.min(rel.length, start + OPEN_CHUNK_BYTES);
    if (end < rel.length) {
      const slash = rel.lastIndexOf(0x2f, end);
      if (slash <= start) throw Object.assign(new Error('path component longer than a chunk'), { code: 'ENAMETOOLONG' });
      end = slash;
    }
    const chunk = rel.subarray(start, end);
    const path = first ? Buffer.concat([base, chunk]) : Buffer.concat([Buffer.from(`${fdPath(fd)}/`), chunk]);
    let next: number;
    try {
      next = openSync(path, O_DIR);
    } finally {
      if (fd !== -1) closeSync(fd);
    }
    fd = next;
    first = false;
    start = end + 1;
  }
  return fd;
}
