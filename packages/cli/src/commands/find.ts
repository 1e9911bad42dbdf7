import { resolveOwnerNames } from '@pwalk-ts/reader';
import type { FindArgs } from '../command-table/find.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { NO_LISTING, parseFindExpression, type FindContext } from '../find/find-expression.js';
import { FindOutput } from '../find/find-output.js';
import { walkDirectoryListing } from '../find/walk-listing.js';
import { exactBytes, humanBytes, humanCount } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { stopOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 256 * 1024;

export async function run(args: FindArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const startTime = walk.manifest?.startTime;
  const context: FindContext = {
    get referenceMs(): number {
      // Read only by the time tests, as they are parsed: a walk without a manifest has no start to count from.
      if (startTime === undefined)
        throw new UsageError(`walk ${walk.dir} has no manifest, so not the start time that -mtime, -mmin and the like count back from`);
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
    const output = new FindOutput(args.json, { rootArgument: walk.root.bytes, owners: context.owners }, io.stdout.isTTY === true);
    let matched = 0;
    let bytes = 0n;
    for await (const entry of walk.records({ sort: args.sort, onCorrupt: 'skip', signal })) {
      output.startEntry();
      expression.evaluate(entry, listing, output.act);
      if (output.acted) {
        matched++;
        bytes += entry.size;
      }
      if (output.size >= CHUNK_BYTES) await writeChunk(io.stdout, output.take());
    }
    if (output.size > 0) await writeChunk(io.stdout, output.take());
    if (!args.quiet)
      io.stderr.write(`pwalk-ts: find: ${humanCount(matched)} ${matched === 1 ? 'entry' : 'entries'} matched, ${humanBytes(bytes)} (${exactBytes(bytes)})\n`);
    return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}
