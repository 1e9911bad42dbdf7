import { directChildTotals, type WalkEntry } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { ByteRows } from '../output/byte-rows.js';
import { PWALK_HEADER, writeEntryPwalk } from '../output/pwalk-format.js';
import type { CatArgs } from '../command-table/cat.js';
import { ExitCode } from '../exit-codes.js';
import { writeChunk, type CliIo } from '../io.js';
import { CSV_ENTRY_HEADER, CSV_ERROR_HEADER, writeEntryCsv, writeEntryNdjson, writeErrorCsv, writeErrorNdjson } from '../output/record-formats.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 1024 * 1024;

export async function run(args: CatArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const csv = args.format === 'csv';
  if (args.format === 'pwalk' && walk.files[0]?.header.fullAttrs === false) {
    throw new UsageError('a --compact walk lacks the owner, mode and time columns pwalk rows need');
  }
  return stopOnSignals(io, 'cat', async (signal) => {
    const read = { sort: args.sort, onCorrupt: 'skip', signal } as const;
    if (args.format === 'pwalk') {
      // pw_fcount and pw_dirsum need every directory's direct children first: one pass for the totals, one for the rows.
      const totals = await directChildTotals(walk, { signal });
      const format = (out: ByteRows, e: WalkEntry): void => writeEntryPwalk(out, e, totals);
      await stream(io, walk.records(read), args.header ? PWALK_HEADER : null, format);
    } else if (args.errors) {
      await stream(io, walk.errors(read), csv ? CSV_ERROR_HEADER : null, csv ? writeErrorCsv : writeErrorNdjson);
    } else {
      await stream(io, walk.records(read), csv ? CSV_ENTRY_HEADER : null, csv ? writeEntryCsv : writeEntryNdjson);
    }
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

async function stream<T>(io: CliIo, source: AsyncIterable<T>, header: string | null, format: (out: ByteRows, item: T) => void): Promise<void> {
  // Perf: rows are formatted into one buffer and written a megabyte at a time (one write, not one per row).
  // Room for a chunk and a long row, so the buffer rarely grows.
  const out = new ByteRows(CHUNK_BYTES + 64 * 1024);
  if (header !== null) out.latin1(header);
  for await (const item of source) {
    format(out, item);
    if (out.size >= CHUNK_BYTES) await writeChunk(io.stdout, out.take());
  }
  if (out.size > 0) await writeChunk(io.stdout, out.take());
}
