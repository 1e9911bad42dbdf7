import { DirectoryTotalsAccumulator, type DirectoryTotal } from './directory-totals.js';
import { ErrorSummaryAccumulator, type ErrorSummary } from './error-summary.js';
import { UsageSummaryAccumulator, type UsageSummary, type UsageSummaryOptions } from './usage-summary.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** What a whole-walk report shows: usageSummary, directoryTotals and errorSummary of one walk. */
export interface ReportSummaries {
  readonly usage: UsageSummary;
  readonly directories: DirectoryTotal[];
  readonly errors: ErrorSummary;
}

export interface ReportSummariesOptions extends Pick<RecordsOptions, 'onCorrupt' | 'signal'> {
  /** usageSummary's options. */
  usage?: Omit<UsageSummaryOptions, 'onCorrupt'>;
  /** errorSummary's `samples` (default 20). */
  errorSamples?: number;
}

/**
 * usageSummary, directoryTotals and errorSummary in one pass over the walk, each
 * equal to its own call. Perf: each of those reads and decodes the whole walk; one
 * pass feeding all three decodes it once (bench/RESULTS.md, `report`). Memory is
 * the three analyses' (directories, owners, hard-linked files), not the entries'.
 */
export async function reportSummaries(walk: Walk, options: ReportSummariesOptions = {}): Promise<ReportSummaries> {
  const usage = new UsageSummaryAccumulator(walk, options.usage);
  const directories = new DirectoryTotalsAccumulator();
  const errors = new ErrorSummaryAccumulator(options.errorSamples);
  for await (const batch of walk.entryAndErrorBatches(options)) {
    usage.addBatch(batch.entries);
    directories.addBatch(batch.entries);
    for (const e of batch.errors) errors.add(e);
  }
  return { usage: await usage.summary(), directories: directories.totals(walk.root), errors: errors.summary() };
}
