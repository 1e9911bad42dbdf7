// Format 2's integers (FORMAT.md section 7.1): unsigned LEB128 varints of up to 64 bits,
// and signed ones zigzag-mapped first. Values are exact numbers below 2^53 and bigints
// past it, as everywhere else in the codec (integers.ts).

/** Bytes a varint can take: 64 bits in 7-bit groups, and one more for a zigzag of a 64-bit difference. */
export const MAX_VARINT_BYTES = 10;

const TWO_31 = 0x80000000;
const BIG_7F = 0x7fn;
const BIG_80 = 0x80n;
const BIG_7 = 7n;

/** Writes `v` (>= 0) at `off`; returns the offset after it. */
export function writeVarint(buf: Uint8Array, off: number, v: number | bigint): number {
  if (typeof v === 'bigint') {
    // Node's bigint lstat gives an inode or device past 2^63 as a negative number: its 64-bit two's complement is the value.
    if (v < 0n) v = BigInt.asUintN(64, v);
    if (v <= Number.MAX_SAFE_INTEGER) return writeVarint(buf, off, Number(v));
    while (v >= BIG_80) {
      buf[off++] = Number(v & BIG_7F) | 0x80;
      v >>= BIG_7;
    }
    buf[off++] = Number(v);
    return off;
  }
  // Perf: 32-bit shifts while they are exact, division above.
  while (v >= TWO_31) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  while (v >= 0x80) {
    buf[off++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[off++] = v;
  return off;
}

/** Largest magnitude whose zigzag (2|v|) stays an exact number. */
const ZIGZAG_EXACT = 2 ** 51;

/** Writes the signed `v` zigzag-mapped (0, -1, 1, -2 ... as 0, 1, 2, 3 ...); returns the offset after it. */
export function writeZigzag(buf: Uint8Array, off: number, v: number | bigint): number {
  if (typeof v === 'number' && v > -ZIGZAG_EXACT && v < ZIGZAG_EXACT) return writeVarint(buf, off, v < 0 ? -2 * v - 1 : 2 * v);
  const b = BigInt(v);
  return writeVarint(buf, off, b < 0n ? -2n * b - 1n : 2n * b);
}

/** The difference a - b of two exact times, exact: a number when both are small, else a bigint. */
export function exactDifference(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number' && a > -ZIGZAG_EXACT && a < ZIGZAG_EXACT && b > -ZIGZAG_EXACT && b < ZIGZAG_EXACT) return a - b;
  return BigInt(a) - BigInt(b);
}

/** The inverse of the zigzag map, for a value read as an exact number or a bigint. */
export function unzigzag(v: number | bigint): number | bigint {
  // Perf: `& 1` is the parity of any safe integer (ToInt32 keeps the low bits); `%` on a double was a third of format-2 decoding.
  if (typeof v === 'number') return (v & 1) === 0 ? v / 2 : -(v + 1) / 2;
  const r = v & 1n ? -(v + 1n) / 2n : v / 2n;
  return r >= -Number.MAX_SAFE_INTEGER && r <= Number.MAX_SAFE_INTEGER ? Number(r) : r;
}

/** The varint at `at` of a payload FrameCursor checked: an exact number below 2^53, else a bigint. */
export function varintAt(p: Uint8Array, at: number): number | bigint {
  // Perf: up to 4 bytes (below 2^28: ids, modes, link counts, most sizes and inodes) unrolled in 32-bit integer arithmetic.
  let b = p[at]!;
  if (b < 0x80) return b;
  let v = b & 0x7f;
  b = p[at + 1]!;
  v |= (b & 0x7f) << 7;
  if (b < 0x80) return v;
  b = p[at + 2]!;
  v |= (b & 0x7f) << 14;
  if (b < 0x80) return v;
  b = p[at + 3]!;
  v |= (b & 0x7f) << 21;
  if (b < 0x80) return v;
  // Perf: a fifth byte (below 2^35) in double arithmetic, still exact: a time's zigzag (2 x 1.7e9 seconds) takes five, and wideVarintAt's loop was 5% of an export.
  b = p[at + 4]!;
  if (b < 0x80) return v + b * 0x10000000;
  return wideVarintAt(p, at);
}

/** The varint at `at` of five bytes or more. */
function wideVarintAt(p: Uint8Array, at: number): number | bigint {
  let v = 0;
  let scale = 1;
  for (let i = at; ; i++) {
    const b = p[i]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v <= Number.MAX_SAFE_INTEGER ? v : bigVarintAt(p, at, i);
    scale *= 0x80;
  }
}

/** The varint in bytes [at, last] exactly, as a bigint. */
export function bigVarintAt(p: Uint8Array, at: number, last: number): bigint {
  let v = 0n;
  for (let i = last; i >= at; i--) v = (v << BIG_7) | BigInt(p[i]! & 0x7f);
  return v;
}

/** Where the varint at `at` of a checked payload ends. */
export function varintEnd(p: Uint8Array, at: number): number {
  let end = at;
  while (p[end]! >= 0x80) end++;
  return end + 1;
}

/** a + b for exact times, exact: a number while it stays safe, else a bigint. */
export function exactSum(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) < 2 ** 52 && Math.abs(b) < 2 ** 52) return a + b;
  const s = BigInt(a) + BigInt(b);
  return s >= -Number.MAX_SAFE_INTEGER && s <= Number.MAX_SAFE_INTEGER ? Number(s) : s;
}
