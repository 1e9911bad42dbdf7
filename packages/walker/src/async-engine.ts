import { closeSync, lstat, readdir, type BigIntStats } from 'node:fs';
import { fdPath, openChecked } from './checked-directory.js';
import type { DirectoryItem } from './directory-item.js';
import type { EntryContext } from './entry-policy.js';
import { CallEngine, type EngineSetup } from './call-engine.js';

const LSTAT_BIGINT = { bigint: true } as const;

/** A listed directory as the scanner hands it back: what its entries share, and the descriptor path (with '/') they are stat'ed under. */
export interface ListedDirectory {
  readonly ctx: EntryContext;
  readonly base: string;
}

/**
 * What the engine needs of a scanner: the engine makes the calls, the scanner
 * decides what each result means (records, errors, counters, subdirectories).
 */
export interface AsyncScanner {
  /** The test knob's pause before each directory's open (0: none). */
  readonly pauseBeforeOpenMs: number;
  /** The path to open `dir` by on libuv's pool, or null when it is read synchronously (a long or non-UTF-8 path). */
  asyncPath(dir: DirectoryItem): string | null;
  /** Reads `dir` synchronously. */
  scan(dir: DirectoryItem): void;
  /** `dir` could not be opened or listed. */
  unreadable(dir: DirectoryItem, err: unknown): void;
  /** `dir` was listed as `names` through the descriptor path `via`: the entries to stat, or null when the scanner is done with it (empty, or re-read as bytes). */
  listed(dir: DirectoryItem, via: string, names: readonly string[]): ListedDirectory | null;
  /** The path to lstat the entry `name` by, or null when it is excluded. */
  statPath(listed: ListedDirectory, name: string): string | null;
  /** The lstat of the entry `name` returned. */
  stated(listed: ListedDirectory, name: string, err: NodeJS.ErrnoException | null, st: BigIntStats): void;
  /** Every entry of a listed directory is stat'ed and recorded. */
  finished(listed: ListedDirectory): void;
}

/** A listed directory whose entries are being stat'ed, through its descriptor. */
interface OpenDirectory {
  readonly listed: ListedDirectory;
  readonly names: readonly string[];
  next: number;
  readonly fd: number;
  /** Its lstats in flight: the descriptor is closed when the last one returns. */
  pending: number;
}

/**
 * The latency-bound engine: keeps `inflight` filesystem calls running at once in
 * this worker, so the round trips of a network filesystem overlap.
 *
 * Calls are spread over as many directories as possible: up to `inflight`
 * directories are open at once and their lstats are issued round-robin, one
 * directory after another. Many filesystems serialise lookups within one
 * directory (FUSE without parallel dirops, some NFS servers), so calls into
 * different directories are the ones that truly overlap; a lone huge directory
 * still gets every call slot. It runs when --threads asks for more calls in flight
 * than there are cores; calls go to libuv's thread pool, which the CLI sizes to
 * match before anything starts it.
 *
 * Records, errors and subdirectories go through the same scanner, and so the same
 * EntryPolicy, as the synchronous route; directories whose path is long or not
 * UTF-8 are read by its synchronous routes (rare, and exact).
 */
export class AsyncDirectoryEngine extends CallEngine {
  private running = 0;
  private listing = 0;
  /** Round-robin ring of open directories that still have entries to stat. */
  private readonly open: OpenDirectory[] = [];
  private turn = 0;

  constructor(
    private readonly scanner: AsyncScanner,
    setup: EngineSetup,
  ) {
    super(setup);
  }

  /** Starts calls until `inflight` run: a new listing while fewer directories than that are open, else the next lstat in turn. */
  protected pump(): void {
    if (!this.stopping()) this.shareWork();
    while (this.running < this.inflight) {
      // Asked each time: a directory read synchronously here may fail the walk, after which only open directories finish.
      if (!this.stopping() && this.stack.length > 0 && this.open.length + this.listing < this.inflight) {
        const dir = this.stack.pop()!;
        const path = this.scanner.asyncPath(dir);
        if (path !== null) {
          this.list(dir, path);
        } else {
          this.guard(() => {
            this.scanner.scan(dir);
            this.afterDirectory();
          });
        }
      } else if (this.open.length > 0) {
        this.statNext();
      } else {
        break;
      }
    }
    if (this.running === 0 && this.open.length === 0 && (this.stack.length === 0 || this.stopping())) this.finish();
  }

  private list(dir: DirectoryItem, path: string): void {
    this.running++;
    this.listing++;
    if (this.scanner.pauseBeforeOpenMs > 0) setTimeout(() => this.read(dir, path), this.scanner.pauseBeforeOpenMs);
    else this.read(dir, path);
  }

  /** Opens the directory as the entry that was stat'ed, then lists it through that descriptor. */
  private read(dir: DirectoryItem, path: string): void {
    openChecked(path, dir, (openErr, fd) => {
      if (openErr !== null) {
        this.listed(() => this.scanner.unreadable(dir, openErr));
        return;
      }
      const via = fdPath(fd);
      readdir(via, (err, names) => {
        this.listed(() => {
          if (err !== null) {
            closeSync(fd);
            this.scanner.unreadable(dir, err);
            return;
          }
          let listed: ListedDirectory | null = null;
          try {
            listed = this.scanner.listed(dir, via, names);
          } finally {
            if (listed === null) closeSync(fd);
          }
          if (listed !== null) this.open.push({ listed, names, next: 0, fd, pending: 0 });
        });
      });
    });
  }

  /** The end of a directory's listing calls: hand the result to the scanner (`work`), then start more calls. */
  private listed(work: () => void): void {
    this.running--;
    this.listing--;
    this.guard(() => {
      work();
      this.afterDirectory();
    });
    this.pump();
  }

  private statNext(): void {
    if (this.turn >= this.open.length) this.turn = 0;
    const d = this.open[this.turn]!;
    const name = d.names[d.next++]!;
    if (d.next === d.names.length) this.open.splice(this.turn, 1);
    else this.turn++;
    const path = this.scanner.statPath(d.listed, name);
    if (path === null) {
      this.release(d);
      return;
    }
    this.running++;
    d.pending++;
    lstat(path, LSTAT_BIGINT, (err, st) => {
      this.running--;
      d.pending--;
      this.guard(() => this.scanner.stated(d.listed, name, err, st));
      this.release(d);
      this.pump();
    });
  }

  /**
   * Closes a directory's descriptor once every entry has been stat'ed. Closing a
   * directory does not wait on the filesystem (FUSE releases it in the background,
   * NFS sends nothing), so it is not a pool call.
   */
  private release(d: OpenDirectory): void {
    if (d.next === d.names.length && d.pending === 0) {
      closeSync(d.fd);
      this.guard(() => this.scanner.finished(d.listed));
    }
  }
}
