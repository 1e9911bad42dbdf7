// The rows of `cat` without --sort, a batch at a time: the formatter every thread
// formatting them makes (commands/cat.ts here, commands/cat-thread.ts in a helper).
import { directChildTotals, DirectChildTotals, type BatchFormatter, type DirectChildPart, type PrepareBatches, type Walk } from '@pwalk-ts/reader';
import { ByteRows } from './byte-rows.js';
import { blockWriter, type BlockWriter } from './frame-rows.js';
import { framePwalkRow, writeEntryPwalk } from './pwalk-format.js';
import { frameCsvRow, frameNdjsonRow, writeEntryCsv, writeEntryNdjson } from './record-formats.js';

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

/**
 * How `format` writes the rows of a block. pw_fcount and pw_dirsum need every
 * directory's direct children first: from `parts` (prepareCatBatches) when several
 * threads counted them, else counted here over the whole walk: one pass for the
 * totals, one for the rows.
 */
export async function catBlockFormat(
  walk: Walk,
  format: CatBatchOptions['format'],
  signal: AbortSignal | undefined,
  parts: readonly DirectChildPart[] = [],
): Promise<BlockWriter> {
  if (format === 'csv') return blockWriter(writeEntryCsv, frameCsvRow);
  if (format === 'ndjson') return blockWriter(writeEntryNdjson, frameNdjsonRow);
  const totals = parts.length === 0 ? await directChildTotals(walk, { signal }) : DirectChildTotals.ofParts(parts);
  return blockWriter((out, b, i) => writeEntryPwalk(out, b, i, totals), framePwalkRow(totals));
}

/**
 * The direct children each thread of several counts over its own blocks for pwalk
 * rows (formattedBatches' preparation); nothing for the other formats, nor for one
 * thread, which counts the whole walk in catBlockFormat (no part to copy).
 */
export const prepareCatBatches: PrepareBatches<CatBatchOptions, DirectChildPart> = (walk, options, share, signal) =>
  options.format !== 'pwalk' || share.of === 1 ? undefined : directChildTotals(walk, { share, signal }).then((totals) => totals.part());

export async function createBatchFormatter(
  walk: Walk,
  options: CatBatchOptions,
  signal: AbortSignal | undefined,
  parts: readonly DirectChildPart[],
): Promise<BatchFormatter> {
  const write = await catBlockFormat(walk, options.format, signal, parts);
  const out = new ByteRows(BATCH_BYTES);
  return (block) => {
    write(out, block);
    return out.take();
  };
}
