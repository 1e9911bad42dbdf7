import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DiffSpacePart } from './diff-space.js';
import type { DiffSideWorkerData, DiffSideWorkerMessage } from './diff-side-worker.js';
import type { DiffSide } from './growth-ledger.js';
import { mergeSortedRuns, type KeyedBatch, type SortOptions } from '../sdk/sort-by-path.js';
import { makeSortFolder } from '../sdk/sort-runs.js';
import { stoppedError } from '../sdk/stop-signal.js';
import { problemFromThread, threadFailureError } from '../sdk/thread-failure.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

type Sorted = Extract<DiffSideWorkerMessage, { type: 'sorted' }>;
type Credited = Extract<DiffSideWorkerMessage, { type: 'credited' }>;

/**
 * One walk of a diff read in a worker thread (diff-side-worker.ts), started at once,
 * so this thread can do other work (sort the other walk) meanwhile. The worker sorts
 * its walk by path into runs, crediting its space figures (diff-space.ts) on the way;
 * batches() merges the runs here, as records({ sort: 'path' }) would, with the same
 * memory bound per thread. Given `other` (the diff's other walk, which this thread
 * sorts without crediting it), the worker then reads that walk once more to credit
 * its space while this thread merges: spaces() has both walks' figures. The problems
 * the sort's reading met are added to `walk.problems` when the runs are ready.
 * dispose() stops the worker and removes the runs, however far it got.
 */
export class DiffSideInWorker {
  private readonly runFolder: string;
  private readonly worker: Worker;
  private readonly sorted: Promise<Sorted>;
  private readonly credited: Promise<Credited>;
  private stop: () => void = () => undefined;

  constructor(
    private readonly walk: Walk,
    side: DiffSide,
    other: { readonly walk: Walk; readonly side: DiffSide } | null,
    private readonly options: SortOptions & Pick<RecordsOptions, 'onCorrupt' | 'signal'>,
  ) {
    this.runFolder = makeSortFolder(options.tempDir ?? tmpdir());
    const data: DiffSideWorkerData = {
      dir: walk.dir,
      side,
      other: other === null ? null : { dir: other.walk.dir, side: other.side },
      onCorrupt: options.onCorrupt ?? walk.onCorrupt,
      sortMemoryRecords: options.sortMemoryRecords,
      runFolder: this.runFolder,
    };
    this.worker = new Worker(new URL('./diff-side-worker.js', import.meta.url), { workerData: data });
    let fail: (err: Error) => void = () => undefined;
    let gotRuns: (m: Sorted) => void = () => undefined;
    this.sorted = new Promise<Sorted>((resolve, reject) => {
      gotRuns = resolve;
      fail = reject;
    });
    this.credited = new Promise<Credited>((resolve, reject) => {
      const failSort = fail;
      // Rejecting a promise already settled does nothing: a failure ends whichever is still waiting.
      fail = (err) => {
        failSort(err);
        reject(err);
      };
      this.worker.on('message', (message: DiffSideWorkerMessage) => {
        if (message.type === 'sorted') gotRuns(message);
        else if (message.type === 'credited') {
          resolve(message);
          // Its work is done: its heap (its space ledgers) goes now, not when the merge ends.
          void this.worker.terminate();
        } else fail(threadFailureError(message.error, 'sort worker'));
      });
    });
    this.worker.once('error', (err) => fail(new Error(`sort worker: ${err.message}`, { cause: err })));
    this.worker.once('exit', (code) => fail(new Error(`sort worker exited with code ${code} before it was done`)));
    const signal = options.signal;
    if (signal !== undefined) {
      this.stop = () => fail(stoppedError(signal));
      if (signal.aborted) this.stop();
      else signal.addEventListener('abort', this.stop);
    }
    // Settled by batches() and spaces(), or left when dispose() comes first (another failure ended the work).
    this.sorted.catch(() => undefined);
    this.credited.catch(() => undefined);
  }

  async *batches(): AsyncGenerator<KeyedBatch> {
    const { runs, problems } = await this.sorted;
    for (const p of problems) this.walk.problems.push(problemFromThread(p));
    yield* mergeSortedRuns(runs, this.walk.root, this.options.signal);
  }

  /** The space figures the worker credited: its walk's, and the other walk's when it was given one. */
  async spaces(): Promise<readonly DiffSpacePart[]> {
    return (await this.credited).spaces;
  }

  async dispose(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.stop);
    await this.worker.terminate();
    rmSync(this.runFolder, { recursive: true, force: true });
  }
}
