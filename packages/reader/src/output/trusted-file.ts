import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why a file or folder that a root command reads to decide what to do (a walk folder
 * and its files, a purge log) could have been written by someone else, or null when it
 * could not: owned by the caller or root, writable by nobody else, one link. A walk or
 * log another user wrote would steer the command (a forged walk names any folder to
 * read or file to purge).
 */
export function untrustedReason(st: Stats): string | null {
  const uid = process.geteuid?.() ?? 0;
  if (st.uid !== uid && st.uid !== 0) return `it belongs to uid ${st.uid}, not to you or root`;
  if ((st.mode & 0o022) !== 0) return `it is writable by its group or others (mode ${(st.mode & 0o7777).toString(8)})`;
  if (st.isFile() && st.nlink !== 1) return `it has ${st.nlink} links (another name could be another user's)`;
  return null;
}

/**
 * untrustedReason for a folder above what a root command reads or writes (a walk
 * folder, a quarantine): another user who can write in it could rename the checked
 * folder away and put their own in its place. Trusted too when it is root's and
 * sticky (as /tmp and /scratch spools are), where nobody renames what they do not own.
 */
export function untrustedFolderReason(st: Stats): string | null {
  if (st.uid === 0 && (st.mode & 0o1000) !== 0) return null;
  const reason = untrustedReason(st);
  return reason === null ? null : reason.replace('writable by its group or others', "writable by its group or others and not a sticky folder of root's");
}

/**
 * The first folder from `start` up to `/` (symbolic links resolved: the caller's
 * choice) that untrustedFolderReason finds a reason against, or null. Throws what
 * realpath or lstat throws.
 */
export function untrustedAncestor(start: string): { folder: string; reason: string } | null {
  for (let at = realpathSync(start), up = dirname(at); ; at = up, up = dirname(at)) {
    const reason = untrustedFolderReason(lstatSync(at));
    if (reason !== null) return { folder: at, reason };
    if (up === at) return null;
  }
}
