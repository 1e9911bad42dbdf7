import { EntryType, Syscall, type FrameBuffer } from '@pwalk-ts/reader/format';
import type { Ancestor, DirectoryItem } from './directory-item.js';
import type { EntryFilter } from './entry-filter.js';
import { countEntry, emptyTotals, type ScanTotals } from './scan-totals.js';
import type { WalkSettings } from './settings.js';

export const EMPTY = Buffer.alloc(0);
const SLASH = Buffer.from('/');

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
function entryErrorCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ENTRY_ERROR_CODES.has(code) ? code : null;
}

/** What every entry of one directory shares, whichever route lists it. */
export interface EntryContext {
  readonly dir: DirectoryItem;
  /** The directory's relative path bytes with a trailing '/' (empty for the root). */
  readonly prefix: Buffer;
  /** The same as text, for --exclude patterns ('' when nothing is excluded). */
  readonly relBase: string;
  /** Ancestors of the entries: this directory and its own. */
  readonly up: Ancestor;
  readonly childDepth: number;
  /** Whether subdirectories are read (--max-depth). */
  readonly descends: boolean;
}

const SNAPSHOT = '.snapshot';
const SNAPSHOT_BYTES = Buffer.from(SNAPSHOT);

/** `.snapshot` directories (NetApp, Isilon, GPFS) hold copies of the tree: --no-snapshots leaves them out. */
function isSnapshotName(name: string | Buffer): boolean {
  return typeof name === 'string' ? name === SNAPSHOT : SNAPSHOT_BYTES.equals(name);
}

const never = (): boolean => false;

function isAncestor(up: Ancestor | null, dev: number | bigint, ino: number | bigint): boolean {
  for (let a = up; a !== null; a = a.up) {
    // Loose equality: one side may be a bigint from an exact re-stat.
    if (a.ino == ino && a.dev == dev) return true;
  }
  return false;
}

/**
 * The rules for every entry, whichever route listed and stat'ed it (the native
 * addon, the TypeScript routes, the async engine): --exclude, --no-snapshots,
 * --max-depth, --one-file-system, the bind-mount loop check, error records and
 * the counters. A route lists and stats; what becomes of each entry is decided
 * here, which is why both routes write byte-identical thread files.
 *
 * Perf: each option is resolved once, into a method that either tests it or is a
 * constant (fdir style), so the routes' hot loops carry no test of an option.
 */
export class EntryPolicy {
  readonly totals: ScanTotals = emptyTotals();
  /** Whether the entry `name` of the directory of `ctx` is left out (--exclude). */
  readonly excluded: (ctx: EntryContext, name: string) => boolean;
  /** The same for a name given as bytes, at start..end of `raw`. */
  readonly excludedBytes: (ctx: EntryContext, raw: Buffer, start: number, end: number) => boolean;
  /** Whether a directory entry named `name` is left out (--no-snapshots). */
  readonly skipsDirectory: (name: string | Buffer) => boolean;
  /** Whether a directory on device `dev` is on another filesystem than the root's (--one-file-system). */
  private readonly leavesFilesystem: (dev: number | bigint) => boolean;
  private readonly filtering: boolean;
  /** Whether a resume's walk read the directory `rel` to the end before it stopped. */
  private readonly readBefore: (rel: Buffer) => boolean;
  private readonly maxDepth: number;

  constructor(
    settings: WalkSettings,
    private readonly out: FrameBuffer,
    filter: EntryFilter | null,
    private readonly stack: DirectoryItem[],
    private readonly onError: () => void,
    /** The root's device: every worker compares against it. */
    rootDev: bigint,
    /** A resume's directories read before it (latin1 keys): recorded and marked, never stacked again. */
    alreadyRead: ReadonlySet<string> | null = null,
  ) {
    this.readBefore = alreadyRead === null ? never : (rel) => alreadyRead.has(rel.toString('latin1'));
    this.filtering = filter !== null;
    this.excluded = filter === null ? never : (ctx, name) => filter(name, ctx.relBase + name);
    this.excludedBytes =
      filter === null
        ? never
        : (ctx, raw, start, end) => {
            const name = raw.toString('utf8', start, end);
            return filter(name, ctx.relBase + name);
          };
    this.skipsDirectory = settings.snapshots ? never : isSnapshotName;
    // Loose equality: the root's device is a bigint, an entry's may be a number.
    this.leavesFilesystem = settings.oneFileSystem ? (dev) => dev != rootDev : never;
    this.maxDepth = settings.maxDepth;
  }

  /** The root as a directory to read, or null when it is not one or --max-depth is 0. */
  rootItem(type: number, dev: bigint, ino: bigint): DirectoryItem | null {
    if (type !== EntryType.dir || this.maxDepth < 1) return null;
    return { rel: EMPTY, ino, dev, depth: 0, up: null };
  }

  /** Counts a directory as read, whether its listing succeeded or not. */
  read(): void {
    this.totals.dirsRead++;
  }

  /** Per-directory values every entry of `dir` needs, computed once. */
  context(dir: DirectoryItem): EntryContext {
    const childDepth = dir.depth + 1;
    return {
      dir,
      prefix: dir.rel.length === 0 ? EMPTY : Buffer.concat([dir.rel, SLASH]),
      relBase: !this.filtering || dir.rel.length === 0 ? '' : dir.rel.toString('utf8') + '/',
      up: { ino: dir.ino, dev: dir.dev, up: dir.up },
      childDepth,
      descends: childDepth < this.maxDepth,
    };
  }

  /** Counts an entry the route has just recorded. */
  count(size: number | bigint, type: number): void {
    countEntry(this.totals, size, type);
  }

  /** A recorded directory entry: stacked to be read, unless --max-depth, --one-file-system or a bind-mount loop says no. */
  descend(ctx: EntryContext, name: string | Buffer, dev: number | bigint, ino: number | bigint): void {
    if (!ctx.descends || this.leavesFilesystem(dev)) return;
    const rel = Buffer.concat([ctx.prefix, typeof name === 'string' ? Buffer.from(name) : name]);
    if (isAncestor(ctx.up, dev, ino)) {
      // A bind mount of an ancestor inside itself: descending would never end.
      this.error(ino, ctx.dir.ino, EntryType.dir, Syscall.scandir, 'ELOOP', rel, EMPTY);
      return;
    }
    if (!this.readBefore(rel)) this.stack.push({ rel, ino, dev, depth: ctx.childDepth, up: ctx.up });
    // A resume reads again every stacked directory whose end marker is missing (FORMAT.md 7.5).
    this.out.markDescended();
  }

  /** The root could not be stat'ed. */
  rootFailed(err: unknown): void {
    this.error(0, 0, EntryType.unknown, Syscall.lstat, codeOrThrow(err), EMPTY, EMPTY);
  }

  /** A directory could not be opened or listed (`syscall` says which). */
  readFailed(dir: DirectoryItem, err: unknown, syscall: number = Syscall.scandir): void {
    this.error(dir.ino, dir.up?.ino ?? 0, EntryType.dir, syscall, codeOrThrow(err), dir.rel, EMPTY);
    this.out.markOwnRead();
  }

  /** Every record of `dir`'s read is written: its end marker, which tells a resume the directory is done. */
  finished(dir: DirectoryItem): void {
    this.out.endDirectory(dir.rel, dir.ino);
  }

  /** An entry could not be stat'ed. */
  statFailed(ctx: EntryContext, err: unknown, name: string | Buffer): void {
    this.error(0, ctx.dir.ino, EntryType.unknown, Syscall.lstat, codeOrThrow(err), ctx.prefix, name);
  }

  /** The entry was listed but is gone by the time it is stat'ed. */
  vanished(ctx: EntryContext, name: string | Buffer): void {
    this.error(0, ctx.dir.ino, EntryType.unknown, Syscall.lstat, 'ENOENT', ctx.prefix, name);
  }

  private error(ino: number | bigint, parentIno: number | bigint, type: number, syscall: number, code: string, prefix: Buffer, name: string | Buffer): void {
    this.totals.errors++;
    this.onError();
    this.out.appendError(ino, parentIno, type, syscall, code, prefix, name);
  }
}

function codeOrThrow(err: unknown): string {
  const code = entryErrorCode(err);
  if (code === null) throw err;
  return code;
}
