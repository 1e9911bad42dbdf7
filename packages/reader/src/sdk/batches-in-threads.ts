import type { Worker } from 'node:worker_threads';
import { WalkErrorCode, WalkFormatError } from '../format/errors.js';
import { addProblem, BLOCK_LEFT, BLOCK_TAKEN } from '../format/thread-file.js';
import { blockOwner, type DealtShare } from './block-share.js';
import type { BatchThreadData, BatchThreadMessage, PartsMessage } from './batch-thread.js';
import type { EntryBlock } from './entry-block.js';
import { throwIfStopped } from './stop-signal.js';
import { problemFromThread, threadFailureError } from './thread-failure.js';
import type { Walk } from './walk.js';

/**
 * Turns one block of entries (Walk.entryBlocks) into bytes. A helper thread transfers
 * their ArrayBuffer (copying bytes under 64 KiB first, which may be a slice of Node's
 * Buffer pool): larger bytes must be the formatter's alone, as ByteRows.take()'s are.
 */
export type BatchFormatter = (block: EntryBlock) => Uint8Array;

/**
 * Makes a thread's formatter of a walk's batches, once in every thread (here, and by
 * runBatchThread in each helper); `parts` are every thread's PrepareBatches part, in
 * thread order (none without a preparation).
 */
export type CreateBatchFormatter<O, P = unknown> = (walk: Walk, options: O, signal: AbortSignal | undefined, parts: readonly P[]) => Promise<BatchFormatter>;

/**
 * For a formatter that needs something of the whole walk before its first row (cat's
 * pwalk rows: every directory's direct children): each thread's part of it, counted
 * over `share` (the blocks it formats), or undefined when `options` need nothing
 * (then no part is made or exchanged). Every thread's formatter gets all the parts.
 * Perf: each thread reads only its share for it, where each thread read the whole
 * walk before formatting (bench/RESULTS.md, "cat (session 8)"). A part must survive
 * postMessage.
 */
export type PrepareBatches<O, P> = (walk: Walk, options: O, share: DealtShare, signal: AbortSignal | undefined) => Promise<P> | undefined;

export interface FormattedBatchesOptions<O, P = unknown> {
  /** Threads formatting, this one included (defaultThreads); 1 formats every batch here. */
  readonly threads: number;
  readonly createFormatter: CreateBatchFormatter<O, P>;
  /** Given the same to runBatchThread in each helper. */
  readonly prepare?: PrepareBatches<O, P>;
  /**
   * Starts a helper thread: `new Worker(new URL('./ENTRY.js', import.meta.url), { workerData })`
   * (so the CLI's bundle finds the entry), whose ENTRY calls runBatchThread with the same
   * createFormatter and prepare.
   */
  readonly startHelper: (workerData: BatchThreadData<O>) => Worker;
  /** Given to createFormatter in every thread: it must survive postMessage. */
  readonly options: O;
  readonly onCorrupt: 'throw' | 'skip';
  /** Stops reading with a WalkFormatError ABORTED when it fires. */
  readonly signal: AbortSignal | undefined;
}

/** Messages a helper posted and this thread has not yet taken: bounds what waits here per helper. */
export const MESSAGES_IN_FLIGHT = 4;

/**
 * The walk's entries in file order, a batch at a time, each formatted into bytes:
 * block k is read (checked and decoded) and formatted by thread k mod `threads`
 * alone, where thread 0 is this one and the others are helper threads
 * (runBatchThread, batch-thread.ts) that read their own blocks of the walk; no entries cross threads,
 * only the bytes. The problems a helper's blocks met are added to `walk.problems` when
 * this thread comes to those blocks, so the list is the one a single thread makes, in
 * its order; a helper's failure is raised when its block is due, after the bytes of
 * every block before it. Helpers are stopped when the generator ends, however it ends.
 */
export async function* formattedBatches<O, P>(walk: Walk, options: FormattedBatchesOptions<O, P>): AsyncGenerator<Uint8Array> {
  const helpers = Array.from({ length: options.threads - 1 }, (_, i) => new HelperThread<O, P>(walk, options, i + 1));
  try {
    const format = await options.createFormatter(walk, options.options, options.signal, await preparedParts(walk, options, helpers));
    let seq = -1;
    const take = (): boolean => blockOwner(++seq, options.threads) === 0;
    for await (const block of walk.blocksInTurns(take, { onCorrupt: options.onCorrupt, signal: options.signal })) {
      if (block === BLOCK_TAKEN) continue;
      if (block !== BLOCK_LEFT) {
        yield format(block);
        continue;
      }
      const helper = helpers[blockOwner(seq, options.threads) - 1]!;
      for (;;) {
        const message = await helper.next(options.signal);
        if (message.seq !== seq) throw walkChanged(walk);
        if (message.type === 'piece') yield message.bytes;
        else {
          for (const p of message.problems) addProblem(walk.problems, problemFromThread(p));
          break;
        }
      }
    }
    // Every thread read the walk's blocks in turn; had it changed meanwhile, they would disagree.
    for (const helper of helpers) if ((await helper.finished(options.signal)) !== seq + 1) throw walkChanged(walk);
  } finally {
    await Promise.all(helpers.map((h) => h.stop()));
  }
}

/**
 * Every thread's part of options.prepare (this one's counted here meanwhile), handed to
 * each helper; none without a preparation. The problems its reading met are dropped
 * here (and in each helper): formatting meets them again, and reports them in order.
 */
async function preparedParts<O, P>(walk: Walk, options: FormattedBatchesOptions<O, P>, helpers: readonly HelperThread<O, P>[]): Promise<P[]> {
  const problemsBefore = walk.problems.length;
  const own = options.prepare?.(walk, options.options, { index: 0, of: options.threads }, options.signal);
  if (own === undefined) return [];
  const parts = [await own];
  for (const helper of helpers) parts.push(await helper.part(options.signal));
  walk.problems.length = problemsBefore;
  helpers.forEach((helper, k) => helper.handParts(parts, k + 1));
  return parts;
}

function walkChanged(walk: Walk): WalkFormatError {
  return new WalkFormatError(WalkErrorCode.IO, 'the walk changed while it was read', { file: walk.dir });
}

type BlockMessage = Extract<BatchThreadMessage<unknown>, { type: 'piece' | 'block' }>;

/** One helper thread, seen from this one: its messages in order, its end or its failure. */
class HelperThread<O, P> {
  readonly #worker: Worker;
  readonly #queue: BlockMessage[] = [];
  #part: { value: P } | null = null;
  #blocks: number | null = null;
  #failure: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(walk: Walk, options: FormattedBatchesOptions<O, P>, index: number) {
    this.#worker = options.startHelper({ dir: walk.dir, options: options.options, onCorrupt: options.onCorrupt, threads: options.threads, index });
    this.#worker.on('message', (message: BatchThreadMessage<P>) => {
      if (message.type === 'piece' || message.type === 'block') this.#queue.push(message);
      else if (message.type === 'part') this.#part = { value: message.part };
      else if (message.type === 'done') this.#blocks = message.blocks;
      else this.#failure ??= threadFailureError(message.error, 'formatting thread');
      this.#wakeUp();
    });
    this.#worker.on('error', (err) => {
      this.#failure ??= new Error(`formatting thread: ${err.message}`, { cause: err });
      this.#wakeUp();
    });
    this.#worker.on('exit', (code) => {
      if (this.#blocks === null) this.#failure ??= new Error(`formatting thread exited with code ${code} before it was done`);
      this.#wakeUp();
    });
  }

  /** The helper's part of the preparation (PrepareBatches). */
  async part(signal: AbortSignal | undefined): Promise<P> {
    while (this.#part === null) await this.#settled(signal);
    return this.#part.value;
  }

  /** Gives the helper every thread's part but its own (`index`), which it kept. */
  handParts(parts: readonly P[], index: number): void {
    this.#worker.postMessage({ type: 'parts', parts: parts.map((p, k) => (k === index ? null : p)) } satisfies PartsMessage<P>);
  }

  /** The helper's next message about its blocks; the helper may then post one more. */
  async next(signal: AbortSignal | undefined): Promise<BlockMessage> {
    for (;;) {
      const message = this.#queue.shift();
      if (message !== undefined) {
        this.#worker.postMessage('taken');
        return message;
      }
      await this.#settled(signal);
    }
  }

  /** How many blocks the helper met in all, once it is done (-1 when it posted more than was taken). */
  async finished(signal: AbortSignal | undefined): Promise<number> {
    while (this.#blocks === null) await this.#settled(signal);
    return this.#queue.length > 0 ? -1 : this.#blocks;
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
