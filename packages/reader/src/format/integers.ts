// 64-bit integers in a little-endian DataView, held as exact numbers below 2^53 and as
// bigints past it. One place for the rule: the encoder, the decoder and the walker's
// native route all read and write them this way.

export const TWO_32 = 4294967296;
/** A u64 whose high word is below this is exact as a number (below 2^53). */
const EXACT_HIGH_WORD = 0x200000;

/** A u64 as an exact number when below 2^53 (no allocation), else a bigint. */
export function readU64(view: DataView, off: number): number | bigint {
  const hi = view.getUint32(off + 4, true);
  return hi < EXACT_HIGH_WORD ? hi * TWO_32 + view.getUint32(off, true) : view.getBigUint64(off, true);
}

/** Writes an unsigned 64-bit value held as an exact number or a bigint. */
export function writeU64(view: DataView, off: number, v: number | bigint): void {
  if (typeof v === 'bigint') {
    view.setBigUint64(off, v, true);
    return;
  }
  // Perf: ToUint32 takes the low word exactly for any integer below 2^53, avoiding a BigInt allocation.
  const lo = v >>> 0;
  view.setUint32(off, lo, true);
  view.setUint32(off + 4, (v - lo) / TWO_32, true);
}

/** Writes a signed 64-bit value held as an exact number or a bigint. */
export function writeI64(view: DataView, off: number, v: number | bigint): void {
  if (typeof v === 'bigint') {
    view.setBigInt64(off, v, true);
    return;
  }
  const lo = v >>> 0;
  view.setUint32(off, lo, true);
  view.setInt32(off + 4, (v - lo) / TWO_32, true);
}
