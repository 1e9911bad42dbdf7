const NS_PER_S = 1_000_000_000n;

/**
 * Whole seconds (floor, also before 1970) from a millisecond time. The division
 * rounds, so the result is corrected against the exact product.
 */
export function floorSecondsFromMs(ms: number): number {
  let s = Math.floor(ms / 1000);
  if (s * 1000 > ms) s -= 1;
  else if (ms - s * 1000 >= 1000) s += 1;
  return s;
}

/** Whole seconds (floor) from nanoseconds. */
export function floorDivNs(ns: bigint): bigint {
  const q = ns / NS_PER_S;
  return ns < 0n && q * NS_PER_S !== ns ? q - 1n : q;
}
