import { allocatedAmount, entryKey, isRoot, sizeAmount } from '../sdk/entry-in-place.js';
import { FIRST_LINK, HardLinks, hardLinkId, LATER_LINK } from './hard-links.js';
import { ParentCache } from './parent-cache.js';
import type { ByteAmount } from './byte-sum.js';
import { byBytesDesc, EntryKind, entryKind, TallyAccumulator, type UsageTally } from './usage-tally.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** A user's or group's share of a walk. */
export interface OwnerTally extends UsageTally {
  readonly id: number;
}

/** One of the root's subdirectories with everything below it (as du counts it: itself included). */
export interface TopDirectoryTally extends UsageTally {
  /** The directory's name, its bytes exact. */
  readonly nameBytes: Uint8Array;
}

/**
 * A walk in a few figures, small enough to keep beside every walk of a series:
 * the totals, each owner's usage and each top directory's. Every entry is in the
 * totals once (hard links once, at their smallest path), in one user's and one
 * group's tally (unless the walk is --compact), and in one top directory or in
 * `atRoot`, so the top directories and `atRoot` add up to the totals.
 */
export interface WalkSummary {
  /** True for a --compact walk: no owners or block counts were recorded. */
  readonly compact: boolean;
  readonly totals: UsageTally;
  /** Largest apparent size first (ties: smaller id first); empty in a --compact walk. */
  readonly users: OwnerTally[];
  readonly groups: OwnerTally[];
  /** Largest apparent size first (ties: name byte order). */
  readonly topDirectories: TopDirectoryTally[];
  /** The root itself and what directly in it is not a directory. */
  readonly atRoot: UsageTally;
}

/** Where a hard-linked file was counted: the link credited (hard-links.ts: the smallest path) and its top directory. */
interface LinkCredit {
  key: string;
  top: TallyAccumulator;
  readonly kind: EntryKind;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
}

/**
 * One streaming pass to a `WalkSummary`. Memory grows with owners, top directories
 * and hard-linked files, never with entries.
 */
export async function walkSummary(walk: Walk, options: Pick<RecordsOptions, 'onCorrupt' | 'signal'> = {}): Promise<WalkSummary> {
  const totals = new TallyAccumulator();
  const atRoot = new TallyAccumulator();
  const tops = new Map<string, TallyAccumulator>();
  const users = new Map<number, TallyAccumulator>();
  const groups = new Map<number, TallyAccumulator>();
  const links = new HardLinks<LinkCredit>();
  const topOf = (key: string): TallyAccumulator => {
    if (key === '') return atRoot;
    const slash = key.indexOf('/');
    const name = slash < 0 ? key : key.slice(0, slash);
    let top = tops.get(name);
    if (top === undefined) tops.set(name, (top = new TallyAccumulator()));
    return top;
  };
  // A directory's entries come one after another: their top directory is found once per directory.
  const parents = new ParentCache(topOf);
  let compact = false;
  for await (const batch of walk.recordBatches(options)) {
    for (const e of batch) {
      const type = e.type;
      const kind = entryKind(type);
      const size = sizeAmount(e);
      let allocated = allocatedAmount(e);
      if (allocated === null) {
        compact = true;
        allocated = 0;
      }
      let top: TallyAccumulator;
      if (kind === EntryKind.DIR) top = topOf(entryKey(e));
      else if (isRoot(e)) top = atRoot;
      else {
        top = parents.of(e);
        const linkId = hardLinkId(e);
        if (linkId !== null) {
          const key = entryKey(e);
          const held = links.meet(linkId, key);
          if (held === LATER_LINK) continue;
          if (held !== FIRST_LINK) {
            // A smaller path for a file already counted: only its top directory can change.
            held.top.remove(held.kind, held.size, held.allocated);
            top.add(held.kind, held.size, held.allocated);
            held.key = key;
            held.top = top;
            continue;
          }
          links.hold(linkId, { key, top, kind, size, allocated });
        }
      }
      totals.add(kind, size, allocated);
      top.add(kind, size, allocated);
      const uid = e.uid;
      const gid = e.gid;
      if (uid !== null && gid !== null) {
        ownerTally(users, uid).add(kind, size, allocated);
        ownerTally(groups, gid).add(kind, size, allocated);
      }
    }
  }
  const ownerRows = (owners: Map<number, TallyAccumulator>): OwnerTally[] =>
    [...owners].map(([id, t]) => ({ id, ...t.toTally(compact) })).sort((a, b) => byBytesDesc(a, b) || a.id - b.id);
  return {
    compact,
    totals: totals.toTally(compact),
    users: ownerRows(users),
    groups: ownerRows(groups),
    topDirectories: [...tops]
      .filter(([, t]) => t.entries > 0)
      .map(([name, t]) => ({ nameBytes: Buffer.from(name, 'latin1'), ...t.toTally(compact) }))
      .sort((a, b) => byBytesDesc(a, b) || Buffer.compare(a.nameBytes, b.nameBytes)),
    atRoot: atRoot.toTally(compact),
  };
}

function ownerTally(owners: Map<number, TallyAccumulator>, id: number): TallyAccumulator {
  let t = owners.get(id);
  if (t === undefined) owners.set(id, (t = new TallyAccumulator()));
  return t;
}
