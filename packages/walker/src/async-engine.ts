import { closeSync, lstat, readdir, type BigIntStats } from 'node:fs';
import { fdPath, openChecked } from './checked-directory.js';
import type { DirectoryContext, DirectoryScanner } from './directory-scanner.js';
import type { DirectoryItem } from './directory-item.js';
import { Control } from './progress-counters.js';
import type { WorkSource } from './work-queue.js';

const LSTAT_BIGINT = { bigint: true } as const;

/** A listed directory whose entries are being stat'ed, through its descriptor. */
interface OpenDirectory {
  readonly ctx: DirectoryContext;
  readonly names: string[];
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
 * Records, errors and subdirectories go through the same DirectoryScanner as the
 * synchronous route; directories whose path is long or not UTF-8 are read by its
 * synchronous routes (rare, and exact).
 */
export class AsyncDirectoryEngine {
  private running = 0;
  private listing = 0;
  /** Round-robin ring of open directories that still have entries to stat. */
  private readonly open: OpenDirectory[] = [];
  private turn = 0;
  private drained: (() => void) | null = null;
  private failure: unknown = null;

  constructor(
    private readonly scanner: DirectoryScanner,
    private readonly stack: DirectoryItem[],
    private readonly source: WorkSource,
    private readonly control: Int32Array,
    private readonly inflight: number,
    private readonly afterDirectory: () => void,
  ) {}

  /** Reads every directory on the stack and below; resolves when none is left and no call is running. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.drained = () => (this.failure === null ? resolve() : reject(this.failure));
      this.pump();
    });
  }

  /** Starts calls until `inflight` run: a new listing while fewer directories than that are open, else the next lstat in turn. */
  private pump(): void {
    const stopping = Atomics.load(this.control, Control.stop) !== 0 || this.failure !== null;
    if (!stopping && this.stack.length > 1 && this.source.wantsWork()) this.source.give(this.stack.splice(0, this.stack.length >> 1));
    while (this.running < this.inflight) {
      if (!stopping && this.stack.length > 0 && this.open.length + this.listing < this.inflight) {
        const dir = this.stack.pop()!;
        if (this.scanner.isFastRoute(dir)) this.list(dir);
        else this.guard(() => this.scanner.scan(dir));
      } else if (this.open.length > 0) {
        this.statNext();
      } else {
        break;
      }
    }
    if (this.running === 0 && this.open.length === 0 && (this.stack.length === 0 || stopping)) {
      const done = this.drained;
      this.drained = null;
      done?.();
    }
  }

  private list(dir: DirectoryItem): void {
    const path = this.scanner.pathOf(dir);
    this.running++;
    this.listing++;
    if (this.scanner.pauseBeforeOpenMs > 0) setTimeout(() => this.read(dir, path), this.scanner.pauseBeforeOpenMs);
    else this.read(dir, path);
  }

  /** Opens the directory as the entry that was stat'ed, then lists it through that descriptor. */
  private read(dir: DirectoryItem, path: string): void {
    openChecked(path, dir, (openErr, fd) => {
      if (openErr !== null) {
        this.listed(() => this.scanner.readFailed(dir, openErr));
        return;
      }
      const via = fdPath(fd);
      readdir(via, (err, names) => {
        this.listed(() => {
          if (err === null && names.length > 0 && !this.scanner.needsBytes(names)) {
            this.open.push({ ctx: this.scanner.context(dir, via), names, next: 0, fd, pending: 0 });
            return;
          }
          closeSync(fd);
          if (err !== null) this.scanner.readFailed(dir, err);
          else if (names.length > 0) this.scanner.scanRoute(dir);
        });
      });
    });
  }

  /** The end of a directory's listing calls: count it, record (`work`), then start more calls. */
  private listed(work: () => void): void {
    this.running--;
    this.listing--;
    this.guard(() => {
      this.scanner.totals.dirs++;
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
    if (this.scanner.excluded(d.ctx, name)) {
      this.release(d);
      return;
    }
    const ctx = d.ctx;
    this.running++;
    d.pending++;
    lstat((ctx.base as string) + name, LSTAT_BIGINT, (err, st) => {
      this.running--;
      d.pending--;
      this.guard(() => {
        if (err === null) this.scanner.record(st as unknown as BigIntStats, ctx, name);
        else if (err.code === 'ENOENT') this.scanner.vanished(ctx, name);
        else this.scanner.statFailed(ctx, err, name);
      });
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
    if (d.next === d.names.length && d.pending === 0) closeSync(d.fd);
  }

  /** A fatal error (not an entry error) stops new calls; run() rejects once the running ones finish. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.failure ??= err;
    }
  }
}
