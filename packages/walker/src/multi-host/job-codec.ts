import type { Ancestor, DirectoryItem } from '../directory-item.js';

/**
 * A batch of directories as a job's JSON data. Paths are base64 (names are
 * bytes), inodes and devices decimal strings (they pass 2^53), and the ancestor
 * chains used for bind-mount loop detection are one shared table: siblings share
 * their parent's chain, so a batch stores each ancestor once.
 */
export interface EncodedDirs {
  /** [rel base64, ino, dev, depth, index of the parent chain in `a` or -1]. */
  d: [string, string, string, number, number][];
  /** Ancestors: [ino, dev, index of its own parent in `a` or -1]. */
  a: [string, string, number][];
}

export function encodeDirs(items: readonly DirectoryItem[]): EncodedDirs {
  const table: [string, string, number][] = [];
  const index = new Map<Ancestor, number>();
  const ref = (up: Ancestor | null): number => {
    if (up === null) return -1;
    const known = index.get(up);
    if (known !== undefined) return known;
    const parent = ref(up.up);
    table.push([String(up.ino), String(up.dev), parent]);
    index.set(up, table.length - 1);
    return table.length - 1;
  };
  return {
    d: items.map((it) => [it.rel.toString('base64'), String(it.ino), String(it.dev), it.depth, ref(it.up)]),
    a: table,
  };
}

export function decodeDirs(enc: EncodedDirs): DirectoryItem[] {
  const ancestors: Ancestor[] = [];
  // Parents always precede their children in the table (see ref above).
  for (const [ino, dev, up] of enc.a) ancestors.push({ ino: BigInt(ino), dev: BigInt(dev), up: up < 0 ? null : ancestors[up]! });
  return enc.d.map(([rel, ino, dev, depth, up]) => ({
    rel: Buffer.from(rel, 'base64'),
    ino: BigInt(ino),
    dev: BigInt(dev),
    depth,
    up: up < 0 ? null : ancestors[up]!,
  }));
}

/** Directories cut into batches of at most `dirsPerJob`, each one job's data. */
export function encodeBatches(items: readonly DirectoryItem[], dirsPerJob: number): EncodedDirs[] {
  const batches: EncodedDirs[] = [];
  for (let i = 0; i < items.length; i += dirsPerJob) batches.push(encodeDirs(items.slice(i, i + dirsPerJob)));
  return batches;
}
