// A worker thread of a parallel Parquet export (parallel-row-groups.ts): it encodes the
// row groups the main thread gathered and posts each one back encoded.
import { parentPort, workerData } from 'node:worker_threads';
import { threadFailure, type ThreadFailure } from '../sdk/thread-failure.js';
import { ENTRY_COLUMNS } from './columns.js';
import { RowGroupEncoder, type EncodedRowGroup, type GatheredRowGroup } from './row-group-encoder.js';

export interface RowGroupWorkerData {
  readonly rowGroupSize: number;
}

/** What the main thread posts: the `group`th row group of the file, gathered. */
export interface RowGroupTask {
  readonly group: number;
  readonly gathered: GatheredRowGroup;
}

export type RowGroupWorkerMessage =
  { readonly type: 'group'; readonly group: number; readonly encoded: EncodedRowGroup } | { readonly type: 'failed'; readonly error: ThreadFailure };

const port = parentPort!;
const encoder = new RowGroupEncoder(ENTRY_COLUMNS, (workerData as RowGroupWorkerData).rowGroupSize);
port.on('message', ({ group, gathered }: RowGroupTask) => {
  try {
    const encoded = encoder.encode(gathered);
    port.postMessage({ type: 'group', group, encoded } satisfies RowGroupWorkerMessage, [encoded.bytes.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies RowGroupWorkerMessage);
  }
});
