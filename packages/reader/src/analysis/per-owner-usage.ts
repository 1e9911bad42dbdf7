import { AGE_BUCKETS, ageBucketIndex } from './age-buckets.js';
import type { ByteAmount } from './byte-sum.js';
import { countOption } from './count-option.js';
import { DirectoryIndex, type DirectoryNode } from './directory-index.js';
import { FIRST_LINK, HardLinks, hardLinkId, LATER_LINK } from './hard-links.js';
import { largestFileFacts, type LargestFile } from './largest-files.js';
import { creditDirectory, FIRST_COLD_BUCKET, OwnerLedger, type OwnerDirectory } from './owner-ledger.js';
import { resolveOwnerNames, type OwnerNames } from './owner-names.js';
import { ParentCache } from './parent-cache.js';
import type { UsageGroup } from './usage-summary.js';
import { entryKind, EntryKind, sumTallies, TallyAccumulator, type UsageTally } from './usage-tally.js';
import { allocatedAmount, entryKey, isRoot, sizeAmount } from '../sdk/entry-in-place.js';
import { keyPaths } from '../sdk/path-key.js';
import type { RootPath } from '../sdk/root-path.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** One of an owner's directories: their entries below it (and it, when theirs), as du would count only their files. */
export interface OwnerDirectoryUsage extends UsageTally {
  readonly path: string;
  readonly relativePathBytes: Uint8Array;
  readonly pathBytes: Uint8Array;
  /** 0 for the root. */
  readonly depth: number;
  /** Apparent bytes of theirs below it that nobody has read for a year or more (atime). */
  readonly coldBytes: bigint;
}

/** Everything a walk holds of one owner (a user or a group). */
export interface OwnerReport {
  readonly id: number;
  /** The name on this machine (OwnerNames), else the number as text. */
  readonly name: string;
  /** Their entries, each hard-linked file once. */
  readonly totals: UsageTally;
  /** Every bucket of AGE_BUCKETS in order, zeros included. */
  readonly byMtimeAge: UsageGroup[];
  readonly byAtimeAge: UsageGroup[];
  /** Their data nobody has read for a year or more (atime buckets 1-3 y and > 3 y). */
  readonly cold: UsageTally;
  /** The directories holding most of their apparent bytes (recursive), most first; the root first of all. */
  readonly largestDirectories: OwnerDirectoryUsage[];
  /** The directories holding most of their cold bytes, most first; empty when nothing of theirs is cold. */
  readonly coldestDirectories: OwnerDirectoryUsage[];
  /** Their largest regular files, largest first, ties in path byte order. */
  readonly largestFiles: LargestFile[];
}

export interface PerOwnerUsage {
  /** Milliseconds since 1970: the time ages are measured from (the walk's start). */
  readonly walkStart: number;
  /** By uid ('user') or gid ('group'). */
  readonly by: 'user' | 'group';
  /** A --compact walk records no owners: then `owners` is empty. */
  readonly compact: boolean;
  /** The whole walk, each hard-linked file once: what an owner's share is of. */
  readonly totals: UsageTally;
  /** Owners at or above `minBytes`, largest apparent size first (ties: smaller id first). */
  readonly owners: OwnerReport[];
  /** The owners under `minBytes`, left out: how many and what they hold together. */
  readonly omitted: { readonly owners: number } & UsageTally;
}

export interface PerOwnerUsageOptions extends Pick<RecordsOptions, 'onCorrupt' | 'signal'> {
  /** Owners by uid (default) or by gid. */
  by?: 'user' | 'group';
  /** Rows in each owner's lists: directories, cold directories, files (default 20). */
  top?: number;
  /** Owners with fewer apparent bytes are left out (default 0: none). */
  minBytes?: bigint;
  /** Owner names (default: resolveOwnerNames(), once per call); NUMERIC_OWNER_NAMES for none. */
  names?: OwnerNames;
  /** The reference time for ages, ms since 1970 (default: the walk's start; the time of the call without a manifest). */
  now?: number;
}

/** Where a hard-linked file was counted (hard-links.ts: at its smallest path), to move it when a smaller one turns up. */
interface LinkCredit {
  key: string;
  dir: OwnerDirectory;
  readonly owner: OwnerLedger;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
  readonly cold: boolean;
  readonly file: Omit<LargestFile, 'path' | 'pathBytes'>;
}

/**
 * Each owner's part of a walk, for every owner at once in ONE streaming pass: their
 * totals, ages, cold data, largest directories (their bytes below each, rolled up as
 * du does) and largest files. Memory is, per owner, the directories holding something
 * of theirs and the top-N lists, plus hard-linked files; never the entries.
 */
export async function perOwnerUsage(walk: Walk, options: PerOwnerUsageOptions = {}): Promise<PerOwnerUsage> {
  const top = countOption('perOwnerUsage', 'top', options.top ?? 20);
  const minBytes = options.minBytes ?? 0n;
  const by = options.by ?? 'user';
  const names = options.names !== undefined ? Promise.resolve(options.names) : resolveOwnerNames();
  const walkStart = options.now ?? walk.manifest?.startTime ?? Date.now();
  const bucketOf = ageBucketIndex(walkStart);

  const totals = new TallyAccumulator();
  const ledgers = new Map<number, OwnerLedger>();
  const links = new HardLinks<LinkCredit>();
  const index = new DirectoryIndex();
  const parents = new ParentCache<DirectoryNode>((key) => index.node(key));
  let compact = false;
  let last: OwnerLedger | undefined;
  for await (const batch of walk.recordBatches({ onCorrupt: options.onCorrupt, signal: options.signal })) {
    for (const e of batch) {
      const id = by === 'user' ? e.uid : e.gid;
      const atime = e.atime;
      const allocatedOrNull = allocatedAmount(e);
      if (id === null || atime === null || allocatedOrNull === null) {
        compact = true;
        continue;
      }
      // Perf: a directory's entries mostly share an owner, so the previous ledger is tried first.
      let owner = last !== undefined && last.id === id ? last : ledgers.get(id);
      if (owner === undefined) ledgers.set(id, (owner = new OwnerLedger(id, top)));
      last = owner;
      const kind = entryKind(e.type);
      const size = sizeAmount(e);
      const allocated = allocatedOrNull;
      const atimeAt = bucketOf(atime);
      const cold = atimeAt >= FIRST_COLD_BUCKET;
      // A directory counts in itself (du's rule); anything else in its parent, the root file of a one-file walk in itself.
      const dir = kind === EntryKind.DIR || isRoot(e) ? index.node(entryKey(e)) : parents.of(e);

      const linkId = hardLinkId(e);
      if (linkId !== null) {
        const path = entryKey(e);
        const held = links.meet(linkId, path);
        if (held === LATER_LINK) continue;
        if (held !== FIRST_LINK) {
          // A smaller path for a file counted already: only its directory changes.
          creditDirectory(held.dir, held.kind, held.size, held.allocated, held.cold, -1);
          held.dir = held.owner.directory(dir);
          held.key = path;
          creditDirectory(held.dir, held.kind, held.size, held.allocated, held.cold, 1);
          continue;
        }
        links.hold(linkId, { key: path, dir: owner.directory(dir), owner, kind, size, allocated, cold, file: largestFileFacts(e) });
      } else if (kind === EntryKind.FILE) {
        owner.largest.offerEntry(e);
      }
      totals.add(kind, size, allocated);
      owner.count(kind, size, allocated, bucketOf(e.mtime), atimeAt);
      creditDirectory(owner.directory(dir), kind, size, allocated, cold, 1);
    }
  }
  // Hard-linked files join the largest lists under the link that was counted.
  for (const credit of links.credits()) {
    if (credit.kind !== EntryKind.FILE) continue;
    credit.owner.largest.offer({ ...credit.file, ...keyPaths(credit.key, walk.root) });
  }

  const resolved = await names;
  const name = by === 'user' ? (id: number) => resolved.user(id) : (id: number) => resolved.group(id);
  const kept: OwnerLedger[] = [];
  const left: UsageTally[] = [];
  for (const ledger of ledgers.values()) {
    if (ledger.tally.apparent.value() >= minBytes) kept.push(ledger);
    else left.push(ledger.tally.toTally(false));
  }
  const owners = kept.map((ledger) => ownerReport(ledger, name(ledger.id), top, walk.root, index));
  owners.sort((a, b) => (a.totals.apparentBytes > b.totals.apparentBytes ? -1 : a.totals.apparentBytes < b.totals.apparentBytes ? 1 : a.id - b.id));
  return { walkStart, by, compact, totals: totals.toTally(compact), owners, omitted: { owners: left.length, ...sumTallies(left) } };
}

function ownerReport(ledger: OwnerLedger, name: string, top: number, root: RootPath, index: DirectoryIndex): OwnerReport {
  ledger.rollUp(index);
  const ages = (tallies: TallyAccumulator[]): UsageGroup[] =>
    AGE_BUCKETS.map(({ bucket, label }, i) => ({ key: bucket, label, ...tallies[i]!.toTally(false) }));
  const byAtimeAge = ages(ledger.atime);
  const directory = (dir: OwnerDirectory): OwnerDirectoryUsage => {
    const { path, relativePathBytes, pathBytes } = keyPaths(dir.node.key, root);
    return {
      path,
      relativePathBytes,
      pathBytes,
      depth: dir.node.depth,
      entries: dir.entries,
      files: dir.files,
      dirs: dir.dirs,
      apparentBytes: dir.apparent.value(),
      allocatedBytes: dir.allocated.value(),
      coldBytes: dir.cold.value(),
    };
  };
  return {
    id: ledger.id,
    name,
    totals: ledger.tally.toTally(false),
    byMtimeAge: ages(ledger.mtime),
    byAtimeAge,
    cold: sumTallies(byAtimeAge.slice(FIRST_COLD_BUCKET)),
    largestDirectories: ledger.topDirectories(top, (dir) => dir.apparent).map(directory),
    coldestDirectories: ledger.topDirectories(top, (dir) => dir.cold).map(directory),
    largestFiles: ledger.largest.ranked(),
  };
}
