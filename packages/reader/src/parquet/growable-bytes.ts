/**
 * Bytes appended at the end of one buffer that doubles when full: a row group's
 * encoded column chunks, a page's values. Reused from group to group: `reset` keeps
 * the buffer.
 */
export class GrowableBytes {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, 2 * this.bytes.length));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** An unsigned LEB128 varint of a value below 2^32. */
  varint(value: number): void {
    this.ensure(5);
    const bytes = this.bytes;
    let v = value >>> 0;
    while (v > 0x7f) {
      bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    bytes[this.length++] = v;
  }

  uint32(value: number): void {
    this.ensure(4);
    const bytes = this.bytes;
    const at = this.length;
    bytes[at] = value;
    bytes[at + 1] = value >>> 8;
    bytes[at + 2] = value >>> 16;
    bytes[at + 3] = value >>> 24;
    this.length = at + 4;
  }

  append(source: Uint8Array): void {
    this.ensure(source.length);
    this.bytes.set(source, this.length);
    this.length += source.length;
  }

  /** What was appended, valid until the next append or reset. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}
