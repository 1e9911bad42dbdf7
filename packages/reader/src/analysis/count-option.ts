/**
 * A count option of an SDK call (how many rows, samples, files to keep), checked
 * once before any work: a negative, fractional or NaN count would otherwise give
 * a silently wrong answer (slice(0, -1) drops a row) or fail deep inside a heap.
 */
export function countOption(call: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${call}: ${name} must be a whole number >= 0, got ${value}`);
  return value;
}
