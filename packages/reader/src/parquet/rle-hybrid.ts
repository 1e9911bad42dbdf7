import type { GrowableBytes } from './growable-bytes.js';

/** A run of at least this many equal values is written as one RLE run, as hyparquet-writer does. */
const MIN_RLE_RUN = 8;
/** The widest value the bit packer's 32-bit accumulator holds beside a partial byte. */
export const MAX_BIT_WIDTH = 24;

/** The bits a value below `count` needs (0 for a single value, as readers expect). */
export function bitWidthFor(count: number): number {
  return count <= 1 ? 0 : 32 - Math.clz32(count - 1);
}

/**
 * Appends `values[0..count)` (each below 2^bitWidth) in Parquet's RLE / bit-packed
 * hybrid encoding: runs of 8 or more equal values as RLE runs, the rest bit-packed in
 * groups of 8 (the last group padded with zeros). Dictionary indices and definition
 * levels are written with it.
 */
export function writeRleHybrid(out: GrowableBytes, values: Int32Array | Uint8Array, count: number, bitWidth: number): void {
  if (bitWidth > MAX_BIT_WIDTH) throw new RangeError(`bit width ${bitWidth} is past ${MAX_BIT_WIDTH}`);
  let packedFrom = 0;
  let packedGroups = 0;
  for (let i = 0; i < count;) {
    const value = values[i]!;
    let run = 1;
    while (i + run < count && values[i + run] === value) run++;
    if (run >= MIN_RLE_RUN) {
      if (packedGroups > 0) writeBitPacked(out, values, count, packedFrom, packedGroups, bitWidth);
      packedGroups = 0;
      writeRleRun(out, value, run, bitWidth);
      i += run;
    } else {
      if (packedGroups === 0) packedFrom = i;
      packedGroups++;
      i += 8;
    }
  }
  if (packedGroups > 0) writeBitPacked(out, values, count, packedFrom, packedGroups, bitWidth);
}

function writeRleRun(out: GrowableBytes, value: number, run: number, bitWidth: number): void {
  out.varint(run * 2);
  for (let shift = 0; shift < bitWidth; shift += 8) out.byte((value >>> shift) & 0xff);
}

function writeBitPacked(out: GrowableBytes, values: Int32Array | Uint8Array, count: number, from: number, groups: number, bitWidth: number): void {
  out.varint(groups * 2 + 1);
  const n = groups * 8;
  out.ensure((n * bitWidth) / 8);
  const bytes = out.bytes;
  let at = out.length;
  let buffer = 0;
  let bits = 0;
  for (let k = 0; k < n; k++) {
    const i = from + k;
    buffer |= (i < count ? values[i]! : 0) << bits;
    bits += bitWidth;
    while (bits >= 8) {
      bytes[at++] = buffer & 0xff;
      buffer >>>= 8;
      bits -= 8;
    }
  }
  out.length = at;
}
