/**
 * The walk root as the user gave it, and how relative record paths join onto it:
 * with one '/' between, none when the root already ends in '/', and the root alone
 * for the root's own record. This matches how find prints paths under a root.
 */
export class RootPath {
  readonly bytes: Buffer;
  readonly text: string;
  private readonly separator: Buffer;
  /** What a non-empty relative path follows in a full one: the root and its separator. */
  readonly head: Buffer;

  constructor(root: Uint8Array) {
    this.bytes = Buffer.from(root);
    this.text = this.bytes.toString('utf8');
    this.separator = this.bytes.length > 0 && this.bytes[this.bytes.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/');
    this.head = Buffer.concat([this.bytes, this.separator]);
  }

  join(relative: Uint8Array): Buffer {
    if (relative.length === 0) return this.bytes;
    return Buffer.concat([this.head, relative]);
  }

  joinString(relative: Uint8Array): string {
    if (relative.length === 0) return this.text;
    const rel = Buffer.from(relative.buffer, relative.byteOffset, relative.byteLength).toString('utf8');
    return this.separator.length === 0 ? this.text + rel : this.text + '/' + rel;
  }
}
