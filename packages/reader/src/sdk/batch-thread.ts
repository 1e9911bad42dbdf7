import { parentPort, workerData } from 'node:worker_threads';
import { BLOCK_LEFT, BLOCK_TAKEN } from '../format/thread-file.js';
import { blockOwner } from './block-share.js';
import { MESSAGES_IN_FLIGHT, type CreateBatchFormatter, type PrepareBatches } from './batches-in-threads.js';
import { threadFailure, threadProblem, type ThreadFailure, type ThreadProblem } from './thread-failure.js';
import { openWalk, type Walk } from './walk.js';

/** What formattedBatches gives a helper thread it starts (its workerData). */
export interface BatchThreadData<O> {
  readonly dir: string;
  readonly options: O;
  readonly onCorrupt: 'throw' | 'skip';
  readonly threads: number;
  readonly index: number;
}

export type BatchThreadMessage<P> =
  /** This thread's part of the preparation (PrepareBatches), before any block. */
  | { readonly type: 'part'; readonly part: P }
  | { readonly type: 'piece'; readonly seq: number; readonly bytes: Uint8Array }
  /** Block `seq` is done: `problems` are what reading it met. */
  | { readonly type: 'block'; readonly seq: number; readonly problems: ThreadProblem[] }
  /** `blocks`: every block of the walk this thread met (the writing thread must have met as many). */
  | { readonly type: 'done'; readonly blocks: number }
  | { readonly type: 'failed'; readonly error: ThreadFailure };

/** Every thread's part of the preparation, the receiver's own left out (null): the one message but 'taken' the writing thread sends. */
export interface PartsMessage<P> {
  readonly type: 'parts';
  readonly parts: readonly (P | null)[];
}

/**
 * A helper thread of formattedBatches (batches-in-threads.ts), run by the entry file
 * its startHelper starts: it reads and formats the walk's blocks whose turn is its own
 * (block k is thread k mod N's), posting each batch's bytes and, at each block's end,
 * the problems it met, at most MESSAGES_IN_FLIGHT ahead of the thread that writes them.
 */
export function runBatchThread<O, P>(createFormatter: CreateBatchFormatter<O, P>, prepare?: PrepareBatches<O, P>): void {
  const port = parentPort!;
  const data = workerData as BatchThreadData<O>;
  let inFlight = 0;
  let taken: (() => void) | null = null;
  let handParts: ((message: PartsMessage<P>) => void) | null = null;
  port.on('message', (message: 'taken' | PartsMessage<P>) => {
    if (message !== 'taken') return handParts?.(message);
    inFlight--;
    taken?.();
    taken = null;
  });
  const post = async (message: BatchThreadMessage<P>, transfer: ArrayBuffer[] = []): Promise<void> => {
    while (inFlight >= MESSAGES_IN_FLIGHT) await new Promise<void>((resolve) => (taken = resolve));
    inFlight++;
    port.postMessage(message, transfer);
  };
  const run = async (): Promise<void> => {
    // The writing thread opened this walk already and reports what its folder holds amiss.
    const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
    const format = await createFormatter(walk, data.options, undefined, await preparedParts(walk));
    let seq = -1;
    let problemsFrom = 0;
    const take = (): boolean => {
      problemsFrom = walk.problems.length;
      return blockOwner(++seq, data.threads) === data.index;
    };
    for await (const block of walk.blocksInTurns(take, { onCorrupt: data.onCorrupt })) {
      if (block === BLOCK_LEFT) continue;
      if (block === BLOCK_TAKEN) {
        await post({ type: 'block', seq, problems: walk.problems.slice(problemsFrom).map(threadProblem) });
        continue;
      }
      const bytes = handedOver(format(block));
      await post({ type: 'piece', seq, bytes }, [bytes.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'done', blocks: seq + 1 } satisfies BatchThreadMessage<P>);
  };
  /** Every thread's part of the preparation: this one's counted and posted, the others' handed back (formattedBatches' preparedParts). */
  const preparedParts = async (walk: Walk): Promise<P[]> => {
    const problemsBefore = walk.problems.length;
    const preparing = prepare?.(walk, data.options, { index: data.index, of: data.threads }, undefined);
    if (preparing === undefined) return [];
    const handed = new Promise<PartsMessage<P>>((resolve) => (handParts = resolve));
    const own = await preparing;
    walk.problems.length = problemsBefore;
    port.postMessage({ type: 'part', part: own } satisfies BatchThreadMessage<P>);
    return (await handed).parts.map((p) => p ?? own);
  };
  run().catch((err: unknown) => {
    port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies BatchThreadMessage<P>);
  });
}

/** Below this, bytes may be a slice of Node's Buffer pool, shared and not to be transferred (Node 24 refuses to): they are copied. */
const COPIED_BELOW = 64 * 1024;

/** `bytes` in an ArrayBuffer of their own, to transfer. */
function handedOver(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength < COPIED_BELOW ? new Uint8Array(bytes) : bytes;
}
