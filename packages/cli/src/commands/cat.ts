import { directoryTotals, type WalkEntry } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { entryToPwalk, PWALK_HEADER } from '../output/pwalk-format.js';
import type { CatArgs } from '../command-table/cat.js';
import { ExitCode } from '../exit-codes.js';
import { writeChunk, type CliIo } from '../io.js';
import {
  CSV_ENTRY_HEADER,
  CSV_ERROR_HEADER,
  entryToCsv,
  entryToNdjson,
  errorToCsv,
  errorToNdjson,
} from '../output/record-formats.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 256 * 1024;

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
      const totals = new Map((await directoryTotals(walk, { signal })).map((t) => [Buffer.from(t.relativePathBytes).toString('latin1'), t]));
      const format = (e: WalkEntry): Buffer =>
        entryToPwalk(e, e.type === 'dir' ? totals.get(Buffer.from(e.relativePathBytes).toString('latin1')) : undefined);
      await stream(io, walk.records(read), args.header ? PWALK_HEADER : null, format);
    } else if (args.errors) {
      await stream(io, walk.errors(read), csv ? CSV_ERROR_HEADER : null, csv ? errorToCsv : errorToNdjson);
    } else {
      await stream(io, walk.records(read), csv ? CSV_ENTRY_HEADER : null, csv ? entryToCsv : entryToNdjson);
    }
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

async function stream<T>(
  io: CliIo,
  source: AsyncIterable<T>,
  header: string | null,
  format: (item: T) => string | Buffer,
): Promise<void> {
  // Perf: lines are gathered and written in large chunks; ndjson lines are strings, csv rows Buffers.
  const parts: (string | Buffer)[] = header === null ? [] : [header];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (parts.length === 0) return;
    const chunk = parts.some((p) => typeof p !== 'string') ? Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) : parts.join('');
    parts.length = 0;
    size = 0;
    await writeChunk(io.stdout, chunk);
  };
  for await (const item of source) {
    const line = format(item);
    parts.push(line);
    size += line.length;
    if (size >= CHUNK_BYTES) await flush();
  }
  await flush();
}
