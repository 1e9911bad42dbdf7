import fastq from 'fastq';
import type { DirectoryItem } from './directory-item.js';
import type { EntryContext } from './entry-policy.js';
import { CallEngine, type EngineSetup } from './call-engine.js';

/** A listed directory's entries that are not directories, still to be stat'ed through its open descriptor. */
export interface EntryBatch {
  readonly ctx: EntryContext;
  readonly fd: number;
  /** Each name as a u16 length and its bytes. */
  readonly names: Buffer;
  readonly count: number;
}

/** What the batched engine needs of a scanner: a directory in two asynchronous calls, one crossing each. */
export interface BatchScanner {
  /** The test knob's pause before each directory's open (0: none). */
  readonly pauseBeforeOpenMs: number;
  /** False when `dir` is read synchronously (a path past the PATH_MAX margin, opened chunk by chunk). */
  readsAsync(dir: DirectoryItem): boolean;
  /** Reads `dir` synchronously. */
  scan(dir: DirectoryItem): void;
  /** Opens and lists `dir`, records its subdirectories (stacking them), and hands back the rest of its entries (null: none). */
  listAsync(dir: DirectoryItem, done: (err: unknown, batch: EntryBatch | null) => void): void;
  /** Stats and records a batch; its descriptor is closed. */
  statAsync(batch: EntryBatch, done: (err: unknown) => void): void;
  /** Closes a batch that will not be read (the walk is stopping). */
  discard(batch: EntryBatch): void;
}

/** A batch this large is stat'ed as soon as a slot is free, ahead of listings: its lookups are one long stream best started early. */
const BIG_BATCH = 1000;
/**
 * Most batches left waiting, each holding its directory's descriptor, before one
 * is stat'ed ahead of listings: the worker's share of calls in flight, at most
 * this many, so --threads 256 and beyond stay far below a 1024-descriptor limit.
 */
const MAX_WAITING_BATCHES = 64;

/**
 * Calls queued on libuv's pool beyond the worker's share of the calls in flight,
 * as a fraction of it. The pool has --threads threads, which bound the calls in
 * flight; a queued call starts the moment a pool thread is free, without waiting
 * for this thread's event loop to hand it over.
 */
const QUEUED_AHEAD = 0.5;

type Read = { readonly dir: DirectoryItem; readonly batch: null } | { readonly dir: null; readonly batch: EntryBatch };

/**
 * The latency-bound engine of the native route: keeps `inflight` pool calls
 * running, each one stream of calls into one directory. A directory is read in
 * two calls: the listing (open, check, getdents64, an fstatat of each name that
 * may be a directory), which records and stacks its subdirectories, then the
 * batch of its other entries (an fstatat each). Lookups within one directory
 * are served one at a time on many filesystems (FUSE without parallel dirops,
 * some NFS servers), so the calls that overlap are those of different
 * directories: each slot works in a directory of its own, and listings go
 * first, so the tree opens up and every slot finds a directory to work in.
 * Batches wait, their descriptors open, until the stack runs dry or
 * `inflight` of them wait (MAX_WAITING_BATCHES at most); the largest goes first, and one of BIG_BATCH
 * entries or more jumps ahead of listings, so a huge directory's lookups run
 * beside the rest of the walk instead of after it. The JavaScript cost is one
 * crossing and one packed buffer per call, not per entry.
 *
 * fastq bounds the calls in flight; the engine hands it work only when a slot
 * is free, so directories not yet started stay on the stack, where an idle
 * worker can be given them.
 */
export class BatchedDirectoryEngine extends CallEngine {
  private readonly calls: fastq.queue<Read, void>;
  /** Calls handed to libuv's pool at once: this worker's share of the calls in flight, and those queued behind them. */
  private readonly submitted: number;
  private readonly waitingBatches: number;
  private readonly batches: EntryBatch[] = [];
  private readonly pumpNext = (): void => this.pump();
  /** fastq calls a task's callback before it frees the task's slot: the next pump waits for a microtask, when the slot is free. */
  private readonly finished = (err: Error | null): void => {
    if (err !== null) this.fail(err);
    queueMicrotask(this.pumpNext);
  };

  constructor(
    private readonly scanner: BatchScanner,
    setup: EngineSetup,
  ) {
    super(setup);
    this.submitted = setup.inflight + Math.ceil(setup.inflight * QUEUED_AHEAD);
    this.waitingBatches = Math.min(setup.inflight, MAX_WAITING_BATCHES);
    this.calls = fastq<unknown, Read, void>((read, done) => this.call(read, (err) => done(err === null ? null : (err as Error))), this.submitted);
  }

  /** Starts calls until `submitted` are out: the batch nextBatch() picks, else the next listing. */
  protected pump(): void {
    const stopping = this.stopping();
    if (!stopping) this.shareWork();
    while (!stopping && this.calls.running() < this.submitted) {
      const batch = this.nextBatch();
      if (batch !== null) {
        this.calls.push({ dir: null, batch }, this.finished);
      } else if (this.stack.length > 0) {
        const dir = this.stack.pop()!;
        if (this.scanner.readsAsync(dir)) {
          this.calls.push({ dir, batch: null }, this.finished);
        } else {
          this.guard(() => {
            this.scanner.scan(dir);
            this.afterDirectory();
          });
          if (this.failure !== null) break;
        }
      } else {
        break;
      }
    }
    if (this.calls.idle() && (this.stopping() || (this.stack.length === 0 && this.batches.length === 0))) {
      for (const batch of this.batches.splice(0)) this.scanner.discard(batch);
      this.finish();
    }
  }

  /** The batch to stat now, if any: the largest, when listings have run dry, `waitingBatches` wait, or it is big. */
  private nextBatch(): EntryBatch | null {
    const batches = this.batches;
    if (batches.length === 0) return null;
    let largest = 0;
    for (let i = 1; i < batches.length; i++) if (batches[i]!.count > batches[largest]!.count) largest = i;
    if (this.stack.length > 0 && batches.length < this.waitingBatches && batches[largest]!.count < BIG_BATCH) return null;
    const batch = batches[largest]!;
    batches[largest] = batches[batches.length - 1]!;
    batches.pop();
    return batch;
  }

  private call(read: Read, done: (err: unknown) => void): void {
    if (read.batch !== null) {
      this.scanner.statAsync(read.batch, (err) => {
        this.afterDirectory();
        done(err);
      });
      return;
    }
    const dir = read.dir;
    const list = (): void =>
      this.scanner.listAsync(dir, (err, batch) => {
        if (batch !== null) this.batches.push(batch);
        this.afterDirectory();
        done(err);
      });
    if (this.scanner.pauseBeforeOpenMs > 0) setTimeout(list, this.scanner.pauseBeforeOpenMs);
    else list();
  }
}
