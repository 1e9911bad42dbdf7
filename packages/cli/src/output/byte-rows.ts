const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_EXACT = -MAX_EXACT;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** '00' to '99', two bytes each. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');
/** 10^k for k up to 9: a number below 2^31 has `digits` digits when it is below POWERS_OF_TEN[digits]. */
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
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

  /** An integer in decimal, as String() writes it. Perf: a safe integer's digits are written in place, no string made. */
  int(v: number | bigint): void {
    if (typeof v === 'bigint' && (v > MAX_EXACT || v < MIN_EXACT)) return this.latin1(String(v));
    let n = Number(v);
    this.#room(17);
    const buf = this.#buf;
    if (n < 0) {
      buf[this.#at++] = 0x2d;
      n = -n;
    }
    if (n < 0x80000000) return this.#smallInt(n);
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let at = (this.#at += digits);
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /**
   * A whole number below 2^31 in decimal. Perf: the digits counted by comparisons and
   * written two at a time with 32-bit division (ids, modes, times, most sizes and
   * inodes): the digits were 11% of `cat --format pwalk`'s profile.
   */
  #smallInt(n: number): void {
    let digits = 1;
    while (digits < 10 && n >= POWERS_OF_TEN[digits]!) digits++;
    const buf = this.#buf;
    let at = (this.#at += digits);
    while (n >= 100) {
      const q = (n / 100) | 0;
      const pair = (n - q * 100) * 2;
      buf[--at] = DIGIT_PAIRS[pair + 1]!;
      buf[--at] = DIGIT_PAIRS[pair]!;
      n = q;
    }
    if (n >= 10) {
      buf[--at] = DIGIT_PAIRS[n * 2 + 1]!;
      buf[--at] = DIGIT_PAIRS[n * 2]!;
    } else {
      buf[--at] = 0x30 + n;
    }
  }

  /** A whole number >= 0 in octal, zero-padded to `width` digits, as toString(8).padStart(width, '0') writes it, without the strings. */
  octal(v: number, width: number): void {
    let digits = 1;
    for (let t = v; t >= 8; t = Math.floor(t / 8)) digits++;
    const n = Math.max(digits, width);
    this.#room(n);
    const buf = this.#buf;
    let at = (this.#at += n);
    for (let k = 0; k < n; k++, v = Math.floor(v / 8)) buf[--at] = 0x30 + (v % 8);
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
