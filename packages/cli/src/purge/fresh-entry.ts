import type { BigIntStats } from 'node:fs';
import type { WalkEntry } from '@pwalk-ts/reader';
import { ENTRY_TYPE_NAMES, entryTypeFromMode, exactSeconds, floorDivNs } from '@pwalk-ts/reader/format';

/** Whole seconds as a walk records them (floor), so a fresh time compares with `===` to the walk's. */
function seconds(ns: bigint): number | bigint {
  return exactSeconds(floorDivNs(ns));
}

function approximate(s: number | bigint): number {
  return typeof s === 'number' ? s : Number(s);
}

/**
 * The entry as it is on disk now: the walk's path, depth and parent, and every other
 * field from a fresh lstat, so the purge's expression is evaluated on what would be
 * removed rather than on what the walk saw.
 */
export function freshEntry(walked: WalkEntry, st: BigIntStats): WalkEntry {
  const mtimeExact = seconds(st.mtimeNs);
  const atimeExact = seconds(st.atimeNs);
  const ctimeExact = seconds(st.ctimeNs);
  const mode = Number(st.mode);
  return {
    path: walked.path,
    relativePathBytes: walked.relativePathBytes,
    pathBytes: walked.pathBytes,
    depth: walked.depth,
    parentInode: walked.parentInode,
    type: ENTRY_TYPE_NAMES[entryTypeFromMode(mode)]!,
    size: st.size,
    blocks: st.blocks,
    mode,
    uid: Number(st.uid),
    gid: Number(st.gid),
    nlink: Number(st.nlink),
    inode: st.ino,
    dev: st.dev,
    mtime: approximate(mtimeExact),
    mtimeExact,
    atime: approximate(atimeExact),
    atimeExact,
    ctime: approximate(ctimeExact),
    ctimeExact,
  };
}

/** The fields a purge compares: any of them different means the file is not what the walk saw. */
const COMPARED = ['dev', 'inode', 'type', 'size', 'nlink', 'mtimeExact', 'ctimeExact'] as const;
/**
 * What stays the same when this purge itself already acted on another name of the
 * same inode (a hard link): its move (a link, then an unlink) or its unlink changed the ctime and the link count.
 */
const COMPARED_AFTER_OWN_ACTION = COMPARED.filter((field) => field !== 'nlink' && field !== 'ctimeExact');

/**
 * What differs between the walk and now (empty when nothing): a replaced file has
 * another inode, a grown or touched one another size, mtime or ctime, a hard link
 * made since the walk another link count. Times are whole seconds, as walks record
 * them; the names are the log's (mtime for mtimeExact).
 */
export function changesSinceWalk(walked: WalkEntry, now: WalkEntry, actedOnInode: boolean): string[] {
  const fields = actedOnInode ? COMPARED_AFTER_OWN_ACTION : COMPARED;
  return fields.filter((field) => walked[field] !== now[field]).map((field) => field.replace('Exact', ''));
}
