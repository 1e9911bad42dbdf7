import { DirectoryTotalsAccumulator } from './directory-totals.js';
import { ErrorSummaryAccumulator, type ErrorSummary } from './error-summary.js';
import { NUMERIC_OWNER_NAMES } from './owner-names.js';
import type { RolledUpDirectories } from './rolled-up-directories.js';
import type { UsagePart } from './usage-accumulator.js';
import { UsageSummaryAccumulator, type UsageSummary, type UsageSummaryOptions } from './usage-summary.js';
import { blockTaker, newClaims, type BlockShare } from '../sdk/block-share.js';
import { BLOCK_TAKEN } from '../format/thread-file.js';
import { defaultThreads } from '../sdk/helper-threads.js';
import { startSharedPass, type SharedPassWorkerData } from '../sdk/shared-pass.js';
import { Worker } from 'node:worker_threads';
import type { RecordsOptions, Walk } from '../sdk/walk.js';
import { WalkErrorCode, WalkFormatError } from '../format/errors.js';

/** What a whole-walk report shows: usageSummary, directoryTotals and errorSummary of one walk. */
export interface ReportSummaries {
  readonly usage: UsageSummary;
  /** directoryTotals' figures: `all()` is what it gives, `top()` what topDirectories of that gives. */
  readonly directories: RolledUpDirectories;
  readonly errors: ErrorSummary;
}

export interface ReportSummariesOptions extends Pick<RecordsOptions, 'onCorrupt' | 'signal'> {
  /** usageSummary's options. */
  usage?: Omit<UsageSummaryOptions, 'onCorrupt'>;
  /** errorSummary's `samples` (default 20). */
  errorSamples?: number;
  /**
   * Threads reading the walk, this one included (default: defaultThreads, one per idle
   * core, at most MOST_THREADS). The summaries are the same for any number. A walk read
   * with onCorrupt 'throw' is read in one thread, so it stops where one thread would.
   */
  threads?: number;
}

/** At most this many threads by default: the usage share of the pass, split over the helpers, is under half of it. */
const MOST_THREADS = 3;

/** What a helper thread counted, and how many entries it read. */
export interface UsageShare {
  readonly usage: UsagePart;
  readonly entries: number;
}

/** What the helper threads are given: usageSummary's settings but the names, which only this thread needs. */
export interface UsageShareSettings {
  readonly now: number;
  readonly largest: number | undefined;
}

/**
 * usageSummary, directoryTotals and errorSummary in one pass over the walk, each
 * equal to its own call. Perf: each of those reads and decodes the whole walk; one
 * pass feeding all three decodes it once (bench/RESULTS.md, `report`). With helper
 * threads (a large walk, idle cores) this thread keeps directoryTotals and
 * errorSummary, and the helpers count usageSummary over the blocks each claims (this
 * thread claims some too, as it comes to a block no one took: while the helpers start,
 * and whenever it is ahead of them), whose parts merge cheaply (owners, extensions,
 * ages, depths, hard-linked files); splitting the directories instead would merge 141k
 * of them (the bench corpus) per part.
 * Memory is the three analyses' (directories, owners, hard-linked files), not the
 * entries'.
 */
export async function reportSummaries(walk: Walk, options: ReportSummariesOptions = {}): Promise<ReportSummaries> {
  const now = options.usage?.now ?? walk.manifest?.startTime ?? Date.now();
  const onCorrupt = options.onCorrupt ?? walk.onCorrupt;
  const usage = new UsageSummaryAccumulator(walk, { ...options.usage, now });
  const directories = new DirectoryTotalsAccumulator();
  const errors = new ErrorSummaryAccumulator(options.errorSamples);
  const threads = onCorrupt === 'throw' ? 1 : (options.threads ?? defaultThreads(walk, MOST_THREADS));
  const settings: UsageShareSettings = { now, largest: options.usage?.largest };
  const claimed = threads > 1 ? { claims: newClaims() } : undefined;
  const helpers =
    claimed !== undefined ? startSharedPass<UsageShareSettings, UsageShare>(walk, threads - 1, startUsageWorker, settings, 'report worker', claimed) : null;
  try {
    let entries = 0;
    let usageEntries = 0;
    // With helpers, this thread counts the usage of the blocks it claims (block-share.ts) besides the directories of all.
    const claim = blockTaker(claimed);
    let usageHere = true;
    const blocks =
      claim === undefined
        ? walk.entryBlocks({ onCorrupt, signal: options.signal })
        : walk.blocksInTurns(
            () => {
              usageHere = claim();
              return true;
            },
            { onCorrupt, signal: options.signal },
          );
    for await (const block of blocks) {
      if (block === BLOCK_TAKEN) continue;
      if (usageHere) {
        usage.addBlock(block);
        usageEntries += block.length;
      }
      directories.addBlock(block);
      for (const e of block.errors) errors.add(e);
      entries += block.length;
    }
    if (helpers !== null) {
      const shares = await helpers.parts;
      // Each thread read the walk itself; had it changed meanwhile (a resume writing to it), their figures would not add up.
      if (shares.reduce((sum, share) => sum + share.entries, usageEntries) !== entries) {
        throw new WalkFormatError(WalkErrorCode.IO, 'the walk changed while it was read', { file: walk.dir });
      }
      for (const share of shares) usage.addPart(share.usage);
    }
  } finally {
    await helpers?.stop();
  }
  return { usage: await usage.summary(), directories: directories.rolledUp(walk.root), errors: errors.summary() };
}

// As a literal URL in `new Worker(...)`: the CLI's bundle finds its worker entries so (packages/cli/bundle.mjs).
function startUsageWorker(workerData: SharedPassWorkerData<UsageShareSettings>): Worker {
  return new Worker(new URL('./report-summaries-worker.js', import.meta.url), { workerData });
}

/** A helper thread's share of usageSummary (report-summaries-worker.ts): what it counted. */
export async function usageShare(walk: Walk, share: BlockShare, settings: UsageShareSettings): Promise<UsageShare> {
  const usage = new UsageSummaryAccumulator(walk, { ...settings, names: NUMERIC_OWNER_NAMES });
  let entries = 0;
  for await (const block of walk.entryBlocks({ onCorrupt: 'skip', share })) {
    usage.addBlock(block);
    entries += block.length;
  }
  return { usage: usage.part(), entries };
}
