const NS_PER_S = 1_000_000_000n;

/**
 * Whole seconds (floor, also before 1970) from a millisecond time as Node's number
 * Stats give it. The division rounds, so the result is corrected against the exact
 * product; the caller must still treat a whole-second `ms` as ambiguous (see
 * isAmbiguousMs), since a time a few hundred ns before a second rounds up to it.
 */
export function floorSecondsFromMs(ms: number): number {
  let s = Math.floor(ms / 1000);
  if (s * 1000 > ms) s -= 1;
  else if (ms - s * 1000 >= 1000) s += 1;
  return s;
}

/**
 * True when a number-valued millisecond time might not give the exact second: Node
 * computes sec * 1000 + nsec / 1e6 in doubles, and nsec close to 1e9 rounds up to
 * the next whole second. Only whole-second values can be such a rounding.
 */
export function isAmbiguousMs(ms: number): boolean {
  return ms % 1000 === 0;
}

/** Whole seconds (floor) from nanoseconds. */
export function floorDivNs(ns: bigint): bigint {
  const q = ns / NS_PER_S;
  return ns < 0n && q * NS_PER_S !== ns ? q - 1n : q;
}
