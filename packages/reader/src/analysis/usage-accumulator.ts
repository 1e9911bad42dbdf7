import { AGE_BUCKETS } from './age-buckets.js';
import { extensionKey } from './extension.js';
import { FIRST_LINK, HardLinks, hardLinkId, LATER_LINK } from './hard-links.js';
import { largestFileFacts, LargestFiles, type LargestFile } from './largest-files.js';
import type { ByteAmount } from './byte-sum.js';
import { EntryKind, entryKind, TallyAccumulator } from './usage-tally.js';
import { blockBytes, byteAmount } from '../sdk/entry-in-place.js';
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
    const mtime = e.mtime;
    const uid = e.uid;
    const gid = e.gid;
    const atime = e.atime;

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

    this.totals.add(kind, size, allocated);
    this.mtimeAges[this.bucketOf(mtime)]!.add(kind, size, allocated);
    if (uid !== null && gid !== null && atime !== null) {
      const user = owner(this.users, uid);
      const group = owner(this.groups, gid);
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
    acc = { tally: new TallyAccumulator(), atime: sixTallies() };
    owners.set(id, acc);
  }
  return acc;
}
