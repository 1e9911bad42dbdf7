// The rows of `cat` without --sort, a batch at a time: the formatter every thread
// formatting them makes (commands/cat.ts here, commands/cat-thread.ts in a helper).
import { directChildTotals, type BatchFormatter, type EntryBlock, type Walk } from '@pwalk-ts/reader';
import { ByteRows } from './byte-rows.js';
import { writeEntryPwalk } from './pwalk-format.js';
import { writeEntryCsv, writeEntryNdjson } from './record-formats.js';

export interface CatBatchOptions {
  readonly format: 'ndjson' | 'csv' | 'pwalk';
}

/**
 * A batch's rows (4096 entries of a format-2 block) fit in this many bytes but for long
 * paths, when the buffer grows. Perf: ndjson rows are about 300 bytes on the bench
 * corpus, so a 1 MiB buffer grew (a copy) for every batch. Each batch's bytes are a
 * buffer of their own (ByteRows.take), which a helper thread hands over whole.
 */
const BATCH_BYTES = 1536 * 1024;

/** How `format` writes one row of a block. */
export async function catRowFormat(
  walk: Walk,
  format: CatBatchOptions['format'],
  signal: AbortSignal | undefined,
): Promise<(out: ByteRows, b: EntryBlock, i: number) => void> {
  if (format === 'csv') return writeEntryCsv;
  if (format === 'ndjson') return writeEntryNdjson;
  // pw_fcount and pw_dirsum need every directory's direct children first: one pass for the totals, one for the rows.
  const totals = await directChildTotals(walk, { signal });
  return (out, b, i) => writeEntryPwalk(out, b, i, totals);
}

export async function createBatchFormatter(walk: Walk, options: CatBatchOptions, signal: AbortSignal | undefined): Promise<BatchFormatter> {
  const row = await catRowFormat(walk, options.format, signal);
  const out = new ByteRows(BATCH_BYTES);
  return (block) => {
    for (let i = 0; i < block.length; i++) row(out, block, i);
    return out.take();
  };
}
