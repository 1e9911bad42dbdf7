import { Worker } from 'node:worker_threads';
import { WalkErrorCode, WalkFormatError } from '../format/errors.js';
import type { Walk } from '../sdk/walk.js';
import type { EncodedRowGroup } from './row-group-encoder.js';
import type { RowGroupWorkerData, RowGroupWorkerMessage } from './row-group-worker.js';
import { problemFromThread, threadFailureError } from '../sdk/thread-failure.js';

export interface ParallelRowGroupsOptions {
  readonly onCorrupt: 'throw' | 'skip';
  readonly rowGroupSize: number;
  readonly workers: number;
  /** When it fires the generator ends early; the caller names the abort. */
  readonly signal: AbortSignal | undefined;
}

/**
 * The walk's entries as encoded row groups, in file order, encoded by `workers`
 * worker threads (row-group-worker.ts) that each read the walk and encode every Nth
 * group. Memory: each worker holds one group's columns, and at most two encoded groups
 * per worker wait here. The problems the reading met are added to `walk.problems` at
 * the end, once. Workers are stopped when the generator ends, however it ends.
 */
export async function* rowGroupsFromWorkers(walk: Walk, options: ParallelRowGroupsOptions): AsyncGenerator<EncodedRowGroup> {
  const ready = new Map<number, { encoded: EncodedRowGroup; worker: Worker }>();
  const done: Extract<RowGroupWorkerMessage, { type: 'done' }>[] = [];
  const finished = new Set<Worker>();
  // In an object: TypeScript does not see the handlers' assignments to a plain variable.
  const state: { failure: Error | null } = { failure: null };
  let wake: (() => void) | null = null;
  const wakeUp = (): void => {
    wake?.();
    wake = null;
  };
  const workers = Array.from({ length: options.workers }, (_, index) => {
    const data: RowGroupWorkerData = { dir: walk.dir, onCorrupt: options.onCorrupt, rowGroupSize: options.rowGroupSize, workers: options.workers, index };
    const worker = new Worker(new URL('./row-group-worker.js', import.meta.url), { workerData: data });
    worker.on('message', (message: RowGroupWorkerMessage) => {
      if (message.type === 'group') ready.set(message.group, { encoded: message.encoded, worker });
      else if (message.type === 'done') {
        done.push(message);
        finished.add(worker);
      } else state.failure ??= threadFailureError(message.error, 'Parquet export worker');
      wakeUp();
    });
    worker.on('error', (err) => {
      state.failure ??= new Error(`Parquet export worker: ${err.message}`, { cause: err });
      wakeUp();
    });
    worker.on('exit', (code) => {
      if (!finished.has(worker)) state.failure ??= new Error(`Parquet export worker exited with code ${code} before it was done`);
      wakeUp();
    });
    return worker;
  });
  options.signal?.addEventListener('abort', wakeUp);
  try {
    for (let next = 0; ;) {
      if (state.failure !== null) throw state.failure;
      if (options.signal?.aborted) return;
      const group = ready.get(next);
      if (group !== undefined) {
        ready.delete(next++);
        yield group.encoded;
        group.worker.postMessage('written');
        continue;
      }
      if (done.length === workers.length) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    // Every worker read the walk whole; had it changed meanwhile, they would disagree.
    if (ready.size > 0 || done.some((d) => d.rows !== done[0]!.rows)) {
      throw new WalkFormatError(WalkErrorCode.IO, 'the walk changed while it was exported', { file: walk.dir });
    }
    for (const p of done[0]?.problems ?? []) walk.problems.push(problemFromThread(p));
  } finally {
    options.signal?.removeEventListener('abort', wakeUp);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
