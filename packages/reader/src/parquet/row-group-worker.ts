// A worker thread of a parallel Parquet export (parallel-row-groups.ts): it reads the
// whole walk, gathers only its own row groups (group g of R consecutive rows is worker
// g mod N's) and posts each one encoded. Every worker decodes every block, which costs
// a tenth of what encoding does; in exchange no records cross threads.
import { parentPort, workerData } from 'node:worker_threads';
import { threadFailure, threadProblem, type ThreadFailure, type ThreadProblem } from '../sdk/thread-failure.js';
import { openWalk } from '../sdk/walk.js';
import { ENTRY_COLUMNS } from './columns.js';
import { RowGroupEncoder, type EncodedRowGroup } from './row-group-encoder.js';

export interface RowGroupWorkerData {
  readonly dir: string;
  readonly onCorrupt: 'throw' | 'skip';
  readonly rowGroupSize: number;
  readonly workers: number;
  readonly index: number;
}

export type RowGroupWorkerMessage =
  | { readonly type: 'group'; readonly group: number; readonly encoded: EncodedRowGroup }
  /** `rows`: every row of the walk this worker read (all workers must agree); `problems`: what reading met. */
  | { readonly type: 'done'; readonly rows: number; readonly problems: ThreadProblem[] }
  | { readonly type: 'failed'; readonly error: ThreadFailure };

/** Groups posted and not yet written to the file: bounds what waits in the main thread to two per worker. */
const GROUPS_IN_FLIGHT = 2;

const port = parentPort!;
const data = workerData as RowGroupWorkerData;
let inFlight = 0;
let written: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  written?.();
  written = null;
});

async function post(message: RowGroupWorkerMessage, transfer: ArrayBuffer[] = []): Promise<void> {
  while (inFlight >= GROUPS_IN_FLIGHT) await new Promise<void>((resolve) => (written = resolve));
  inFlight++;
  port.postMessage(message, transfer);
}

async function run(): Promise<void> {
  // The main thread opened this walk already; what its folder holds amiss is in its problems.
  const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
  const openingProblems = walk.problems.length;
  const { rowGroupSize: size, workers, index } = data;
  const encoder = new RowGroupEncoder(ENTRY_COLUMNS, size);
  const buffers = encoder.buffers;
  let row = 0;
  const postGroup = (): Promise<void> => {
    const encoded = encoder.encode();
    return post({ type: 'group', group: Math.floor((row - 1) / size), encoded }, [encoded.bytes.buffer as ArrayBuffer]);
  };
  for await (const batch of walk.recordBatches({ onCorrupt: data.onCorrupt })) {
    for (let from = 0; from < batch.length;) {
      const group = Math.floor(row / size);
      const take = Math.min(batch.length - from, (group + 1) * size - row);
      if (group % workers === index) buffers.add(batch, from);
      from += take;
      row += take;
      if (buffers.full) await postGroup();
    }
  }
  if (buffers.rows > 0) await postGroup();
  const problems = walk.problems.slice(openingProblems).map(threadProblem);
  port.postMessage({ type: 'done', rows: row, problems } satisfies RowGroupWorkerMessage);
}

run().catch((err: unknown) => {
  port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies RowGroupWorkerMessage);
});
