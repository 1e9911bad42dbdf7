import { keyDepth, keyPaths, parentKey, pathKey } from './path-key.js';
import type { WalkEntry } from './record.js';
import type { RootPath } from './root-path.js';
import type { Walk } from './walk.js';

/** One directory's totals. Recursive figures include the directory itself, as du counts it. */
export interface DirectoryTotal {
  readonly path: string;
  readonly relativePathBytes: Uint8Array;
  readonly pathBytes: Uint8Array;
  /** 0 for the root. */
  readonly depth: number;
  /** The directory's own inode and device (0n and null when its record is missing, e.g. excluded). */
  readonly inode: bigint;
  readonly dev: bigint | null;
  /** Entries directly inside it, and their sizes. */
  readonly directEntries: number;
  readonly directFiles: number;
  readonly directDirs: number;
  readonly directBytes: bigint;
  /** Everything below it and itself; a hard-linked file counts once, in one directory. */
  readonly entries: number;
  readonly files: number;
  readonly dirs: number;
  /** Sum of st_size. */
  readonly apparentBytes: bigint;
  /** Sum of st_blocks * 512; null in a --compact walk, which does not record blocks. */
  readonly allocatedBytes: bigint | null;
}

/** Mutable accumulator of one directory, keyed by its relative path (latin1, one char per byte). */
interface Accumulator {
  readonly key: string;
  depth: number;
  inode: bigint;
  dev: bigint | null;
  directEntries: number;
  directFiles: number;
  directDirs: number;
  directBytes: bigint;
  entries: number;
  files: number;
  dirs: number;
  apparent: bigint;
  allocated: bigint;
}

/** Where a hard-linked file is counted: the smallest path among its links, so the answer does not depend on file order. */
interface LinkCredit {
  key: string;
  parent: string;
  size: bigint;
  allocated: bigint;
}

/**
 * Totals for every directory of a walk: direct children, and recursive entry and
 * file counts, apparent and allocated bytes, with hard links counted once per
 * (dev, inode). Exact: byte sums are bigints. Memory grows with the number of
 * directories (and of hard-linked files), not of entries: records stream past.
 */
export async function directoryTotals(walk: Walk): Promise<DirectoryTotal[]> {
  const dirs = new Map<string, Accumulator>();
  const links = new Map<string, LinkCredit>();
  const get = (key: string): Accumulator => {
    let acc = dirs.get(key);
    if (acc === undefined) {
      acc = {
        key,
        depth: keyDepth(key),
        inode: 0n,
        dev: null,
        directEntries: 0,
        directFiles: 0,
        directDirs: 0,
        directBytes: 0n,
        entries: 0,
        files: 0,
        dirs: 0,
        apparent: 0n,
        allocated: 0n,
      };
      dirs.set(key, acc);
    }
    return acc;
  };
  const credit = (acc: Accumulator, e: { type: string }, size: bigint, allocated: bigint, sign: 1 | -1): void => {
    const n = sign;
    const s = sign === 1 ? size : -size;
    acc.entries += n;
    if (e.type === 'file') acc.files += n;
    acc.apparent += s;
    acc.allocated += sign === 1 ? allocated : -allocated;
  };
  let compact = false;
  for await (const batch of walk.recordBatches()) {
    for (const e of batch) {
      const key = pathKey(e.relativePathBytes);
      const size = e.size;
      if (e.blocks === null) compact = true;
      const allocated = (e.blocks ?? 0n) * 512n;
      if (e.type === 'dir') {
        const self = get(key);
        self.inode = e.inode;
        self.dev = e.dev;
        self.dirs += 1;
        credit(self, e, size, allocated, 1);
        if (key !== '') countDirect(get(parentKey(key)), e, size);
        continue;
      }
      const parent = parentKey(key);
      if (key !== '') countDirect(get(parent), e, size);
      if (e.nlink !== null && e.nlink > 1) {
        const id = `${e.dev}:${e.inode}`;
        const held = links.get(id);
        if (held !== undefined) {
          if (held.key <= key) continue;
          credit(get(held.parent), e, held.size, held.allocated, -1);
        }
        links.set(id, { key, parent, size, allocated });
      }
      if (key === '') credit(get(''), e, size, allocated, 1);
      else credit(get(parent), e, size, allocated, 1);
    }
  }
  // Children before parents: each directory's recursive totals flow into its parent's.
  const ordered = [...dirs.values()].sort((a, b) => b.depth - a.depth);
  for (const acc of ordered) {
    if (acc.key === '') continue;
    const up = dirs.get(parentKey(acc.key));
    if (up === undefined) continue;
    up.entries += acc.entries;
    up.files += acc.files;
    up.dirs += acc.dirs;
    up.apparent += acc.apparent;
    up.allocated += acc.allocated;
  }
  return ordered
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((acc) => toTotal(acc, walk.root, compact));
}

function countDirect(dir: Accumulator, e: WalkEntry, size: bigint): void {
  dir.directEntries++;
  if (e.type === 'file') dir.directFiles++;
  else if (e.type === 'dir') dir.directDirs++;
  dir.directBytes += size;
}

function toTotal(acc: Accumulator, root: RootPath, compact: boolean): DirectoryTotal {
  return {
    ...keyPaths(acc.key, root),
    depth: acc.depth,
    inode: acc.inode,
    dev: acc.dev,
    directEntries: acc.directEntries,
    directFiles: acc.directFiles,
    directDirs: acc.directDirs,
    directBytes: acc.directBytes,
    entries: acc.entries,
    files: acc.files,
    dirs: acc.dirs,
    apparentBytes: acc.apparent,
    allocatedBytes: compact ? null : acc.allocated,
  };
}
