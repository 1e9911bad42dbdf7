import { AGE_BUCKETS } from './age-buckets.js';
import { extensionKey } from './extension.js';
import { FIRST_LINK, HardLinks, hardLinkId, LATER_LINK } from './hard-links.js';
import { largestFileFacts, LargestFiles, type LargestFile } from './largest-files.js';
import type { ByteAmount } from './byte-sum.js';
import { EntryKind, entryKind, TallyAccumulator } from './usage-tally.js';
import { blockBytes, byteAmount } from '../sdk/entry-in-place.js';
import { blockAmount, Field, type FrameBlock } from '../format/frame-entry.js';
import { EntryType } from '../format/layout.js';
import { keyPaths, pathKey } from '../sdk/path-key.js';
import type { WalkEntry } from '../sdk/record.js';
import type { RootPath } from '../sdk/root-path.js';

/** The owner-independent part a hard-linked file was counted with, and where its name put it. */
interface LinkCredit {
  /** Relative path of the link credited (hard-links.ts: the smallest). */
  key: string;
  extension: string | undefined;
  depth: number;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
  readonly file: Omit<LargestFile, 'path' | 'pathBytes'>;
}

export interface OwnerAccumulator {
  readonly id: number;
  readonly tally: TallyAccumulator;
  readonly atime: TallyAccumulator[];
}

export function sixTallies(): TallyAccumulator[] {
  return AGE_BUCKETS.map(() => new TallyAccumulator());
}

/**
 * Every group-by of usageSummary, fed one entry at a time. Perf: the per-entry work
 * is one small method, which V8 optimizes after a few thousand calls, and each
 * field is read from the record once; byte amounts stay numbers (ByteSum) unless
 * they pass 2^53.
 */
export class UsageAccumulator {
  readonly totals = new TallyAccumulator();
  readonly users = new Map<number, OwnerAccumulator>();
  readonly groups = new Map<number, OwnerAccumulator>();
  readonly mtimeAges = sixTallies();
  readonly atimeAges = sixTallies();
  readonly depths: TallyAccumulator[] = [];
  /** By extensionKey (latin1, ASCII-folded); undefined never: only regular files are placed here. */
  readonly extensions = new Map<string, TallyAccumulator>();
  /** Hard-linked entries by `dev:inode`: memory grows with them, not with entries. */
  private readonly links = new HardLinks<LinkCredit>();
  private readonly largest: LargestFiles;
  private lastUser: OwnerAccumulator | undefined;
  private lastGroup: OwnerAccumulator | undefined;
  compact = false;

  constructor(
    private readonly bucketOf: (seconds: number) => number,
    largest: number,
  ) {
    this.largest = new LargestFiles(largest);
  }

  add(e: WalkEntry): void {
    const type = e.type;
    const kind = entryKind(type);
    const sizeBig = e.size;
    const size = byteAmount(sizeBig);
    const blocks = e.blocks;
    let allocated: ByteAmount = 0;
    if (blocks === null) this.compact = true;
    else allocated = blockBytes(blocks);
    const relative = e.relativePathBytes;
    const depth = e.depth;
    // A walk of a single file has an empty relative path: its name is the root's.
    const extension = kind === EntryKind.FILE ? extensionKey(relative.length === 0 ? e.pathBytes : relative) : undefined;

    const linkId = hardLinkId(e);
    if (linkId !== null) {
      const key = pathKey(relative);
      const held = this.links.meet(linkId, key);
      if (held === LATER_LINK) return;
      if (held !== FIRST_LINK) {
        // A smaller path for a file already counted: only its placement moves.
        this.place(held.extension, held.depth, held.kind, held.size, held.allocated, -1);
        this.place(extension, depth, held.kind, held.size, held.allocated, 1);
        held.key = key;
        held.extension = extension;
        held.depth = depth;
        return;
      }
      this.links.hold(linkId, {
        key,
        extension,
        depth,
        kind,
        size,
        allocated,
        file: largestFileFacts(e, sizeBig),
      });
    } else if (kind === EntryKind.FILE) {
      this.largest.offerEntry(e, sizeBig);
    }
    this.count(kind, size, allocated, e.mtime, e.uid, e.gid, e.atime, extension, depth);
  }

  /**
   * Rows `from`.. of a format-2 block, `batch` being their entries: each as add() counts
   * it. Perf: the fields are read from the block's columns, the depth once per
   * directory header, the extension from the name in the payload; no BigInt, path or
   * key is made for an entry unless it is hard-linked (which add() then counts) or may
   * be one of the largest files.
   */
  addRows(batch: readonly WalkEntry[], block: FrameBlock, from: number): void {
    const { types, dirOf, nameAt, nameLength, dirs, payload } = block;
    const full = block.fullAttrs;
    if (!full) this.compact = true;
    const largest = this.largest;
    for (let i = from, to = from + batch.length; i < to; i++) {
      const type = types[i]!;
      if (full && type !== EntryType.dir && block.attr(i, Field.nlink) > 1) {
        this.add(batch[i - from]!);
        continue;
      }
      const kind = type === EntryType.file ? EntryKind.FILE : type === EntryType.dir ? EntryKind.DIR : EntryKind.OTHER;
      const size = block.size(i);
      const allocated = full ? blockAmount(block.blocks(i)) : 0;
      const header = dirOf[i]!;
      const at = nameAt[i]!;
      const length = nameLength[i]!;
      // The root: an empty name under the root's header; a name is one component (FrameCursor checks).
      const isRoot = length === 0 && dirs.length(header) === 0;
      let extension: string | undefined;
      if (kind === EntryKind.FILE) {
        extension = isRoot ? extensionKey(block.root.bytes) : extensionKey(payload, at, at + length);
        if (largest.mayTake(size)) largest.offerEntry(batch[i - from]!);
      }
      const mtime = Number(block.mtime(i));
      this.count(
        kind,
        size,
        allocated,
        mtime,
        full ? block.attr(i, Field.uid) : null,
        full ? block.attr(i, Field.gid) : null,
        full ? Number(block.sinceMtime(i, 2)) : null,
        extension,
        isRoot ? 0 : block.depth(header) + 1,
      );
    }
  }

  /** Counts an entry (a hard-linked one: the first of its links met) in every group-by. */
  private count(
    kind: EntryKind,
    size: ByteAmount,
    allocated: ByteAmount,
    mtime: number,
    uid: number | null,
    gid: number | null,
    atime: number | null,
    extension: string | undefined,
    depth: number,
  ): void {
    this.totals.add(kind, size, allocated);
    this.mtimeAges[this.bucketOf(mtime)]!.add(kind, size, allocated);
    if (uid !== null && gid !== null && atime !== null) {
      // Perf: neighbouring entries mostly share their owners: the last ones are checked before the Maps.
      const user = (this.lastUser = this.lastUser?.id === uid ? this.lastUser : owner(this.users, uid));
      const group = (this.lastGroup = this.lastGroup?.id === gid ? this.lastGroup : owner(this.groups, gid));
      user.tally.add(kind, size, allocated);
      group.tally.add(kind, size, allocated);
      const age = this.bucketOf(atime);
      this.atimeAges[age]!.add(kind, size, allocated);
      user.atime[age]!.add(kind, size, allocated);
      group.atime[age]!.add(kind, size, allocated);
    }
    this.place(extension, depth, kind, size, allocated, 1);
  }

  /** The largest files, hard-linked ones (held back until every link was seen) included. */
  largestFiles(root: RootPath): LargestFile[] {
    for (const credit of this.links.credits()) {
      if (credit.kind !== EntryKind.FILE) continue;
      const { path, pathBytes } = keyPaths(credit.key, root);
      this.largest.offer({ ...credit.file, path, pathBytes });
    }
    return this.largest.ranked();
  }

  /** Where an entry's name puts it: its extension and depth. */
  private place(extension: string | undefined, depth: number, kind: EntryKind, size: ByteAmount, allocated: ByteAmount, sign: 1 | -1): void {
    const atDepth = (this.depths[depth] ??= new TallyAccumulator());
    let atExtension: TallyAccumulator | undefined;
    if (extension !== undefined) {
      atExtension = this.extensions.get(extension);
      if (atExtension === undefined) this.extensions.set(extension, (atExtension = new TallyAccumulator()));
    }
    if (sign === 1) {
      atDepth.add(kind, size, allocated);
      atExtension?.add(kind, size, allocated);
    } else {
      atDepth.remove(kind, size, allocated);
      atExtension?.remove(kind, size, allocated);
    }
  }
}

function owner(owners: Map<number, OwnerAccumulator>, id: number): OwnerAccumulator {
  let acc = owners.get(id);
  if (acc === undefined) {
    acc = { id, tally: new TallyAccumulator(), atime: sixTallies() };
    owners.set(id, acc);
  }
  return acc;
}
