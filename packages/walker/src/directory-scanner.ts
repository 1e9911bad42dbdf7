import { closeSync, lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { EntryType, entryTypeFromMode, Syscall, type FrameBuffer, type StatSeconds } from '@pwalk-ts/reader/format';
import type { AsyncScanner, ListedDirectory } from './async-engine.js';
import { fdPath, openCheckedSync, openLongChecked } from './checked-directory.js';
import type { DirectoryItem } from './directory-item.js';
import { EMPTY, type EntryContext, type EntryPolicy } from './entry-policy.js';
import { needsExactTimes, statTimesExactly } from './exact-times.js';
import { pauseSync } from './open-pause.js';
import type { ScanTotals } from './scan-totals.js';
import type { WalkSettings } from './settings.js';

const SLASH = Buffer.from('/');
const REPLACEMENT_CHAR = '\uFFFD';
/**
 * A directory whose path is longer than this is read through a descriptor instead
 * of by path: its entries' paths (plus a 255-byte name) would pass PATH_MAX (4096).
 */
const LONG_PATH_BYTES = 4096 - 256 - 64;

const LSTAT_BIGINT = { bigint: true, throwIfNoEntry: false } as const;
/** The root's lstat: a missing root is an ENOENT error record like any other failure. */
const LSTAT_ROOT = { bigint: true } as const;
const READDIR_BUFFER = { encoding: 'buffer' } as const;

/**
 * Reads directories: lists and stats their entries, records them, and leaves
 * every decision about an entry to the worker's EntryPolicy. One scanner per
 * worker; it owns the worker's record buffer.
 *
 * Perf: the common directory (a UTF-8 path short enough for the kernel) takes
 * scanUtf8, which works on strings end to end: readdirSync without Dirent
 * objects, one string concatenation per lstat, the name written into the
 * record buffer without an intermediate Buffer. Non-UTF-8 names and long paths
 * take the byte-exact routes, chosen once per directory, never per entry.
 */
export class DirectoryScanner implements AsyncScanner {
  private readonly baseBytes: number;
  /** The test knob's pause before each directory's open (0: none). */
  readonly pauseBeforeOpenMs: number;

  constructor(
    protected readonly settings: WalkSettings,
    protected readonly out: FrameBuffer,
    protected readonly policy: EntryPolicy,
  ) {
    this.baseBytes = Buffer.byteLength(settings.base);
    this.pauseBeforeOpenMs = settings.pauseBeforeOpenMs;
  }

  get totals(): ScanTotals {
    return this.policy.totals;
  }

  /** Records the root's own entry; returns the item to scan when the root is a directory. */
  recordRoot(): DirectoryItem | null {
    const root = this.settings.root;
    let st: BigIntStats;
    let times: StatSeconds | null = null;
    try {
      st = lstatSync(root, LSTAT_ROOT);
      if (needsExactTimes(st)) times = statTimesExactly(root, st.ino);
    } catch (err) {
      this.policy.rootFailed(err);
      return null;
    }
    const type = entryTypeFromMode(Number(st.mode));
    this.out.appendBigStats(st, type, 0, EMPTY, EMPTY, times);
    this.policy.count(st.size, type);
    const item = this.policy.rootItem(type, st.dev, st.ino);
    if (item !== null) this.out.markDescended();
    return item;
  }

  /** Reads one directory, records every entry in it, and stacks its subdirectories. */
  scan(dir: DirectoryItem): void {
    this.policy.read();
    this.read(dir);
    this.policy.finished(dir);
  }

  /**
   * The synchronous read of one directory by whichever route fits it. The directory
   * is opened once, checked to be the entry that was stat'ed, and then listed and
   * its entries stat'ed through that descriptor only, so a swap of it or of an
   * ancestor after the check redirects nothing.
   */
  protected read(dir: DirectoryItem): void {
    if (this.pauseBeforeOpenMs > 0) pauseSync(this.pauseBeforeOpenMs);
    const long = this.isLong(dir);
    const utf8 = !long && isUtf8(dir.rel);
    let fd: number;
    try {
      fd = long ? this.openLong(dir) : openCheckedSync(utf8 ? this.pathOf(dir) : this.bytePathOf(dir), dir);
    } catch (err) {
      this.policy.readFailed(dir, err, long ? Syscall.open : Syscall.scandir);
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

  protected openLong(dir: DirectoryItem): number {
    return openLongChecked(Buffer.from(this.settings.base), dir.rel, dir);
  }

  asyncPath(dir: DirectoryItem): string | null {
    return this.isLong(dir) || !isUtf8(dir.rel) ? null : this.pathOf(dir);
  }

  unreadable(dir: DirectoryItem, err: unknown): void {
    this.policy.read();
    this.policy.readFailed(dir, err);
    this.policy.finished(dir);
  }

  listed(dir: DirectoryItem, via: string, names: readonly string[]): ListedDirectory | null {
    this.policy.read();
    if (names.length === 0 || needsBytes(names)) {
      if (names.length > 0) this.read(dir);
      this.policy.finished(dir);
      return null;
    }
    return { ctx: this.policy.context(dir), base: via + '/' };
  }

  finished(listed: ListedDirectory): void {
    this.policy.finished(listed.ctx.dir);
  }

  statPath(listed: ListedDirectory, name: string): string | null {
    return this.policy.excluded(listed.ctx, name) ? null : listed.base + name;
  }

  stated(listed: ListedDirectory, name: string, err: NodeJS.ErrnoException | null, st: BigIntStats): void {
    if (err === null) this.record(st, listed.ctx, listed.base, name);
    else this.policy.statFailed(listed.ctx, err, name);
  }

  /** The path a UTF-8 directory of a short path is opened by. */
  private pathOf(dir: DirectoryItem): string {
    return dir.rel.length === 0 ? this.settings.root : this.settings.base + dir.rel.toString('utf8');
  }

  /** The exact path bytes of a directory (not UTF-8, or long). */
  private bytePathOf(dir: DirectoryItem): Buffer {
    return Buffer.concat([Buffer.from(this.settings.base), dir.rel]);
  }

  /** The common route: string names, one string concatenation per lstat. `via` is the directory's descriptor path. */
  private scanUtf8(dir: DirectoryItem, via: string): void {
    let names: string[];
    try {
      names = readdirSync(via);
    } catch (err) {
      this.policy.readFailed(dir, err);
      return;
    }
    if (needsBytes(names)) {
      this.scanBytes(dir, Buffer.from(via));
      return;
    }
    const ctx = this.policy.context(dir);
    const base = via + '/';
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (this.policy.excluded(ctx, name)) continue;
      this.statAndRecord(ctx, base, base + name, name);
    }
  }

  /** The byte-exact route: names as Buffers, paths as Buffers, under the directory's descriptor path `via`. */
  private scanBytes(dir: DirectoryItem, via: Buffer): void {
    let names: Buffer[];
    try {
      names = readdirSync(via, READDIR_BUFFER);
    } catch (err) {
      this.policy.readFailed(dir, err);
      return;
    }
    const ctx = this.policy.context(dir);
    const base = Buffer.concat([via, SLASH]);
    for (const name of names) {
      if (this.policy.excludedBytes(ctx, name, 0, name.length)) continue;
      this.statAndRecord(ctx, base, Buffer.concat([base, name]), name);
    }
  }

  private statAndRecord(ctx: EntryContext, base: string | Buffer, full: string | Buffer, name: string | Buffer): void {
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(full, LSTAT_BIGINT);
    } catch (err) {
      this.policy.statFailed(ctx, err, name);
      return;
    }
    if (st === undefined) this.policy.vanished(ctx, name);
    else this.record(st, ctx, base, name);
  }

  /** Records one stat'ed entry of the directory whose descriptor path (with '/') is `base`. */
  private record(st: BigIntStats, ctx: EntryContext, base: string | Buffer, name: string | Buffer): void {
    const type = entryTypeFromMode(Number(st.mode));
    if (type === EntryType.dir && this.policy.skipsDirectory(name)) return;
    let times: StatSeconds | null = null;
    if (needsExactTimes(st)) {
      try {
        times = statTimesExactly(entryPath(base, name), st.ino);
      } catch (err) {
        this.policy.statFailed(ctx, err, name);
        return;
      }
    }
    this.out.appendBigStats(st, type, ctx.dir.ino, ctx.prefix, name, times);
    this.policy.count(st.size, type);
    if (type === EntryType.dir) this.policy.descend(ctx, name, st.dev, st.ino);
  }
}

/** True when a UTF-8 listing holds a name readdir could not decode: the directory must be re-read as bytes. */
function needsBytes(names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) {
    // readdir decodes invalid UTF-8 to U+FFFD, after which the name no longer
    // opens (this also sends a real U+FFFD name down the exact route).
    if (names[i]!.includes(REPLACEMENT_CHAR)) return true;
  }
  return false;
}

/** The path an entry is stat'ed by: its directory's base and its name. */
function entryPath(base: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof base === 'string' && typeof name === 'string') return base + name;
  return Buffer.concat([typeof base === 'string' ? Buffer.from(base) : base, typeof name === 'string' ? Buffer.from(name) : name]);
}
