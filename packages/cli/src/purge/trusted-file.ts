import { lstatSync, type Stats } from 'node:fs';
import { untrustedReason } from '@pwalk-ts/reader';
import { PurgeRefusedError } from '../errors.js';

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
