import type { Stats } from 'node:fs';

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
