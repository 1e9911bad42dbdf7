import { exactBlocks, exactDev, exactInode, exactParentInode, exactSize, type DirectChildTotals, type WalkEntry } from '@pwalk-ts/reader';
import type { ByteRows } from './byte-rows.js';
import { csvInt, writeQuotedField } from './record-formats.js';

const COMMA = 0x2c;

/**
 * Rows byte-compatible with pwalk 3.0's CSV (fizwit/filesystem-reporting-tools), so
 * pwalk pipelines keep working. Deliberate differences, all fixes of pwalk bugs:
 * a name's newlines stay inside its quoted field (pwalk deletes them), every row
 * computes its own extension (pwalk could repeat the previous row's), and paths
 * have no length limit.
 */
export const PWALK_HEADER =
  'inode,parent-inode,directory-depth,"filename","fileExtension",UID,GID,st_size,st_dev,st_blocks,st_nlink,"st_mode",st_atime,st_mtime,st_ctime,pw_fcount,pw_dirsum\n';

/**
 * Where pwalk's extension starts in the row's full path: after the last '.' of the
 * name (a leading dot included); the path's end (nothing) for directories, for the
 * root (whose name is not its own) and for a name without a dot. Perf: read off the
 * full path the row writes anyway, and written from there (no second joined path or
 * subarray per row).
 */
function extensionStart(path: Uint8Array, isDir: boolean, isRoot: boolean): number {
  if (isDir || isRoot) return path.length;
  for (let i = path.length - 1; i >= 0 && path[i] !== 0x2f; i--) if (path[i] === 0x2e) return i + 1;
  return path.length;
}

/**
 * One pwalk row. For a directory pw_fcount is the count of its direct entries and
 * pw_dirsum their st_size sum (from `totals`); -1 and 0 for everything else, as pwalk
 * writes. The root's row has depth -1 and parent inode 0. Only for a full walk (the
 * owner, mode and times are there). Perf: the 64-bit fields as exact numbers, not the
 * entry's BigInts (sdk/exact-numbers.ts).
 */
export function writeEntryPwalk(out: ByteRows, e: WalkEntry, totals: DirectChildTotals): void {
  const depth = e.depth;
  const path = e.pathBytes;
  const isDir = e.type === 'dir';
  out.int(exactInode(e));
  csvInt(out, exactParentInode(e));
  csvInt(out, depth - 1);
  out.byte(COMMA);
  writeQuotedField(out, path);
  out.byte(COMMA);
  writeQuotedField(out, path, extensionStart(path, isDir, depth === 0));
  csvInt(out, e.uid);
  csvInt(out, e.gid);
  csvInt(out, exactSize(e));
  csvInt(out, exactDev(e));
  csvInt(out, exactBlocks(e));
  csvInt(out, e.nlink);
  out.latin1(',"');
  out.octal(e.mode!, 7);
  out.latin1('",');
  out.int(e.atimeExact!);
  csvInt(out, e.mtimeExact);
  csvInt(out, e.ctimeExact);
  if (isDir) {
    const children = totals.of(e);
    csvInt(out, children.entries);
    csvInt(out, children.bytes);
  } else {
    out.latin1(',-1,0');
  }
  out.byte(0x0a);
}
