import { parentPort, workerData, type Worker } from 'node:worker_threads';
import type { BlockShare, ClaimedShare } from './block-share.js';
import { threadFailure, threadFailureError, type ThreadFailure } from './thread-failure.js';
import { openWalk, type Walk } from './walk.js';

/** What a worker of a shared pass is given (its workerData): the walk folder, its share of the blocks and the pass's own settings. */
export interface SharedPassWorkerData<D> {
  readonly dir: string;
  readonly share: BlockShare;
  readonly settings: D;
}

type SharedPassMessage<P> = { readonly type: 'done'; readonly part: P } | { readonly type: 'failed'; readonly error: ThreadFailure };

/** Worker threads reading a walk beside this thread: their parts, in share order, and a way to stop them. */
export interface SharedPass<P> {
  readonly parts: Promise<P[]>;
  stop(): Promise<void>;
}

/**
 * Starts `workers` worker threads with `start`, each running a module that calls
 * serveSharedPass over its share of the walk's blocks (block-share.ts), for a pass
 * whose result is a sum the caller merges: every Nth block each, or with `claimed`, the
 * blocks each claims (the caller may claim some too). The caller's own thread reads the whole walk
 * meanwhile for what it keeps itself, so it meets every problem of the walk: the
 * workers' are not sent back. `what` names the workers in their errors. Call stop()
 * however the pass ends.
 */
export function startSharedPass<D, P>(
  walk: Walk,
  workers: number,
  start: (workerData: SharedPassWorkerData<D>) => Worker,
  settings: D,
  what: string,
  claimed?: ClaimedShare,
): SharedPass<P> {
  const threads: Worker[] = [];
  const parts: Promise<P>[] = [];
  for (let index = 0; index < workers; index++) {
    const data: SharedPassWorkerData<D> = { dir: walk.dir, share: claimed ?? { index, of: workers }, settings };
    const w = start(data);
    threads.push(w);
    parts.push(
      new Promise((resolve, reject) => {
        w.once('message', (message: SharedPassMessage<P>) => {
          if (message.type === 'done') resolve(message.part);
          else reject(threadFailureError(message.error, what));
        });
        w.once('error', (err) => reject(new Error(`${what}: ${err.message}`, { cause: err })));
        w.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before it was done`)));
      }),
    );
  }
  const all = Promise.all(parts);
  // A worker that fails while this thread reads is reported when this thread asks for the parts, not as an unhandled rejection.
  all.catch(() => undefined);
  return { parts: all, stop: async () => void (await Promise.all(threads.map((w) => w.terminate()))) };
}

/** The worker side of startSharedPass: opens the walk, runs `pass` over its share of the blocks and posts the part it returns (structured clone: data, not class instances). */
export function serveSharedPass<D, P>(pass: (walk: Walk, share: BlockShare, settings: D) => Promise<P>): void {
  const port = parentPort!;
  const data = workerData as SharedPassWorkerData<D>;
  const run = async (): Promise<void> => {
    const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
    port.postMessage({ type: 'done', part: await pass(walk, data.share, data.settings) } satisfies SharedPassMessage<P>);
  };
  run().catch((err: unknown) => port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies SharedPassMessage<P>));
}
