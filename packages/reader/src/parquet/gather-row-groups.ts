import { ColumnBuffers } from './column-buffers.js';
import type { ParquetColumn } from './columns.js';
import type { EntryBlock } from '../sdk/entry-block.js';
import type { GatheredRowGroup } from './row-group-encoder.js';

/**
 * The rows of `batches` gathered into row groups of `rowGroupSize` rows (the last
 * holds the rest), in order. Each group's data is valid until the next is asked for
 * (the stores are refilled in place), or for good with `transfer`: its buffers are
 * then the caller's, to post to another thread (ColumnBuffers.detach).
 */
export async function* gatherRowGroups<T>(
  columns: readonly ParquetColumn<T>[],
  batches: AsyncIterable<readonly T[] | EntryBlock>,
  rowGroupSize: number,
  signal: AbortSignal | undefined,
  transfer = false,
): AsyncGenerator<GatheredRowGroup> {
  const buffers = new ColumnBuffers(columns, rowGroupSize);
  const take = (): GatheredRowGroup => {
    const rows = buffers.rows;
    if (!transfer) return { rows, columns: buffers.data(), buffers: [] };
    const { data, buffers: transferred } = buffers.detach();
    return { rows, columns: data, buffers: transferred };
  };
  for await (const batch of batches) {
    if (signal?.aborted) return;
    for (let from = 0; from < batch.length;) {
      from = buffers.add(batch, from);
      if (buffers.full) {
        yield take();
        buffers.clear();
      }
    }
  }
  if (buffers.rows > 0 && !signal?.aborted) yield take();
}
