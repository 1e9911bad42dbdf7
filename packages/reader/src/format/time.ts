import { TWO_32 } from './integers.js';

const NS_PER_S = 1_000_000_000n;
/** The high words (signed) of the i64s that are safe integers: -2^53 < v < 2^53. */
const SAFE_HIGH_MIN = -0x200000;
const SAFE_HIGH_MAX = 0x1fffff;

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

/**
 * Whole seconds as the walk stores them: an i64 as a number when it is a safe
 * integer, else a bigint, so every time reads back exactly and one value has one
 * representation. Perf: no BigInt for the times real trees hold.
 */
export function exactSeconds(seconds: bigint): number | bigint {
  const n = Number(seconds);
  return Number.isSafeInteger(n) ? n : seconds;
}

/** A little-endian i64 of whole seconds, as exactSeconds gives it. */
export function readSeconds(view: DataView, off: number): number | bigint {
  const hi = view.getInt32(off + 4, true);
  if (hi >= SAFE_HIGH_MIN && hi <= SAFE_HIGH_MAX) {
    const v = hi * TWO_32 + view.getUint32(off, true);
    if (Number.isSafeInteger(v)) return v;
  }
  return view.getBigInt64(off, true);
}
