import { ParentCache } from './parent-cache.js';
import type { ByteAmount } from './byte-sum.js';
import { extensionKey } from './extension.js';
import { GrowthLedger, type DiffSide, type LedgerPart } from './growth-ledger.js';
import { HardLinks, hardLinkId, rowHardLinkId } from './hard-links.js';
import { EntryKind, entryKind, TallyAccumulator, type TallyPart } from './usage-tally.js';
import { allocatedAmount, sizeAmount } from '../sdk/entry-in-place.js';
import { frameRowsOfBlock, type EntryBlock, type FrameRowsBlock } from '../sdk/entry-block.js';
import { parentKey } from '../sdk/path-key.js';
import type { WalkEntry } from '../sdk/record.js';
import { blockAmount, Field } from '../format/frame-entry.js';
import { EntryType } from '../format/layout.js';

/** The ledgers both sides of a diff credit: growth by directory, owner and extension. */
export interface DiffLedgers {
  readonly directories: GrowthLedger<string>;
  readonly users: GrowthLedger<number | null>;
  readonly groups: GrowthLedger<number | null>;
  readonly extensions: GrowthLedger<string>;
}

export function diffLedgers(): DiffLedgers {
  return {
    directories: new GrowthLedger<string>(),
    users: new GrowthLedger<number | null>(),
    groups: new GrowthLedger<number | null>(),
    extensions: new GrowthLedger<string>(),
  };
}

/** One side's space figures as data, from the thread that read its walk (diff-side-worker.ts). */
export interface DiffSpacePart {
  readonly side: DiffSide;
  readonly totals: TallyPart;
  readonly compact: boolean;
  readonly directories: LedgerPart<string>;
  readonly users: LedgerPart<number | null>;
  readonly groups: LedgerPart<number | null>;
  readonly extensions: LedgerPart<string>;
}

/** What a hard-linked inode credits, held until every link was met (its smallest path counts). */
interface LinkCredit {
  readonly key: string;
  /** The directory it counts in (the ledger's key). */
  readonly dirKey: string;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount | null;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly extension: string | null;
}

/**
 * Everything one walk of a diff adds to the space figures (du's view: each hard-linked
 * inode once, in the directory of its smallest path), credited from its entries in
 * the order they are read. Perf: credited from each block as a walk is read, not in
 * the merge-join, which runs on one thread: the credit was 0.8 s of the 1 M-entry
 * diff's merge (bench/RESULTS.md "diff (session 8)"). A format-2 block's rows are read
 * from its columns, with each directory header's key made once.
 */
export class DiffSpace {
  readonly totals = new TallyAccumulator();
  /** Whether an entry of this walk recorded no blocks (a --compact walk). */
  compact = false;
  private readonly links = new HardLinks<LinkCredit>();
  /** A directory header's key, kept while its rows follow one another. */
  private readonly headerKeys = new ParentCache((key) => key);

  constructor(
    private readonly side: DiffSide,
    private readonly ledgers: DiffLedgers,
  ) {}

  /** Credits the rows of `block`, whose path keys are `keys`; a hard link is held until finish(). */
  readonly creditBlock = (block: EntryBlock, keys: readonly string[]): void => {
    const rows = frameRowsOfBlock(block);
    if (rows !== undefined) return this.creditRows(rows, keys);
    for (let i = 0; i < keys.length; i++) this.creditEntry(block.entry(i), keys[i]!);
  };

  private creditEntry(e: WalkEntry, key: string): void {
    const type = e.type;
    const kind = entryKind(type);
    const size = sizeAmount(e);
    const allocated = allocatedAmount(e);
    const isRoot = key === '';
    const extension = type === 'file' ? extensionKey(isRoot ? e.pathBytes : e.relativePathBytes) : null;
    const dirKey = kind === EntryKind.DIR || isRoot ? key : parentKey(key);
    const linkId = hardLinkId(e);
    if (linkId === null) this.add(dirKey, kind, size, allocated, e.uid, e.gid, extension);
    else this.links.take(linkId, { key, dirKey, kind, size, allocated, uid: e.uid, gid: e.gid, extension });
  }

  /** creditEntry for each row, read from the block's columns. */
  private creditRows(rows: FrameRowsBlock, keys: readonly string[]): void {
    const f = rows.frame;
    const full = f.fullAttrs;
    for (let i = 0; i < keys.length; i++) {
      const r = rows.from + i;
      const key = keys[i]!;
      const type = f.types[r]!;
      const kind = type === EntryType.file ? EntryKind.FILE : type === EntryType.dir ? EntryKind.DIR : EntryKind.OTHER;
      const size = f.size(r);
      const allocated = full ? blockAmount(f.blocks(r)) : null;
      const uid = full ? f.attr(r, Field.uid) : null;
      const gid = full ? f.attr(r, Field.gid) : null;
      const isRoot = key === '';
      let extension: string | null = null;
      if (kind === EntryKind.FILE) {
        const at = f.nameAt[r]!;
        extension = isRoot ? extensionKey(f.root.bytes) : extensionKey(f.payload, at, at + f.nameLength[r]!);
      }
      const dirKey = kind === EntryKind.DIR || isRoot ? key : this.headerKeys.ofHeader(f, f.dirOf[r]!);
      const linkId = rowHardLinkId(f, r);
      if (linkId !== null) {
        this.links.take(linkId, { key, dirKey, kind, size, allocated, uid, gid, extension });
      } else {
        this.add(dirKey, kind, size, allocated, uid, gid, extension);
      }
    }
  }

  /** Credits the hard-linked inodes, each at its smallest path: call once every entry was credited. */
  finish(): void {
    for (const c of this.links.credits()) this.add(c.dirKey, c.kind, c.size, c.allocated, c.uid, c.gid, c.extension);
  }

  /** This side's figures as data (after finish()), for the thread that merges the two sides. */
  part(): DiffSpacePart {
    const { directories, users, groups, extensions } = this.ledgers;
    const side = this.side;
    return {
      side,
      totals: this.totals.part(),
      compact: this.compact,
      directories: directories.part(side),
      users: users.part(side),
      groups: groups.part(side),
      extensions: extensions.part(side),
    };
  }

  /** Adds a part another thread credited for this side. */
  addPart(part: DiffSpacePart): void {
    const { directories, users, groups, extensions } = this.ledgers;
    const side = this.side;
    this.totals.addPart(part.totals);
    this.compact ||= part.compact;
    directories.addPart(part.directories, side);
    users.addPart(part.users, side);
    groups.addPart(part.groups, side);
    extensions.addPart(part.extensions, side);
  }

  /** `dirKey`: the directory it counts in; `extension`: a regular file's (extension.ts), null for any other type. */
  private add(
    dirKey: string,
    kind: EntryKind,
    size: ByteAmount,
    allocated: ByteAmount | null,
    uid: number | null,
    gid: number | null,
    extension: string | null,
  ): void {
    if (allocated === null) this.compact = true;
    this.totals.add(kind, size, allocated ?? 0);
    const isFile = extension !== null;
    const { directories, users, groups, extensions } = this.ledgers;
    directories.credit(dirKey, this.side, size, isFile);
    users.credit(uid, this.side, size, isFile);
    groups.credit(gid, this.side, size, isFile);
    if (extension !== null) extensions.credit(extension, this.side, size, true);
  }
}
