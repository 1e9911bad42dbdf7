// Integers written as digits straight into a row's buffer at an offset, as String()
// and toString(8) write them, without making the string: the one rule every row
// writer of `cat` uses (ByteRows, and frame-rows.ts from a walk block's varints).
import { varintAt } from '@pwalk-ts/reader/format';

/** Bytes an integer's digits take at most: a sign and 20 digits (a 64-bit value). */
export const MAX_DECIMAL_BYTES = 21;

/** Bytes the octal digits of a number below 2^53 take at most. */
export const MAX_OCTAL_BYTES = 18;

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_EXACT = -MAX_EXACT;
/** '00' to '99', two bytes each. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');
/** 10^k for k up to 9: a number below 2^31 has `digits` digits when it is below POWERS_OF_TEN[digits]. */
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Writes `v` at `at` (MAX_DECIMAL_BYTES of room); returns the offset after it. */
export function writeDecimal(buf: Uint8Array, at: number, v: number | bigint): number {
  if (typeof v === 'bigint' && (v > MAX_EXACT || v < MIN_EXACT)) return writeDigits(buf, at, String(v));
  let n = Number(v);
  if (n < 0) {
    buf[at++] = 0x2d;
    n = -n;
  }
  if (n < 0x80000000) return writeSmallDecimal(buf, at, n);
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = at + digits;
  let to = end;
  do {
    const q = Math.floor(n / 10);
    buf[--to] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/**
 * A whole number below 2^31 at `at`; returns the offset after it. Perf: the digits
 * counted by comparisons and written two at a time with 32-bit division (ids, modes,
 * times, most sizes and inodes): the digits were 11% of `cat --format pwalk`'s profile.
 */
export function writeSmallDecimal(buf: Uint8Array, at: number, n: number): number {
  let digits = 1;
  while (digits < 10 && n >= POWERS_OF_TEN[digits]!) digits++;
  const end = at + digits;
  let to = end;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) * 2;
    buf[--to] = DIGIT_PAIRS[pair + 1]!;
    buf[--to] = DIGIT_PAIRS[pair]!;
    n = q;
  }
  if (n >= 10) {
    buf[--to] = DIGIT_PAIRS[n * 2 + 1]!;
    buf[--to] = DIGIT_PAIRS[n * 2]!;
  } else {
    buf[--to] = 0x30 + n;
  }
  return end;
}

/**
 * The varint at `from` of a checked format-2 payload `p` (FORMAT.md 7.1), in decimal
 * at `at`; returns the offset after it. Perf: a varint of up to 4 bytes (below 2^28:
 * ids, modes, link counts, most sizes and inodes) goes to digits in 32-bit arithmetic,
 * with no exact-integer union in between.
 */
export function writeVarintDecimal(buf: Uint8Array, at: number, p: Uint8Array, from: number): number {
  let b = p[from]!;
  if (b < 0x80) {
    if (b < 10) {
      buf[at] = 0x30 + b;
      return at + 1;
    }
    return writeSmallDecimal(buf, at, b);
  }
  let v = b & 0x7f;
  b = p[from + 1]!;
  v |= (b & 0x7f) << 7;
  if (b < 0x80) return writeSmallDecimal(buf, at, v);
  b = p[from + 2]!;
  v |= (b & 0x7f) << 14;
  if (b < 0x80) return writeSmallDecimal(buf, at, v);
  b = p[from + 3]!;
  v |= (b & 0x7f) << 21;
  if (b < 0x80) return writeSmallDecimal(buf, at, v);
  return writeDecimal(buf, at, varintAt(p, from));
}

/** A whole number >= 0 in octal at `at`, zero-padded to `width` digits, as toString(8).padStart(width, '0') writes it; returns the offset after it. Perf: 32-bit shifts, not division (a mode is 32 bits). */
export function writeOctal(buf: Uint8Array, at: number, v: number, width: number): number {
  if (v > 0xffffffff) return writeDigits(buf, at, v.toString(8).padStart(width, '0'));
  let digits = 1;
  for (let t = v >>> 3; t > 0; t >>>= 3) digits++;
  const end = at + Math.max(digits, width);
  for (let to = end; to > at; v >>>= 3) buf[--to] = 0x30 + (v & 7);
  return end;
}

/** ASCII digits at `at`; returns the offset after them. */
function writeDigits(buf: Uint8Array, at: number, digits: string): number {
  for (let k = 0; k < digits.length; k++) buf[at++] = digits.charCodeAt(k);
  return at;
}
