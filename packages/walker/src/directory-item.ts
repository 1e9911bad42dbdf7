/** A directory on the way up to the root, for spotting bind-mount loops. */
export interface Ancestor {
  readonly ino: number | bigint;
  readonly dev: number | bigint;
  readonly up: Ancestor | null;
}

/**
 * A directory waiting to be read: the unit of work in every queue. Structured-clone
 * friendly (it crosses threads, and later hosts).
 */
export interface DirectoryItem {
  /** Exact path bytes relative to the root; empty for the root. */
  readonly rel: Buffer;
  readonly ino: number | bigint;
  readonly dev: number | bigint;
  /** The root is 0. */
  readonly depth: number;
  /** This directory's parent and the parent's ancestors. */
  readonly up: Ancestor | null;
}

/**
 * Items lose their Buffer prototype crossing threads (a queue's message, a worker's
 * start data): rewrapped without copying, since the TypeScript routes join `rel` into
 * paths as text, where a Uint8Array would print its byte values.
 */
export function reviveItems(items: DirectoryItem[]): DirectoryItem[] {
  for (const item of items) {
    const rel = item.rel as Uint8Array;
    (item as { rel: Buffer }).rel = Buffer.from(rel.buffer, rel.byteOffset, rel.byteLength);
  }
  return items;
}
