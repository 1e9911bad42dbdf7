import { AGE_BUCKETS } from './age-buckets.js';
import { extensionKey } from './extension.js';
import { HardLinks, hardLinkId, rowHardLinkId } from './hard-links.js';
import { largestFileFacts, LargestFiles, type LargestFile } from './largest-files.js';
import type { ByteAmount } from './byte-sum.js';
import { EntryKind, entryKind, TallyAccumulator, type TallyPart } from './usage-tally.js';
import { blockBytes, byteAmount } from '../sdk/entry-in-place.js';
import { blockAmount, Field } from '../format/frame-entry.js';
import type { FrameRowsBlock } from '../sdk/entry-block.js';
import { ENTRY_TYPE_NAMES } from '../format/layout.js';
import { keyPaths, pathKey } from '../sdk/path-key.js';
import type { WalkEntry } from '../sdk/record.js';
import type { RootPath } from '../sdk/root-path.js';

/** A hard-linked file's link that counts (hard-links.ts: the smallest path): what add() counts it with, once every link was met. */
export interface LinkCredit {
  readonly key: string;
  readonly extension: string | undefined;
  readonly depth: number;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
  readonly mtime: number;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly atime: number | null;
  readonly file: Omit<LargestFile, 'path' | 'pathBytes'>;
}

export interface OwnerAccumulator {
  readonly id: number;
  readonly tally: TallyAccumulator;
  readonly atime: TallyAccumulator[];
}

/** What a UsageAccumulator counted, as data: a part of a pass read by several threads (report-summaries.ts). */
export interface UsagePart {
  readonly compact: boolean;
  readonly totals: TallyPart;
  readonly mtimeAges: TallyPart[];
  readonly atimeAges: TallyPart[];
  readonly depths: (TallyPart | null)[];
  readonly extensions: [string, TallyPart][];
  readonly users: OwnerPart[];
  readonly groups: OwnerPart[];
  readonly largest: LargestFile[];
  readonly links: [string, LinkCredit][];
}

/** An owner's id, tally and atime tallies. */
type OwnerPart = readonly [number, TallyPart, TallyPart[]];

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
      const credit = { key: pathKey(relative), extension, depth, kind, size, allocated, mtime: e.mtime, uid: e.uid, gid: e.gid, atime: e.atime };
      // Counted in finish(), with the facts of the link that counts, whatever order the links came in.
      this.links.take(linkId, { ...credit, file: largestFileFacts(e, sizeBig) });
      return;
    }
    if (kind === EntryKind.FILE) this.largest.offerEntry(e, sizeBig);
    this.count(kind, size, allocated, e.mtime, e.uid, e.gid, e.atime, extension, depth);
  }

  /**
   * The rows of a format-2 block: each as add() counts
   * it. Perf: the fields are read from the block's columns, the depth once per
   * directory header, the extension from the name in the payload; no BigInt, path or
   * key is made for an entry unless it is hard-linked (which add() then counts) or may
   * be one of the largest files.
   */
  addRows(rows: FrameRowsBlock): void {
    const { frame: block, from } = rows;
    const { types, nameAt, nameLength, payload } = block;
    const full = block.fullAttrs;
    if (!full) this.compact = true;
    const largest = this.largest;
    for (let i = from, to = from + rows.length; i < to; i++) {
      const type = types[i]!;
      if (rowHardLinkId(block, i) !== null) {
        this.add(rows.entry(i - from));
        continue;
      }
      const kind = entryKind(ENTRY_TYPE_NAMES[type]!);
      const size = block.size(i);
      const allocated = full ? blockAmount(block.blocks(i)) : 0;
      const at = nameAt[i]!;
      const length = nameLength[i]!;
      const isRoot = block.isRoot(i);
      let extension: string | undefined;
      if (kind === EntryKind.FILE) {
        extension = isRoot ? extensionKey(block.root.bytes) : extensionKey(payload, at, at + length);
        if (largest.mayTake(size)) largest.offerEntry(rows.entry(i - from));
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
        block.rowDepth(i),
      );
    }
  }

  /** What was counted so far, as data (before finish()). */
  part(): UsagePart {
    const owners = (map: Map<number, OwnerAccumulator>): OwnerPart[] => [...map.values()].map((o) => [o.id, o.tally.part(), o.atime.map((t) => t.part())]);
    return {
      compact: this.compact,
      totals: this.totals.part(),
      mtimeAges: this.mtimeAges.map((t) => t.part()),
      atimeAges: this.atimeAges.map((t) => t.part()),
      depths: Array.from(this.depths, (t) => t?.part() ?? null),
      extensions: [...this.extensions].map(([key, t]) => [key, t.part()]),
      users: owners(this.users),
      groups: owners(this.groups),
      largest: this.largest.ranked(),
      links: this.links.entries(),
    };
  }

  /** Adds what another thread counted over other blocks of the same walk (before finish()). */
  addPart(part: UsagePart): void {
    if (part.compact) this.compact = true;
    this.totals.addPart(part.totals);
    part.mtimeAges.forEach((t, i) => this.mtimeAges[i]!.addPart(t));
    part.atimeAges.forEach((t, i) => this.atimeAges[i]!.addPart(t));
    part.depths.forEach((t, depth) => {
      if (t !== null) (this.depths[depth] ??= new TallyAccumulator()).addPart(t);
    });
    for (const [key, t] of part.extensions) {
      let tally = this.extensions.get(key);
      if (tally === undefined) this.extensions.set(key, (tally = new TallyAccumulator()));
      tally.addPart(t);
    }
    const addOwners = (map: Map<number, OwnerAccumulator>, owners: OwnerPart[]): void => {
      for (const [id, tally, atime] of owners) {
        const acc = owner(map, id);
        acc.tally.addPart(tally);
        atime.forEach((t, i) => acc.atime[i]!.addPart(t));
      }
    };
    addOwners(this.users, part.users);
    addOwners(this.groups, part.groups);
    // A Buffer crosses threads as a Uint8Array.
    for (const file of part.largest) this.largest.offer({ ...file, pathBytes: Buffer.from(file.pathBytes) });
    for (const [id, credit] of part.links) this.links.take(id, credit);
  }

  /** Counts the hard-linked files (held back until every link was met) and gives the largest files; call once, after the last entry and part. */
  finish(root: RootPath): LargestFile[] {
    for (const c of this.links.credits()) {
      this.count(c.kind, c.size, c.allocated, c.mtime, c.uid, c.gid, c.atime, c.extension, c.depth);
      if (c.kind !== EntryKind.FILE) continue;
      const { path, pathBytes } = keyPaths(c.key, root);
      this.largest.offer({ ...c.file, path, pathBytes });
    }
    return this.largest.ranked();
  }

  /** Counts an entry (a hard-linked one: its link that counts) in every group-by. */
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
    this.place(extension, depth, kind, size, allocated);
  }

  /** Where an entry's name puts it: its extension and depth. */
  private place(extension: string | undefined, depth: number, kind: EntryKind, size: ByteAmount, allocated: ByteAmount): void {
    (this.depths[depth] ??= new TallyAccumulator()).add(kind, size, allocated);
    if (extension === undefined) return;
    let atExtension = this.extensions.get(extension);
    if (atExtension === undefined) this.extensions.set(extension, (atExtension = new TallyAccumulator()));
    atExtension.add(kind, size, allocated);
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
