import { lstatSync, type Stats } from 'node:fs';
import { untrustedReason } from '@pwalk-ts/reader';
import { PurgeRefusedError } from '../errors.js';

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
