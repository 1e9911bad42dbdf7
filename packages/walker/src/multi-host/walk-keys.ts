/**
 * Every Redis key of a multi-host walk carries its walk id, so several walks can
 * share one Redis. BullMQ's own keys live under `bull:pwalk-<walkId>:*`.
 */
export const ACTIVE_WALKS = 'pwalk:walks';
/** Published with a walk id when a walk starts, for `pwalk-ts worker`s waiting for one. */
export const WALK_STARTED_CHANNEL = 'pwalk:walks:started';

export type WalkKeys = ReturnType<typeof walkKeys>;

export function walkKeys(walkId: string) {
  const base = `pwalk:${walkId}`;
  return {
    queueName: `pwalk-${walkId}`,
    /** JSON WalkInfo: what joining hosts walk and where they write. */
    info: `${base}:info`,
    /** 'running', then 'complete', 'failed' or 'interrupted' (set once, by a script). */
    status: `${base}:status`,
    /** Exists while the seeding host is alive (it renews the expiry): joining hosts skip walks without it. */
    alive: `${base}:alive`,
    /** Why the walk failed or stopped. */
    message: `${base}:message`,
    /** Published once when the status leaves 'running'. */
    channel: `${base}:events`,
    /** Ids of the jobs whose records are committed. */
    committed: `${base}:committed`,
    /** Thread file name -> JSON ThreadFileSummary as of its last commit. */
    files: `${base}:files`,
    /** Committed totals: entries, dirs, files, errors, bytes. */
    totals: `${base}:totals`,
    /** The subdirectory jobs a job enqueues, kept until it commits so a redelivery enqueues the same ones. */
    plan: (jobId: string) => `${base}:plan:${jobId}`,
    planPattern: `${base}:plan:*`,
  };
}
