import { lstatSync, type Stats } from 'node:fs';
import { PurgeRefusedError } from '../errors.js';

/**
 * Whether what purge reads to decide (the walk folder, its files, a log to restore
 * from) or appends its record to could have been written by someone else: a purge
 * runs as root, and a walk or log another user wrote would steer it (a forged walk
 * selects any file of the tree, a forged log names any folder to link into).
 * Trusted: owned by the caller or root, writable by nobody else, one link.
 */
export function untrustedReason(st: Stats): string | null {
  const uid = process.geteuid?.() ?? 0;
  if (st.uid !== uid && st.uid !== 0) return `it belongs to uid ${st.uid}, not to you or root`;
  if ((st.mode & 0o022) !== 0) return `it is writable by its group or others (mode ${(st.mode & 0o7777).toString(8)})`;
  if (st.isFile() && st.nlink !== 1) return `it has ${st.nlink} links (another name could be another user's)`;
  return null;
}

/**
 * Whether a folder above the quarantine could let another user move the quarantine
 * away or put their own folder in its place: trusted when untrustedReason finds
 * nothing, or when it is root's and sticky (as /tmp is), where nobody renames or
 * removes what they do not own.
 */
export function untrustedFolderReason(st: Stats): string | null {
  if (st.uid === 0 && (st.mode & 0o1000) !== 0) return null;
  const reason = untrustedReason(st);
  return reason === null ? null : reason.replace('writable by its group or others', "writable by its group or others and not a sticky folder of root's");
}

/** Refuses, in one line, a path that is not a trusted folder or regular file (`what` names it in the message). */
export function checkTrustedPath(path: string, what: string): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (cause) {
    throw new PurgeRefusedError(`purge: cannot check ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
  const reason = !st.isFile() && !st.isDirectory() ? 'it is neither a regular file nor a folder' : untrustedReason(st);
  if (reason !== null) throw new PurgeRefusedError(`purge: ${what} ${path} cannot be trusted: ${reason}`);
}
