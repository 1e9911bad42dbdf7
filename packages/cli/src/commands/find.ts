import { resolveOwnerNames } from '@pwalk-ts/reader';
import type { FindArgs } from '../command-table/find.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { NO_LISTING, parseFindExpression, type ActionSink, type FindContext } from '../find/find-expression.js';
import { walkDirectoryListing } from '../find/walk-listing.js';
import { exactBytes, humanBytes, humanCount } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { entryToNdjson } from '../output/record-formats.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 256 * 1024;
const NEWLINE = Buffer.from('\n');
const NUL = Buffer.from('\0');

export async function run(args: FindArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const startTime = walk.manifest?.startTime;
  const context: FindContext = {
    get referenceMs(): number {
      // Read only by the time tests, as they are parsed: a walk without a manifest has no start to count from.
      if (startTime === undefined) throw new UsageError(`walk ${walk.dir} has no manifest, so not the start time that -mtime, -mmin and the like count back from`);
      return startTime;
    },
    rootArgument: walk.root.bytes,
    owners: await resolveOwnerNames(),
  };
  const expression = parseFindExpression(args.rawOperands, context);
  if (expression.needsFullAttributes && walk.files[0]?.header.fullAttrs === false) {
    throw new UsageError('the expression reads owners, modes, links or access/change times, which a --compact walk does not record');
  }
  return stopOnSignals(io, 'find', async (signal) => {
    const listing = expression.needsDirectoryListing ? await walkDirectoryListing(walk, signal) : NO_LISTING;
    const source = { rootArgument: walk.root.bytes, owners: context.owners };
    const parts: (Buffer | string)[] = [];
    let size = 0;
    let matched = 0;
    let bytes = 0n;
    // Whether an action has run on the entry being evaluated: it is then counted once, and --json prints it once.
    let acted = false;
    const emit = (part: Buffer | string): void => {
      parts.push(part);
      size += part.length;
    };
    const act: ActionSink = (action, entry) => {
      if (args.json) {
        if (!acted) emit(entryToNdjson(entry));
      } else if (action.kind === 'printf') emit(action.format.render(entry, source));
      else {
        emit(Buffer.from(entry.pathBytes.buffer, entry.pathBytes.byteOffset, entry.pathBytes.byteLength));
        emit(action.kind === 'print' ? NEWLINE : NUL);
      }
      acted = true;
    };
    for await (const entry of walk.records({ sort: args.sort, onCorrupt: 'skip', signal })) {
      acted = false;
      expression.evaluate(entry, listing, act);
      if (acted) {
        matched++;
        bytes += entry.size;
      }
      if (size >= CHUNK_BYTES) {
        await writeChunk(io.stdout, joinParts(parts));
        parts.length = 0;
        size = 0;
      }
    }
    if (parts.length > 0) await writeChunk(io.stdout, joinParts(parts));
    if (!args.quiet) io.stderr.write(`pwalk-ts: find: ${humanCount(matched)} entries matched, ${humanBytes(bytes)} (${exactBytes(bytes)})\n`);
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

/** ndjson lines are strings, paths and -printf output Buffers. */
function joinParts(parts: (Buffer | string)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}
