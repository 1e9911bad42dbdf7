import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { mergeSortedRuns, type KeyedBatch, type SortOptions } from './sort-by-path.js';
import { makeSortFolder } from './sort-runs.js';
import type { SortWorkerData, SortWorkerMessage } from './sort-worker.js';
import { stoppedError } from './stop-signal.js';
import { problemFromThread, threadFailureError } from './thread-failure.js';
import type { RecordsOptions, Walk } from './walk.js';

type Sorted = Extract<SortWorkerMessage, { type: 'done' }>;

/**
 * A walk sorted by path in a worker thread (sort-worker.ts), started at once, so this
 * thread can do other work (sort another walk) meanwhile. The worker writes every
 * chunk as a sorted run; batches() merges the runs here, as records({ sort: 'path' })
 * would, with the same memory bound per thread. The problems the reading met are
 * added to `walk.problems` when the worker is done. dispose() stops the worker and
 * removes the runs, however far it got.
 */
export class SortInWorker {
  private readonly runFolder: string;
  private readonly worker: Worker;
  private readonly sorted: Promise<Sorted>;
  private stop: () => void = () => undefined;

  constructor(
    private readonly walk: Walk,
    private readonly options: SortOptions & Pick<RecordsOptions, 'onCorrupt' | 'signal'>,
  ) {
    this.runFolder = makeSortFolder(options.tempDir ?? tmpdir());
    const data: SortWorkerData = {
      dir: walk.dir,
      onCorrupt: options.onCorrupt ?? walk.onCorrupt,
      sortMemoryRecords: options.sortMemoryRecords,
      runFolder: this.runFolder,
    };
    this.worker = new Worker(new URL('./sort-worker.js', import.meta.url), { workerData: data });
    this.sorted = new Promise<Sorted>((resolve, reject) => {
      this.worker.once('message', (message: SortWorkerMessage) => {
        if (message.type === 'done') resolve(message);
        else reject(threadFailureError(message.error, 'sort worker'));
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

  async dispose(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.stop);
    await this.worker.terminate();
    rmSync(this.runFolder, { recursive: true, force: true });
  }
}
