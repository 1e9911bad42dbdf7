import { closeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { EntryType, Syscall, entryTypeFromMode, readU64, type FrameBuffer } from '@pwalk-ts/reader/format';
import type { BatchScanner, EntryBatch } from './batched-engine.js';
import type { DirectoryItem } from './directory-item.js';
import { DirectoryScanner } from './directory-scanner.js';
import { EMPTY, type EntryContext, type EntryPolicy } from './entry-policy.js';
import { pauseSync } from './open-pause.js';
import { walkerRequire } from './package-folder.js';
import { RAW_STAT_HEAD, RAW_STAT_LAYOUT, RawStatOffset, appendRawStat } from './raw-stat.js';
import type { WalkSettings } from './settings.js';

/** The addon (native/pwalk_native.c): one directory per call, every entry's stat in one packed buffer. */
export interface NativeBinding {
  /**
   * Lists and stats the directory base+rel, opened relative to the descriptor `at`
   * (-1: the working directory) without following a symlink at its last component,
   * and only when it is the directory (dev, ino) that was stat'ed. Returns the bytes
   * of packed entries written to `out` (raw-stat.ts), a new Buffer of them
   * when `out` is too small, or -errno when the directory cannot be opened or listed
   * (-ESTALE: another directory is in its place).
   */
  scan(at: number, base: Uint8Array, rel: Uint8Array, dev: number | bigint, ino: number | bigint, out: Uint8Array): number | Buffer;
  /**
   * scan()'s open and listing of base+rel (opened by path) on libuv's pool, with
   * the stats of the names whose d_type is a directory or unknown: `done` gets
   * -errno alone, or 0, those entries (null: none), the descriptor the other names
   * are to be stat'ed through (-1: none left, closed), those names (each a u16
   * length then its bytes) and how many they are. Nothing is sorted.
   */
  listAsync(
    base: Uint8Array,
    rel: Uint8Array,
    dev: number | bigint,
    ino: number | bigint,
    done: (errno: number, dirs?: Buffer | null, fd?: number, rest?: Buffer | null, restCount?: number) => void,
  ): void;
  /** Stats `rest` (listAsync's names) through `fd` on libuv's pool and closes it: `done` gets -errno, or the entries (null: none). */
  statAsync(fd: number, rest: Uint8Array, done: (result: number | Buffer | null) => void): void;
  readonly layout: number;
  readonly entryHead: number;
}

/** scan()'s `at` for a path opened as it is (AT_FDCWD in the addon). */
const BY_PATH = -1;
/** A long-path directory is re-opened as "." relative to its checked descriptor. */
const DOT = Buffer.from('.');

/** Where node-gyp puts the addon, in the walker's folder. */
const ADDON_PATH = './native/build/Release/pwalk_native.node';

/**
 * The addon, or null when the TypeScript routes are to be used: it is not built
 * (its install step never fails an install), it does not load, or PWALK_NATIVE=0.
 * PWALK_NATIVE=1 makes an addon that does not load an error (tests use it to be
 * sure which route they measure).
 */
export function loadNativeBinding(env: NodeJS.ProcessEnv = process.env): NativeBinding | null {
  const want = env.PWALK_NATIVE;
  if (want === '0') return null;
  try {
    const binding = walkerRequire(ADDON_PATH) as NativeBinding;
    if (binding.layout !== RAW_STAT_LAYOUT || binding.entryHead !== RAW_STAT_HEAD) {
      throw new Error(`the addon writes layout ${binding.layout} (${binding.entryHead}-byte heads); the walker expects ${RAW_STAT_LAYOUT} (${RAW_STAT_HEAD})`);
    }
    return binding;
  } catch (err) {
    if (want === '1') throw new Error(`PWALK_NATIVE=1 but the native fast path does not load: ${(err as Error).message}`, { cause: err });
    return null;
  }
}

/** A listing of up to this size is written into the scanner's reused buffer; a larger one arrives in its own Buffer. */
const SCRATCH_BYTES = 1 << 20;
/** A larger listing's Buffer replaces the scratch one up to this size (the next huge directory reuses it). */
const MAX_SCRATCH_BYTES = 16 << 20;
const SYSTEM_ERRORS = getSystemErrorMap();
/** Errno names libuv's map lacks (ESTALE among them), from the OS's own table. */
const OS_ERRNO_NAMES = new Map(Object.entries(osConstants.errno).map(([name, errno]) => [errno, name]));

/** The Error Node's fs calls throw for `errno` (code, message and all), for the entry-error filter and fatal reports. */
function errnoError(errno: number, syscall: string, path: Buffer): NodeJS.ErrnoException {
  const osName = OS_ERRNO_NAMES.get(errno);
  const [code, text] =
    SYSTEM_ERRORS.get(-errno) ?? (osName !== undefined ? [osName, `errno ${errno}`] : [`Unknown system error -${errno}`, `Unknown system error -${errno}`]);
  const shown = path.toString('utf8');
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${shown}'`), { errno: -errno, code, syscall, path: shown });
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The native route of the synchronous engine: one addon call per directory
 * lists it and stats every entry relative to the directory's descriptor
 * (fstatat), returning all of it in one packed buffer, and FrameBuffer encodes
 * each entry straight from those bytes. No Stats object, BigInt, name string or
 * path string is made per entry; names are bytes, so UTF-8 and other names take
 * the same route, and a path past PATH_MAX is opened chunk by chunk and checked
 * as the TypeScript route does. Every decision about an entry (filters, error
 * records, counters, subdirectories) is the EntryPolicy's, called in the same
 * order as the TypeScript routes call it: a walk with --threads 1 writes
 * byte-identical thread files on both routes.
 */
export class NativeDirectoryScanner extends DirectoryScanner implements BatchScanner {
  private scratch: Buffer = Buffer.allocUnsafe(SCRATCH_BYTES);
  private scratchView: DataView = viewOf(this.scratch);
  private readonly rootPath: Buffer;
  private readonly basePath: Buffer;

  constructor(
    private readonly native: NativeBinding,
    settings: WalkSettings,
    out: FrameBuffer,
    policy: EntryPolicy,
  ) {
    super(settings, out, policy);
    this.rootPath = Buffer.from(settings.root);
    this.basePath = Buffer.from(settings.base);
  }

  protected override read(dir: DirectoryItem): void {
    if (this.pauseBeforeOpenMs > 0) pauseSync(this.pauseBeforeOpenMs);
    let at = BY_PATH;
    let base = this.basePath;
    let path = dir.rel;
    if (dir.rel.length === 0) {
      base = this.rootPath;
    } else if (this.isLong(dir)) {
      try {
        at = this.openLong(dir);
      } catch (err) {
        this.policy.readFailed(dir, err, Syscall.open);
        return;
      }
      base = DOT;
      path = EMPTY;
    }
    let result: number | Buffer;
    try {
      result = this.native.scan(at, base, path, dir.dev, dir.ino, this.scratch);
    } finally {
      if (at !== BY_PATH) closeSync(at);
    }
    this.recordResult(dir, result);
  }

  readsAsync(dir: DirectoryItem): boolean {
    return !this.isLong(dir);
  }

  listAsync(dir: DirectoryItem, done: (err: unknown, batch: EntryBatch | null) => void): void {
    const base = dir.rel.length === 0 ? this.rootPath : this.basePath;
    this.native.listAsync(base, dir.rel, dir.dev, dir.ino, (errno, dirs, fd, rest, restCount) => {
      let failure: unknown = null;
      let batch: EntryBatch | null = null;
      try {
        this.policy.read();
        if (errno < 0) {
          this.listFailed(dir, errno);
        } else {
          const ctx = this.policy.context(dir);
          if (dirs) this.recordListing(ctx, dirs, viewOf(dirs), dirs.length);
          if (fd! >= 0) batch = { ctx, fd: fd!, names: rest!, count: restCount! };
        }
        // With a batch still to stat, the directory ends after it (statAsync); a batch
        // discarded by a stopping walk leaves it unfinished, to be read again by a resume.
        if (batch === null) this.policy.finished(dir);
      } catch (err) {
        failure = err;
        if (fd !== undefined && fd >= 0) closeSync(fd);
      }
      done(failure, batch);
    });
  }

  statAsync(batch: EntryBatch, done: (err: unknown) => void): void {
    this.native.statAsync(batch.fd, batch.names, (result) => {
      let failure: unknown = null;
      try {
        // Only the addon's own allocation fails here: fatal, as an ENOMEM of scan() would be.
        if (typeof result === 'number') throw errnoError(-result, 'fstatat', Buffer.concat([this.basePath, batch.ctx.prefix]));
        if (result !== null) this.recordListing(batch.ctx, result, viewOf(result), result.length);
        this.policy.finished(batch.ctx.dir);
      } catch (err) {
        failure = err;
      }
      done(failure);
    });
  }

  discard(batch: EntryBatch): void {
    closeSync(batch.fd);
  }

  /** The directory could not be opened or listed (or, -ENOMEM, its entries not kept): its error record. */
  private listFailed(dir: DirectoryItem, errno: number): void {
    this.policy.readFailed(dir, errnoError(-errno, 'scandir', Buffer.concat([this.basePath, dir.rel])));
  }

  /** What scan() returned for `dir`: an error record, or its entries recorded. */
  private recordResult(dir: DirectoryItem, result: number | Buffer): void {
    let raw = this.scratch;
    let view = this.scratchView;
    let end: number;
    if (typeof result === 'number') {
      if (result < 0) {
        this.listFailed(dir, result);
        return;
      }
      end = result;
    } else {
      raw = result;
      view = viewOf(raw);
      end = raw.length;
      if (end > this.scratch.length && end <= MAX_SCRATCH_BYTES) {
        this.scratch = raw;
        this.scratchView = view;
      }
    }
    this.recordListing(this.policy.context(dir), raw, view, end);
  }

  /** Records every entry of a listing: the per-entry loop. */
  private recordListing(ctx: EntryContext, raw: Buffer, view: DataView, end: number): void {
    const out = this.out;
    const policy = this.policy;
    const parentIno = ctx.dir.ino;
    const prefix = ctx.prefix;
    let off = 0;
    while (off < end) {
      const nameStart = off + RAW_STAT_HEAD;
      const next = nameStart + view.getUint16(off + RawStatOffset.nameLength, true);
      if (policy.excludedBytes(ctx, raw, nameStart, next)) {
        off = next;
        continue;
      }
      const errno = view.getInt32(off + RawStatOffset.errno, true);
      if (errno !== 0) {
        this.entryFailed(ctx, errno, raw.subarray(nameStart, next));
        off = next;
        continue;
      }
      const type = entryTypeFromMode(view.getUint32(off + RawStatOffset.mode, true));
      if (type === EntryType.dir) {
        const name = raw.subarray(nameStart, next);
        if (!policy.skipsDirectory(name)) {
          appendRawStat(out, raw, view, off, type, parentIno, prefix);
          policy.count(readU64(view, off + RawStatOffset.size), type);
          policy.descend(ctx, name, readU64(view, off + RawStatOffset.dev), readU64(view, off + RawStatOffset.ino));
        }
      } else {
        appendRawStat(out, raw, view, off, type, parentIno, prefix);
        policy.count(readU64(view, off + RawStatOffset.size), type);
      }
      off = next;
    }
  }

  /** fstatat failed: the error the TypeScript routes' lstat would have thrown, to the policy. */
  private entryFailed(ctx: EntryContext, errno: number, name: Buffer): void {
    this.policy.statFailed(ctx, errnoError(errno, 'lstat', Buffer.concat([this.basePath, ctx.prefix, name])), name);
  }
}
