import { statfsSync } from 'node:fs';

/**
 * Filesystems whose metadata calls are network round trips (or a user-space
 * daemon's): a walk of them is latency-bound, and keeping many calls in flight is
 * what makes it fast. Magic numbers from statfs(2) and linux/magic.h.
 */
const LATENCY_BOUND: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0x00c36400, 'ceph'],
  [0x19830326, 'beegfs'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x517b, 'smb'],
  [0x65735546, 'fuse'],
  [0x01021997, '9p'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'afs'],
  [0x73757245, 'coda'],
  [0x7461636f, 'ocfs2'],
  [0x01161970, 'gfs2'],
  [0xaad7aaea, 'panfs'],
]);

export interface FilesystemKind {
  /** statfs f_type, or null when it could not be read. */
  readonly type: number | null;
  /** A name for the latency-bound kinds ('nfs', 'lustre', ...), else null. */
  readonly name: string | null;
  readonly latencyBound: boolean;
}

/** What kind of filesystem `path` is on; a failing statfs counts as local. */
export function filesystemKind(path: string): FilesystemKind {
  let type: number;
  try {
    type = statfsSync(path).type;
  } catch {
    return { type: null, name: null, latencyBound: false };
  }
  // f_type is unsigned; Node may hand a large magic over as a negative 32-bit value.
  const magic = type >>> 0;
  const name = LATENCY_BOUND.get(magic) ?? null;
  return { type: magic, name, latencyBound: name !== null };
}
