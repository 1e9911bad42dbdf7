import { AGE_BUCKETS, ageBucketIndex, type AgeBucket } from './age-buckets.js';
import { extensionKey, extensionName } from './extension.js';
import { LargestFiles, type LargestFile } from './largest-files.js';
import { resolveOwnerNames, type OwnerNames } from './owner-names.js';
import { EntryKind, sumTallies, TallyAccumulator, type ByteAmount, type UsageTally } from './usage-tally.js';
import type { Walk } from './walk.js';

/** One row of a group-by: a tally with the group's key (stable, for joins) and label (for people). */
export interface UsageGroup extends UsageTally {
  readonly key: string;
  readonly label: string;
}

/** A user's or group's usage: key 'uid:N' or 'gid:N', label the name (or N when it has none). */
export interface OwnerUsage extends UsageGroup {
  readonly id: number;
  /** The same entries by last access time ('cold data': e.g. `atime.gt3y`), every bucket present. */
  readonly atime: Record<AgeBucket, UsageTally>;
}

/** An extension's row: key as in extensionName, plus the exact (ASCII-lower-cased) bytes. */
export interface ExtensionUsage extends UsageGroup {
  readonly bytes: Uint8Array;
}

export interface UsageSummary {
  /** Milliseconds since 1970: the time ages are measured from (the walk's start). */
  readonly walkStart: number;
  /** True for a --compact walk: no owners, atimes, block counts or link counts were recorded. */
  readonly compact: boolean;
  readonly totals: UsageTally;
  /** Largest apparent size first (ties: smaller id first). Empty in a --compact walk. */
  readonly byUser: OwnerUsage[];
  readonly byGroup: OwnerUsage[];
  /** Regular files only; largest apparent size first (ties: key bytes order); key '' is files without an extension. */
  readonly byExtension: ExtensionUsage[];
  /** Every bucket in AGE_BUCKETS order, zeros included; key is the AgeBucket. */
  readonly byMtimeAge: UsageGroup[];
  /** As byMtimeAge; empty in a --compact walk (no atimes recorded). */
  readonly byAtimeAge: UsageGroup[];
  /** Depth 0 (the root) to the deepest; key and label are the depth. */
  readonly byDepth: UsageGroup[];
  /** The largest regular files, largest first, ties in path byte order. */
  readonly largestFiles: LargestFile[];
}

export interface UsageSummaryOptions {
  /** How many of the largest files to keep (default 20). */
  largest?: number;
  /** Owner names (default: resolveOwnerNames(), once per call); NUMERIC_OWNER_NAMES for none. */
  names?: OwnerNames;
  /** The reference time for ages, ms since 1970 (default: the walk's start time; the time of the call when the walk has no manifest). */
  now?: number;
  /** Keep the top N extensions and sum the rest into one row with key '/other' (default: every extension). */
  extensions?: number;
}

/** Row key of the extensions beyond `options.extensions` ('/' is in no extension). */
export const OTHER_EXTENSIONS_KEY = '/other';

/** The owner-independent part a hard-linked file was counted with, and where its name put it. */
interface LinkCredit {
  /** Relative path of the link credited: the smallest in byte order (latin1 text), as directoryTotals does. */
  key: string;
  extension: string | undefined;
  depth: number;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
  readonly file: Omit<LargestFile, 'path' | 'pathBytes'>;
}

interface OwnerAccumulator {
  readonly tally: TallyAccumulator;
  readonly atime: TallyAccumulator[];
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_EXACT_BLOCKS = MAX_EXACT / 512n;

function sixTallies(): TallyAccumulator[] {
  return AGE_BUCKETS.map(() => new TallyAccumulator());
}

/**
 * Who uses the space, by what kind of file, and since when, in ONE streaming pass
 * over a walk: totals, per user and group (with an access-age breakdown), per
 * extension, per mtime and atime age, per depth, and the largest files. A file
 * with several hard links counts once per (dev, inode), under the link with the
 * smallest path (as directoryTotals). Memory grows with the number of distinct
 * owners, extensions, depths and hard-linked files, and `largest`: not with entries.
 */
export async function usageSummary(walk: Walk, options: UsageSummaryOptions = {}): Promise<UsageSummary> {
  const keep = options.largest ?? 20;
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`usageSummary: largest must be a whole number >= 0, got ${keep}`);
  const extensionRows = options.extensions;
  if (extensionRows !== undefined && (!Number.isInteger(extensionRows) || extensionRows < 0)) {
    throw new RangeError(`usageSummary: extensions must be a whole number >= 0, got ${extensionRows}`);
  }
  // Names resolve while the records stream.
  const names = options.names !== undefined ? Promise.resolve(options.names) : resolveOwnerNames();
  const walkStart = options.now ?? walk.manifest?.startTime ?? Date.now();
  const bucketOf = ageBucketIndex(walkStart);

  const totals = new TallyAccumulator();
  const users = new Map<number, OwnerAccumulator>();
  const groups = new Map<number, OwnerAccumulator>();
  const mtimeAges = sixTallies();
  const atimeAges = sixTallies();
  const depths: TallyAccumulator[] = [];
  const extensions = new Map<string, TallyAccumulator>();
  const links = new Map<string, LinkCredit>();
  const largest = new LargestFiles(keep);
  let compact = false;

  const owner = (owners: Map<number, OwnerAccumulator>, id: number): OwnerAccumulator => {
    let acc = owners.get(id);
    if (acc === undefined) {
      acc = { tally: new TallyAccumulator(), atime: sixTallies() };
      owners.set(id, acc);
    }
    return acc;
  };
  /** Where an entry's name puts it: its extension and depth. */
  const place = (extension: string | undefined, depth: number, kind: EntryKind, size: ByteAmount, allocated: ByteAmount, sign: 1 | -1): void => {
    const atDepth = (depths[depth] ??= new TallyAccumulator());
    let atExtension: TallyAccumulator | undefined;
    if (extension !== undefined) {
      atExtension = extensions.get(extension);
      if (atExtension === undefined) extensions.set(extension, (atExtension = new TallyAccumulator()));
    }
    if (sign === 1) {
      atDepth.add(kind, size, allocated);
      atExtension?.add(kind, size, allocated);
    } else {
      atDepth.remove(kind, size, allocated);
      atExtension?.remove(kind, size, allocated);
    }
  };

  for await (const batch of walk.recordBatches()) {
    // Perf: one synchronous loop per block; each field is read from the block once, and
    // byte amounts stay numbers (ByteSum) unless they pass 2^53.
    for (const e of batch) {
      const type = e.type;
      const kind = type === 'file' ? EntryKind.FILE : type === 'dir' ? EntryKind.DIR : EntryKind.OTHER;
      const sizeBig = e.size;
      const size: ByteAmount = sizeBig <= MAX_EXACT ? Number(sizeBig) : sizeBig;
      const blocks = e.blocks;
      let allocated: ByteAmount = 0;
      if (blocks === null) compact = true;
      else allocated = blocks <= MAX_EXACT_BLOCKS ? Number(blocks) * 512 : blocks * 512n;
      const relative = e.relativePathBytes;
      const depth = e.depth;
      // A walk of a single file has an empty relative path: its name is the root's.
      const extension = kind === EntryKind.FILE ? extensionKey(relative.length === 0 ? e.pathBytes : relative) : undefined;
      const mtime = e.mtime;
      const uid = e.uid;
      const gid = e.gid;
      const atime = e.atime;

      const nlink = kind === EntryKind.DIR ? null : e.nlink;
      if (nlink !== null && nlink > 1) {
        const id = `${e.dev}:${e.inode}`;
        const key = Buffer.from(relative.buffer, relative.byteOffset, relative.byteLength).toString('latin1');
        const held = links.get(id);
        if (held !== undefined) {
          if (held.key <= key) continue;
          // A smaller path for a file already counted: only its placement moves.
          place(held.extension, held.depth, held.kind, held.size, held.allocated, -1);
          place(extension, depth, held.kind, held.size, held.allocated, 1);
          held.key = key;
          held.extension = extension;
          held.depth = depth;
          continue;
        }
        links.set(id, {
          key,
          extension,
          depth,
          kind,
          size,
          allocated,
          file: { size: sizeBig, allocatedBytes: blocks === null ? null : blocks * 512n, uid, gid, mtime, atime },
        });
      } else if (kind === EntryKind.FILE && largest.mayTake(sizeBig)) {
        const pathBytes = Buffer.from(e.pathBytes);
        largest.offer({
          path: e.path,
          pathBytes,
          size: sizeBig,
          allocatedBytes: blocks === null ? null : blocks * 512n,
          uid,
          gid,
          mtime,
          atime,
        });
      }

      totals.add(kind, size, allocated);
      mtimeAges[bucketOf(mtime)]!.add(kind, size, allocated);
      if (uid !== null && gid !== null && atime !== null) {
        const user = owner(users, uid);
        const group = owner(groups, gid);
        user.tally.add(kind, size, allocated);
        group.tally.add(kind, size, allocated);
        const age = bucketOf(atime);
        atimeAges[age]!.add(kind, size, allocated);
        user.atime[age]!.add(kind, size, allocated);
        group.atime[age]!.add(kind, size, allocated);
      }
      place(extension, depth, kind, size, allocated, 1);
    }
  }

  for (const credit of links.values()) {
    if (credit.kind !== EntryKind.FILE) continue;
    const relative = Buffer.from(credit.key, 'latin1');
    largest.offer({ ...credit.file, path: walk.root.joinString(relative), pathBytes: Buffer.from(walk.root.join(relative)) });
  }

  const resolved = await names;
  const ageRows = (tallies: TallyAccumulator[]): UsageGroup[] =>
    AGE_BUCKETS.map(({ bucket, label }, i) => ({ key: bucket, label, ...tallies[i]!.toTally(compact) }));
  const ownerRows = (owners: Map<number, OwnerAccumulator>, prefix: 'uid' | 'gid', name: (id: number) => string): OwnerUsage[] =>
    [...owners]
      .map(([id, acc]) => ({
        key: `${prefix}:${id}`,
        label: name(id),
        id,
        ...acc.tally.toTally(compact),
        atime: Object.fromEntries(AGE_BUCKETS.map(({ bucket }, i) => [bucket, acc.atime[i]!.toTally(compact)])) as Record<AgeBucket, UsageTally>,
      }))
      .sort((a, b) => byBytesDesc(a, b) || a.id - b.id);

  return {
    walkStart,
    compact,
    totals: totals.toTally(compact),
    byUser: ownerRows(users, 'uid', (id) => resolved.user(id)),
    byGroup: ownerRows(groups, 'gid', (id) => resolved.group(id)),
    byExtension: extensionRowsOf(extensions, compact, extensionRows),
    byMtimeAge: ageRows(mtimeAges),
    byAtimeAge: compact ? [] : ageRows(atimeAges),
    byDepth: Array.from(depths, (acc, depth) => ({
      key: String(depth),
      label: String(depth),
      ...(acc ?? new TallyAccumulator()).toTally(compact),
    })),
    largestFiles: largest.ranked(),
  };
}

function byBytesDesc(a: UsageTally, b: UsageTally): number {
  return a.apparentBytes > b.apparentBytes ? -1 : a.apparentBytes < b.apparentBytes ? 1 : 0;
}

function extensionRowsOf(extensions: Map<string, TallyAccumulator>, compact: boolean, top: number | undefined): ExtensionUsage[] {
  // An extension whose only file moved to a smaller hard-link name holds nothing: no row.
  const rows = [...extensions]
    .filter(([, acc]) => acc.entries > 0)
    .map(([latin1Key, acc]) => ({ ...extensionName(latin1Key), ...acc.toTally(compact) }))
    .sort((a, b) => byBytesDesc(a, b) || Buffer.compare(a.bytes, b.bytes));
  if (top === undefined || rows.length <= top) return rows;
  const rest = rows.slice(top);
  return [...rows.slice(0, top), { key: OTHER_EXTENSIONS_KEY, label: `(other: ${rest.length})`, bytes: new Uint8Array(0), ...sumTallies(rest) }];
}
