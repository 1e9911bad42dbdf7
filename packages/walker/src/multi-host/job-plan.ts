import { decodeDirs, encodeBatches, type EncodedDirs } from './job-codec.js';

/** A subdirectory batch a job enqueues: the job id it is added under, and its directories. */
export type PlannedBatch = [jobId: string, dirs: EncodedDirs];

/**
 * A redelivered job's plan: the batches its earlier attempt stored, whose job ids
 * make re-adding them a no-op, plus new batches for the directories that attempt
 * did not see (the tree changed in between). Returns `planned` itself when every
 * directory was seen, so the caller knows there is nothing to store.
 */
export function extendPlan(planned: PlannedBatch[], batches: readonly EncodedDirs[], dirsPerJob: number, newJobId: () => string): PlannedBatch[] {
  const known = new Set(planned.flatMap(([, dirs]) => dirs.d.map((d) => d[0])));
  const unseen = batches.flatMap((dirs) => decodeDirs(dirs)).filter((d) => !known.has(d.rel.toString('base64')));
  if (unseen.length === 0) return planned;
  return [...planned, ...encodeBatches(unseen, dirsPerJob).map((dirs): PlannedBatch => [newJobId(), dirs])];
}
