import type { AgeBucket, LargestFile, OwnerNames, UsageGroup, UsageTally } from '@pwalk-ts/reader';
import { ownerLabel } from './owner-label.js';
import { pathFields } from './schema-parts.js';

// Pieces of the report, diff and per-owner documents, made one way for all of them.

/** A tally's fields as the documents hold them. */
export function usage(t: UsageTally) {
  return { entries: t.entries, files: t.files, dirs: t.dirs, apparentBytes: t.apparentBytes, allocatedBytes: t.allocatedBytes };
}

/** `part` over `whole`, 0 to 1, to six decimals (rounded down); 0 when the whole is 0. */
export function shareOf(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number((part * 1_000_000n) / whole) / 1_000_000;
}

/** A largest-files row, owners named as on this machine. */
export function largestFileRow(f: LargestFile, names: OwnerNames) {
  return {
    ...pathFields(f.path, f.pathBytes),
    size: f.size,
    allocatedBytes: f.allocatedBytes,
    uid: f.uid,
    user: ownerLabel(f.uid, (id) => names.user(id)),
    gid: f.gid,
    group: ownerLabel(f.gid, (id) => names.group(id)),
    mtime: f.mtimeExact,
    atime: f.atimeExact,
  };
}

/** Every age bucket's row, in order. */
export function ageRows(groups: readonly UsageGroup[]) {
  return groups.map((g) => ({ bucket: g.key as AgeBucket, label: g.label, ...usage(g) }));
}
