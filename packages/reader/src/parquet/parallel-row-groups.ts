import { Worker } from 'node:worker_threads';
import type { EntryBlock } from '../sdk/entry-block.js';
import { ENTRY_COLUMNS } from './columns.js';
import { gatherRowGroups } from './gather-row-groups.js';
import type { EncodedRowGroup } from './row-group-encoder.js';
import type { RowGroupTask, RowGroupWorkerData, RowGroupWorkerMessage } from './row-group-worker.js';
import { threadFailureError } from '../sdk/thread-failure.js';

export interface ParallelRowGroupsOptions {
  readonly rowGroupSize: number;
  /** Threads encoding row groups besides this one, which reads the walk and gathers them. */
  readonly workers: number;
  /** When it fires the generator ends early; the caller names the abort. */
  readonly signal: AbortSignal | undefined;
}

/** Row groups posted to a worker and not yet back: bounds the groups in memory to two per worker. */
const GROUPS_PER_WORKER = 2;

/**
 * A walk's entries (`blocks`, Walk.entryBlocks) as encoded row groups, in file order:
 * this thread reads the walk once and gathers each group's columns (gather-row-groups.ts), `workers` worker
 * threads (row-group-worker.ts) encode them. Perf: reading and gathering is about
 * half of an export and encoding the other half, so the two overlap; before, every
 * worker read the whole walk and encoded every Nth group, and the decoding repeated
 * in each worker cost more than the second core gave (1 M entries: 3.1 CPU-s with 2
 * workers against 1.7 in one thread). The problems the reading met are in
 * `walk.problems` as for any read. Workers are stopped when the generator ends,
 * however it ends.
 */
export async function* rowGroupsFromWorkers(blocks: AsyncIterable<EntryBlock>, options: ParallelRowGroupsOptions): AsyncGenerator<EncodedRowGroup> {
  const ready = new Map<number, EncodedRowGroup>();
  // In an object: TypeScript does not see the handlers' assignments to a plain variable.
  const state: { failure: Error | null } = { failure: null };
  let wake: (() => void) | null = null;
  const wakeUp = (): void => {
    wake?.();
    wake = null;
  };
  const inFlight = new Map<Worker, number>();
  const workers = Array.from({ length: options.workers }, () => {
    const data: RowGroupWorkerData = { rowGroupSize: options.rowGroupSize };
    const worker = new Worker(new URL('./row-group-worker.js', import.meta.url), { workerData: data });
    inFlight.set(worker, 0);
    worker.on('message', (message: RowGroupWorkerMessage) => {
      if (message.type === 'group') {
        ready.set(message.group, message.encoded);
        inFlight.set(worker, inFlight.get(worker)! - 1);
      } else state.failure ??= threadFailureError(message.error, 'Parquet export worker');
      wakeUp();
    });
    worker.on('error', (err) => {
      state.failure ??= new Error(`Parquet export worker: ${err.message}`, { cause: err });
      wakeUp();
    });
    worker.on('exit', (code) => {
      state.failure ??= new Error(`Parquet export worker exited with code ${code}`);
      wakeUp();
    });
    return worker;
  });
  const idlest = (): Worker => workers.reduce((a, b) => (inFlight.get(b)! < inFlight.get(a)! ? b : a));
  options.signal?.addEventListener('abort', wakeUp);
  let next = 0;
  let posted = 0;
  try {
    for await (const gathered of gatherRowGroups(ENTRY_COLUMNS, blocks, options.rowGroupSize, options.signal, true)) {
      for (;;) {
        if (state.failure !== null) throw state.failure;
        for (let group = ready.get(next); group !== undefined; group = ready.get(next)) {
          ready.delete(next++);
          yield group;
        }
        if (options.signal?.aborted) return;
        if (inFlight.get(idlest())! < GROUPS_PER_WORKER) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const worker = idlest();
      inFlight.set(worker, inFlight.get(worker)! + 1);
      worker.postMessage({ group: posted++, gathered } satisfies RowGroupTask, [...gathered.buffers]);
    }
    while (next < posted) {
      if (state.failure !== null) throw state.failure;
      if (options.signal?.aborted) return;
      const group = ready.get(next);
      if (group === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      ready.delete(next++);
      yield group;
    }
  } finally {
    options.signal?.removeEventListener('abort', wakeUp);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
