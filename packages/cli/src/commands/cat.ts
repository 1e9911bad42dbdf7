import { Worker } from 'node:worker_threads';
import { defaultThreads, formattedBatches, type Walk } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { ByteRows } from '../output/byte-rows.js';
import { catBlockFormat, createBatchFormatter, prepareCatBatches, type CatBatchOptions } from '../output/cat-batches.js';
import { PWALK_HEADER } from '../output/pwalk-format.js';
import type { CatArgs } from '../command-table/cat.js';
import { ExitCode } from '../exit-codes.js';
import { writeChunk, type CliIo } from '../io.js';
import { CSV_ENTRY_HEADER, CSV_ERROR_HEADER, writeErrorCsv, writeErrorNdjson } from '../output/record-formats.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 1024 * 1024;
/** Threads formatting rows by default, this one included: past 4, each helper's own decoding of the whole walk eats what it saves. */
const MOST_THREADS = 4;

export async function run(args: CatArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const csv = args.format === 'csv';
  if (args.format === 'pwalk' && walk.files[0]?.header.fullAttrs === false) {
    throw new UsageError('a --compact walk lacks the owner, mode and time columns pwalk rows need');
  }
  return stopOnSignals(io, 'cat', async (signal) => {
    const read = { sort: args.sort, onCorrupt: 'skip', signal } as const;
    const header = args.format === 'pwalk' ? (args.header ? PWALK_HEADER : null) : csv ? (args.errors ? CSV_ERROR_HEADER : CSV_ENTRY_HEADER) : null;
    if (header !== null) await writeChunk(io.stdout, Buffer.from(header, 'latin1'));
    if (args.errors) {
      await stream(io, walk.errors(read), csv ? writeErrorCsv : writeErrorNdjson);
    } else if (args.sort === 'path') {
      await stream(io, walk.entryBlocks(read), await catBlockFormat(walk, args.format, signal));
    } else {
      await inThreads(io, walk, { format: args.format }, args.workers ?? defaultCatThreads(walk, args.format), signal);
    }
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

/**
 * Threads formatting rows when --workers is not given. Perf: pwalk rows stay in one
 * thread, where each thread counts its own blocks' direct children and takes the
 * others' counts: on an idle machine, 1 M entries, one thread took 1.48 s, 1.68 CPU-s and
 * 159 MB, two 1.61 s, 2.54 CPU-s and 301 MB (every thread holds and looks up every
 * directory's totals; bench/RESULTS.md, "Session 8 on an idle machine").
 */
function defaultCatThreads(walk: Walk, format: CatArgs['format']): number {
  return format === 'pwalk' ? 1 : defaultThreads(walk, MOST_THREADS);
}

/** The rows in the walk's file order, formatted by `threads` threads (formattedBatches) and written from this one. */
async function inThreads(io: CliIo, walk: Walk, options: CatBatchOptions, threads: number, signal: AbortSignal): Promise<void> {
  const batches = formattedBatches(walk, {
    threads,
    createFormatter: createBatchFormatter,
    prepare: prepareCatBatches,
    startHelper: (workerData) => new Worker(new URL('./cat-thread.js', import.meta.url), { workerData }),
    options,
    onCorrupt: 'skip',
    signal,
  });
  for await (const bytes of batches) if (bytes.length > 0) await writeChunk(io.stdout, bytes);
}

async function stream<T>(io: CliIo, source: AsyncIterable<T>, format: (out: ByteRows, item: T) => void): Promise<void> {
  // Perf: rows are formatted into one buffer and written a megabyte at a time (one write, not one per row).
  // Room for a chunk and a long row, so the buffer rarely grows.
  const out = new ByteRows(CHUNK_BYTES + 64 * 1024);
  for await (const item of source) {
    format(out, item);
    if (out.size >= CHUNK_BYTES) await writeChunk(io.stdout, out.take());
  }
  if (out.size > 0) await writeChunk(io.stdout, out.take());
}
