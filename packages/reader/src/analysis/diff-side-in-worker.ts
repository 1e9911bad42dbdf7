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

type Sorted = Extract<DiffSideWorkerMessage, { type: 'done' }>;

/**
 * One walk of a diff read in a worker thread (diff-side-worker.ts), started at once,
 * so this thread can do other work (read the other walk) meanwhile: sorted by path,
 * and its space figures credited (diff-space.ts). The worker writes every chunk as a
 * sorted run; batches() merges the runs here, as records({ sort: 'path' }) would,
 * with the same memory bound per thread. The problems the reading met are added to
 * `walk.problems` when the worker is done. dispose() stops the worker and removes the
 * runs, however far it got.
 */
export class DiffSideInWorker {
  private readonly runFolder: string;
  private readonly worker: Worker;
  private readonly sorted: Promise<Sorted>;
  private stop: () => void = () => undefined;

  constructor(
    private readonly walk: Walk,
    side: DiffSide,
    private readonly options: SortOptions & Pick<RecordsOptions, 'onCorrupt' | 'signal'>,
  ) {
    this.runFolder = makeSortFolder(options.tempDir ?? tmpdir());
    const data: DiffSideWorkerData = {
      dir: walk.dir,
      side,
      onCorrupt: options.onCorrupt ?? walk.onCorrupt,
      sortMemoryRecords: options.sortMemoryRecords,
      runFolder: this.runFolder,
    };
    this.worker = new Worker(new URL('./diff-side-worker.js', import.meta.url), { workerData: data });
    this.sorted = new Promise<Sorted>((resolve, reject) => {
      this.worker.once('message', (message: DiffSideWorkerMessage) => {
        if (message.type === 'done') {
          resolve(message);
          // Its work is done: its heap (the sort's last chunk, its space ledgers) goes
          // now, not when the merge ends (100-150 MB of the 1 M-entry diff's peak RSS).
          void this.worker.terminate();
        } else {
          reject(threadFailureError(message.error, 'sort worker'));
        }
      });
      this.worker.once('error', (err) => reject(new Error(`sort worker: ${err.message}`, { cause: err })));
      this.worker.once('exit', (code) => reject(new Error(`sort worker exited with code ${code} before it was done`)));
      const signal = options.signal;
      if (signal === undefined) return;
      this.stop = () => reject(stoppedError(signal));
      if (signal.aborted) this.stop();
      else signal.addEventListener('abort', this.stop);
    });
    // Settled by batches(), or left when dispose() comes first (another failure ended the work).
    this.sorted.catch(() => undefined);
  }

  async *batches(): AsyncGenerator<KeyedBatch> {
    const { runs, problems } = await this.sorted;
    for (const p of problems) this.walk.problems.push(problemFromThread(p));
    yield* mergeSortedRuns(runs, this.walk.root, this.options.signal);
  }

  /** The walk's space figures, credited by the worker. */
  async space(): Promise<DiffSpacePart> {
    return (await this.sorted).space;
  }

  async dispose(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.stop);
    await this.worker.terminate();
    rmSync(this.runFolder, { recursive: true, force: true });
  }
}
