import { MAX_DECIMAL_BYTES, MAX_OCTAL_BYTES, writeDecimal, writeOctal } from './digits.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** JSON.stringify's short escapes of control characters; the others are \u00xx. */
const SHORT_ESCAPES: Readonly<Record<number, number>> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };

/**
 * Rows formatted straight into one growing buffer. Perf: `cat` built a string or
 * Buffer per field and per row, then joined them; bytes written in place and
 * integers as digits without String() are what bench/RESULTS.md measures.
 */
export class ByteRows {
  #buf: Buffer;
  #at = 0;

  constructor(private readonly capacity: number) {
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes gathered since the last take(). */
  get size(): number {
    return this.#at;
  }

  /** The bytes gathered; they are never written into again (a stream may still hold them). */
  take(): Buffer {
    const rows = this.#buf.subarray(0, this.#at);
    this.#buf = Buffer.allocUnsafe(this.capacity);
    this.#at = 0;
    return rows;
  }

  /**
   * The buffer, with room for `n` bytes from `size` on, for a writer that keeps its
   * offset in a local and ends with moveTo(); valid until the next call here.
   */
  claim(n: number): Buffer {
    this.#room(n);
    return this.#buf;
  }

  /** Ends what claim() began: the bytes up to `at` are the rows'. */
  moveTo(at: number): void {
    this.#at = at;
  }

  /** Room for `n` more bytes: a row longer than the buffer (paths have no length limit) grows it. */
  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + n));
    this.#buf.copy(bigger, 0, 0, this.#at);
    this.#buf = bigger;
  }

  /** Text of one byte per character (ASCII literals, digits, names of types and errno codes). */
  latin1(text: string): void {
    const n = text.length;
    this.#room(n);
    // Perf: Buffer#write's call costs more than a loop over a short literal (it was 14% of `cat`'s profile).
    if (n > 32) {
      this.#at += this.#buf.write(text, this.#at, 'latin1');
      return;
    }
    const buf = this.#buf;
    let at = this.#at;
    for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i);
    this.#at = at;
  }

  utf8(text: string): void {
    this.#room(Buffer.byteLength(text));
    this.#at += this.#buf.write(text, this.#at, 'utf8');
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#at++] = b;
  }

  /** An integer in decimal, as String() writes it (decimal.ts). */
  int(v: number | bigint): void {
    this.#room(MAX_DECIMAL_BYTES);
    this.#at = writeDecimal(this.#buf, this.#at, v);
  }

  /** A whole number >= 0 in octal, zero-padded to `width` digits (digits.ts). */
  octal(v: number, width: number): void {
    this.#room(Math.max(MAX_OCTAL_BYTES, width));
    this.#at = writeOctal(this.#buf, this.#at, v, width);
  }

  /** Bytes `from`..`to` of `b` as they are. Perf: a short run (a name) is copied by a loop, which costs less than set()'s call. */
  bytes(b: Uint8Array, from = 0, to = b.length): void {
    const n = to - from;
    this.#room(n);
    const buf = this.#buf;
    if (n > 32) {
      buf.set(from === 0 && to === b.length ? b : b.subarray(from, to), this.#at);
      this.#at += n;
      return;
    }
    let at = this.#at;
    for (let i = from; i < to; i++) buf[at++] = b[i]!;
    this.#at = at;
  }

  /** Bytes `from`..`to` of `b` as the inside of an RFC 4180 quoted field: quotes doubled, everything else as it is. */
  csvQuotedBytes(b: Uint8Array, from = 0, to = b.length): void {
    this.#room((to - from) * 2);
    const buf = this.#buf;
    // Perf: a path without a quote (nearly all) is copied whole, not byte by byte.
    if (from === 0 && to === b.length && b.indexOf(QUOTE) < 0) {
      buf.set(b, this.#at);
      this.#at += b.length;
      return;
    }
    let at = this.#at;
    for (let i = from; i < to; i++) {
      const c = b[i]!;
      buf[at++] = c;
      if (c === QUOTE) buf[at++] = QUOTE;
    }
    this.#at = at;
  }

  /**
   * UTF-8 bytes as the inside of a JSON string, byte for byte what JSON.stringify
   * writes for their text: `"` and `\` escaped, control characters as \b \t \n \f \r
   * or \u00xx, the rest (DEL and non-ASCII included) as it is. Only for valid UTF-8;
   * bytes `from`..`to` of `b`.
   */
  jsonStringBytes(b: Uint8Array, from = 0, to = b.length): void {
    this.#room((to - from) * 6);
    const buf = this.#buf;
    let at = this.#at;
    for (let i = from; i < to; i++) {
      const c = b[i]!;
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
        buf[at++] = c;
        continue;
      }
      buf[at++] = BACKSLASH;
      const short = c < 0x20 ? SHORT_ESCAPES[c] : c;
      if (short !== undefined) {
        buf[at++] = short;
      } else {
        buf[at++] = 0x75;
        buf[at++] = 0x30;
        buf[at++] = 0x30;
        buf[at++] = HEX[c >> 4]!;
        buf[at++] = HEX[c & 15]!;
      }
    }
    this.#at = at;
  }
}
