import { isUtf8 } from 'node:buffer';
import { PathPieces, type EntryBlock } from '@pwalk-ts/reader';
import type { ByteRows } from './byte-rows.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What a row writer learnt of one piece of paths (PathPieces' head or dir): asked once per piece, not per row. */
export class PieceFacts {
  piece: Uint8Array | null = null;
  hasQuote = false;
  utf8 = false;
  /** UTF-8 whose JSON string is its bytes as they are (no quote, backslash or control character). */
  jsonPlain = false;

  of(piece: Uint8Array): this {
    if (piece === this.piece) return this;
    this.piece = piece;
    // Perf: one loop over the piece (learnt per directory header, 131 k times for the bench corpus's 1 M rows), isUtf8 only past ASCII.
    let quote = false;
    let special = false;
    let ascii = true;
    for (let k = 0; k < piece.length; k++) {
      const c = piece[k]!;
      if (c === QUOTE) quote = true;
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) special = true;
      else if (c >= 0x80) ascii = false;
    }
    this.hasQuote = quote;
    this.utf8 = ascii || isUtf8(piece);
    this.jsonPlain = this.utf8 && !special;
    return this;
  }
}

/**
 * Writes an entry's full path from its pieces (the reader's PathPieces: root, the
 * directory's path, the name) into a row, never joining it. Perf: a Buffer joined per
 * row, and the quote search, UTF-8 check and JSON escaping over the whole path, were
 * about a fifth of `cat`'s profile; the root's and each directory's facts are learnt
 * once (consecutive rows share their directory) and only the name is looked at per row.
 */
export class EntryPathWriter {
  readonly #pieces = new PathPieces();
  readonly #head = new PieceFacts();
  readonly #dir = new PieceFacts();

  /** Takes the path of row `i` of `b`: the calls below write it. Its pieces, e.g. for the name. */
  of(b: EntryBlock, i: number): PathPieces {
    const p = b.pathPieces(i, this.#pieces);
    this.#head.of(p.head);
    this.#dir.of(p.dir);
    return p;
  }

  /** Whether the path is UTF-8. */
  utf8(): boolean {
    const p = this.#pieces;
    return this.#head.utf8 && this.#dir.utf8 && utf8Range(p.name, p.nameFrom, p.nameTo);
  }

  /** The path's bytes inside an RFC 4180 quoted field (the quotes not written): quotes doubled. */
  csvQuoted(out: ByteRows): void {
    const p = this.#pieces;
    if (this.#head.hasQuote) out.csvQuotedBytes(p.head);
    else out.bytes(p.head);
    if (this.#dir.hasQuote) out.csvQuotedBytes(p.dir);
    else out.bytes(p.dir);
    out.csvQuotedBytes(p.name, p.nameFrom, p.nameTo);
  }

  /** The path inside a JSON string (the quotes not written), byte for byte as JSON.stringify writes its text. Only when utf8(). */
  jsonString(out: ByteRows): void {
    const p = this.#pieces;
    if (this.#head.jsonPlain) out.bytes(p.head);
    else out.jsonStringBytes(p.head);
    if (this.#dir.jsonPlain) out.bytes(p.dir);
    else out.jsonStringBytes(p.dir);
    out.jsonStringBytes(p.name, p.nameFrom, p.nameTo);
  }
}

/** Whether bytes `from`..`to` are UTF-8. Perf: an ASCII name (nearly all) is seen by a loop, without isUtf8's call and a view of it. */
function utf8Range(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i]! >= 0x80) return isUtf8(b.subarray(from, to));
  return true;
}
