import { Worker } from 'node:worker_threads';
import { WalkErrorCode, WalkFormatError } from '../format/errors.js';
import type { BatchThreadData, BatchThreadMessage } from './batch-thread.js';
import type { WalkEntry } from './record.js';
import { throwIfStopped } from './stop-signal.js';
import { threadFailureError } from './thread-failure.js';
import type { Walk } from './walk.js';

/** Turns one batch of entries (Walk.recordBatches) into bytes. They must be the caller's alone: a helper thread transfers their ArrayBuffer. */
export type BatchFormatter = (entries: readonly WalkEntry[]) => Uint8Array;

/** What the module named by `module` exports: the formatter of a walk's batches, made once in every thread. */
export interface BatchFormatterModule {
  readonly createBatchFormatter: (walk: Walk, options: unknown, signal: AbortSignal | undefined) => Promise<BatchFormatter>;
}

export interface FormattedBatchesOptions {
  /** Threads formatting, this one included (defaultThreads); 1 formats every batch here. */
  readonly threads: number;
  /** The URL (href) of a BatchFormatterModule: loaded here and by each helper thread. */
  readonly module: string;
  /** Given to createBatchFormatter in every thread: it must survive postMessage. */
  readonly options: unknown;
  readonly onCorrupt: 'throw' | 'skip';
  /** Stops reading with a WalkFormatError ABORTED when it fires. */
  readonly signal: AbortSignal | undefined;
}

/** Batches a helper posted and this thread has not yet taken: bounds what waits here to two per helper. */
export const BATCHES_IN_FLIGHT = 2;

/**
 * The walk's batches in file order, each formatted into bytes: batch k by thread k mod
 * `threads`, where thread 0 is this one and the others are helper threads
 * (batch-thread.ts) that each read the walk too and format only their own batches.
 * Every thread decodes every block (a fraction of the cost of formatting its rows) and
 * no entries cross threads. This thread's own reading is the one that counts: its
 * problems go to `walk.problems` as in one thread, and a helper's failure is raised
 * only when the batch it failed to format is the next one due, so a walk that fails
 * partway yields what one thread would have yielded before failing the same way.
 * Helpers are stopped when the generator ends, however it ends.
 */
export async function* formattedBatches(walk: Walk, options: FormattedBatchesOptions): AsyncGenerator<Uint8Array> {
  const helpers = Array.from({ length: options.threads - 1 }, (_, i) => new HelperThread(walk, options, i + 1));
  try {
    const { createBatchFormatter } = (await import(options.module)) as BatchFormatterModule;
    const format = await createBatchFormatter(walk, options.options, options.signal);
    let seq = 0;
    for await (const batch of walk.recordBatches({ onCorrupt: options.onCorrupt, signal: options.signal })) {
      const owner = seq % options.threads;
      yield owner === 0 ? format(batch) : await helpers[owner - 1]!.take(seq, options.signal);
      seq++;
    }
    // Every thread read the walk whole; had it changed meanwhile, they would disagree.
    for (const helper of helpers) {
      if ((await helper.finished(options.signal)) !== seq) {
        throw new WalkFormatError(WalkErrorCode.IO, 'the walk changed while it was read', { file: walk.dir });
      }
    }
  } finally {
    await Promise.all(helpers.map((h) => h.stop()));
  }
}

/** One helper thread, seen from this one: its formatted batches by number, its end or its failure. */
class HelperThread {
  readonly #worker: Worker;
  readonly #ready = new Map<number, Uint8Array>();
  #batches: number | null = null;
  #failure: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(walk: Walk, options: FormattedBatchesOptions, index: number) {
    const data: BatchThreadData = {
      dir: walk.dir,
      module: options.module,
      options: options.options,
      onCorrupt: options.onCorrupt,
      threads: options.threads,
      index,
    };
    this.#worker = new Worker(new URL('./batch-thread.js', import.meta.url), { workerData: data });
    this.#worker.on('message', (message: BatchThreadMessage) => {
      if (message.type === 'batch') this.#ready.set(message.seq, message.bytes);
      else if (message.type === 'done') this.#batches = message.batches;
      else this.#failure ??= threadFailureError(message.error, 'formatting thread');
      this.#wakeUp();
    });
    this.#worker.on('error', (err) => {
      this.#failure ??= new Error(`formatting thread: ${err.message}`, { cause: err });
      this.#wakeUp();
    });
    this.#worker.on('exit', (code) => {
      if (this.#batches === null) this.#failure ??= new Error(`formatting thread exited with code ${code} before it was done`);
      this.#wakeUp();
    });
  }

  /** Batch `seq`'s bytes, once the helper posted them; the helper may then post one more. */
  async take(seq: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    for (;;) {
      const bytes = this.#ready.get(seq);
      if (bytes !== undefined) {
        this.#ready.delete(seq);
        this.#worker.postMessage('taken');
        return bytes;
      }
      await this.#settled(signal);
    }
  }

  /** How many batches the helper read in all, once it is done. */
  async finished(signal: AbortSignal | undefined): Promise<number> {
    while (this.#batches === null) await this.#settled(signal);
    return this.#ready.size > 0 ? -1 : this.#batches;
  }

  stop(): Promise<number> {
    return this.#worker.terminate();
  }

  /** Waits for the helper's next message; raises its failure, or the caller's stop. */
  async #settled(signal: AbortSignal | undefined): Promise<void> {
    throwIfStopped(signal);
    if (this.#failure !== null) throw this.#failure;
    const woken = new Promise<void>((resolve) => (this.#wake = resolve));
    const wakeUp = (): void => this.#wakeUp();
    signal?.addEventListener('abort', wakeUp, { once: true });
    await woken;
    signal?.removeEventListener('abort', wakeUp);
  }

  #wakeUp(): void {
    this.#wake?.();
    this.#wake = null;
  }
}
