/** How long ago a time was, relative to the walk's start. */
export type AgeBucket = 'future' | 'lt30d' | '30to90d' | '90dto1y' | '1to3y' | 'gt3y';

const DAY_SECONDS = 86_400;

/**
 * The buckets in their fixed order, each with its label and the age (seconds
 * before the walk's start) where it begins. A year is 365 days. A bucket holds
 * ages from its own `fromSeconds` (inclusive) up to the next bucket's (exclusive);
 * 'future' holds times after the walk's start.
 */
export const AGE_BUCKETS: readonly { readonly bucket: AgeBucket; readonly label: string; readonly fromSeconds: number }[] = [
  { bucket: 'future', label: 'future', fromSeconds: -Infinity },
  { bucket: 'lt30d', label: '< 30 d', fromSeconds: 0 },
  { bucket: '30to90d', label: '30-90 d', fromSeconds: 30 * DAY_SECONDS },
  { bucket: '90dto1y', label: '90 d-1 y', fromSeconds: 90 * DAY_SECONDS },
  { bucket: '1to3y', label: '1-3 y', fromSeconds: 365 * DAY_SECONDS },
  { bucket: 'gt3y', label: '> 3 y', fromSeconds: 3 * 365 * DAY_SECONDS },
];

/**
 * A function from a time (whole seconds since 1970, as records hold them) to its
 * bucket's index in AGE_BUCKETS. The age is `walkStartMs / 1000 - time` seconds,
 * compared without rounding: a time exactly 30 days before the start is in
 * '30-90 d', a time equal to the start in '< 30 d', one second after it in 'future'.
 */
export function ageBucketIndex(walkStartMs: number): (seconds: number) => number {
  const start = walkStartMs / 1000;
  // The newest time each bucket from 'lt30d' on admits: time <= start - fromSeconds.
  const b1 = start;
  const b2 = start - AGE_BUCKETS[2]!.fromSeconds;
  const b3 = start - AGE_BUCKETS[3]!.fromSeconds;
  const b4 = start - AGE_BUCKETS[4]!.fromSeconds;
  const b5 = start - AGE_BUCKETS[5]!.fromSeconds;
  // Perf: five comparisons against precomputed limits, no division per entry.
  return (t) => (t > b1 ? 0 : t > b2 ? 1 : t > b3 ? 2 : t > b4 ? 3 : t > b5 ? 4 : 5);
}
