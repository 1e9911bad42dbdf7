/**
 * Snappy compression (the raw block format of Parquet's SNAPPY codec), the same
 * algorithm as hyparquet-writer's built-in one (itself snappyjs's) but writing into one
 * preallocated output buffer. Perf: the built-in codec appends every tag and literal
 * through a growable ByteWriter (a bounds check and a DataView call per byte), which
 * made compression a quarter of an export's time.
 */

const MAX_HASH_TABLE_BITS = 14;
/** Copies reach at most this far back: two-byte offsets (tag 2) only. */
const MAX_OFFSET = 0xffff;
/** The last bytes are always a literal: the match loop reads 4 bytes ahead. */
const INPUT_MARGIN = 15;
/** Literals shorter than this are copied byte by byte (cheaper than a subarray and set). */
const SHORT_LITERAL = 16;

const hashTables: Uint32Array[] = [];
let output = new Uint8Array(0);

/** The Snappy encoding of `input`: a varint of its length, then literals and copies. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const worst = 32 + input.length + Math.floor(input.length / 6);
  if (output.length < worst) output = new Uint8Array(worst);
  let op = writeVarint(output, 0, input.length);
  op = compressInput(input, output, op);
  // A copy: the shared output buffer is overwritten by the next call.
  return output.slice(0, op);
}

function writeVarint(out: Uint8Array, op: number, value: number): number {
  while (value >= 0x80) {
    out[op++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[op++] = value;
  return op;
}

function hash(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

function load32(a: Uint8Array, p: number): number {
  return a[p]! | (a[p + 1]! << 8) | (a[p + 2]! << 16) | (a[p + 3]! << 24);
}

function emitLiteral(out: Uint8Array, op: number, input: Uint8Array, from: number, length: number): number {
  const n = length - 1;
  if (n < 60) {
    out[op++] = n << 2;
  } else if (n < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else if (n < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  } else if (n < 0x1000000) {
    out[op++] = 62 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = n >>> 16;
  } else {
    out[op++] = 63 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = (n >>> 16) & 0xff;
    out[op++] = n >>> 24;
  }
  if (length < SHORT_LITERAL) {
    for (let i = 0; i < length; i++) out[op + i] = input[from + i]!;
  } else {
    out.set(input.subarray(from, from + length), op);
  }
  return op + length;
}

/** One copy of 4..64 bytes. */
function emitCopyUpTo64(out: Uint8Array, op: number, offset: number, length: number): number {
  if (length < 12 && offset < 2048) {
    out[op++] = 1 + ((length - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((length - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(out: Uint8Array, op: number, offset: number, length: number): number {
  while (length >= 68) {
    op = emitCopyUpTo64(out, op, offset, 64);
    length -= 64;
  }
  if (length > 64) {
    op = emitCopyUpTo64(out, op, offset, 60);
    length -= 60;
  }
  return emitCopyUpTo64(out, op, offset, length);
}

function compressInput(input: Uint8Array, out: Uint8Array, op: number): number {
  const end = input.length;
  let bits = 1;
  while (1 << bits <= end && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (hashTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);

  let nextEmit = 0;
  if (end >= INPUT_MARGIN) {
    const limit = end - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hash(load32(input, ip), shift);
    outer: for (;;) {
      // Look for a 4-byte match, stepping further the longer nothing matches.
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const h = nextHash;
        nextIp = ip + (skip++ >>> 5);
        if (ip > limit) break outer;
        nextHash = hash(load32(input, nextIp), shift);
        candidate = table[h]!;
        table[h] = ip;
      } while (ip - candidate > MAX_OFFSET || load32(input, ip) !== load32(input, candidate));

      op = emitLiteral(out, op, input, nextEmit, ip - nextEmit);

      // Emit copies for as long as the next position matches too.
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= limit) break outer;
        table[hash(load32(input, ip - 1), shift)] = ip - 1;
        const h = hash(load32(input, ip), shift);
        candidate = table[h]!;
        table[h] = ip;
      } while (ip - candidate <= MAX_OFFSET && load32(input, ip) === load32(input, candidate));

      ip++;
      nextHash = hash(load32(input, ip), shift);
    }
  }
  if (nextEmit < end) op = emitLiteral(out, op, input, nextEmit, end - nextEmit);
  return op;
}
