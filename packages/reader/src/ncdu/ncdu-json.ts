import type { WalkEntry } from '../sdk/record.js';

/*
 * ncdu's JSON export format 1.2 (dev.yorhel.nl/ncdu/jsonfmt), one piece at a time.
 * Text is latin1 throughout (one char per byte) and written as latin1, so a name's
 * bytes go out exactly as they are: ncdu writes names that are not UTF-8 as their raw
 * bytes, escaping only '"', '\' and bytes below 0x20, and reads them back that way
 * (checked against Debian's ncdu 1.18: `ncdu -o` of a tree with such names).
 */

/** The format's major and minor version: 1.2 added `nlink` (ncdu 1.16). */
export const NCDU_FORMAT_VERSION = [1, 2] as const;

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;

/** A latin1 string (bytes) as a JSON string literal, as ncdu writes names. */
export function jsonBytesString(latin1: string): string {
  return `"${latin1.replace(NEEDS_ESCAPE, (c) => SHORT_ESCAPES[c] ?? `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

/** Why an entry's contents are not in the walk, as ncdu's `excluded` says it: `othfs` (another filesystem), `pattern` (an option). */
export type NcduExclusion = 'othfs' | 'pattern';

export interface NcduItemState {
  /** The device of the directory holding the entry: `dev` is written where it changes (always for the root). */
  readonly parentDev: bigint | null;
  /** A directory the walk could not read (an error record at its path). */
  readonly readError: boolean;
  readonly excluded: NcduExclusion | null;
}

/**
 * One entry's info object, the fields in ncdu's own order: sizes (a zero one left out,
 * as ncdu does), `dev` where it changes, the extended fields, `ino`/`hlnkc`/`nlink`
 * for a non-directory with several links, then `notreg`, `read_error`, `excluded`. A
 * --compact walk has no blocks, mode, owners, links or device: those are left out.
 */
export function infoObject(latin1Name: string, e: WalkEntry, state: NcduItemState): string {
  let out = `{"name":${jsonBytesString(latin1Name)}`;
  // ncdu gives a mount point it did not enter (-x) no sizes: they are another filesystem's.
  if (state.excluded !== 'othfs') {
    if (e.size !== 0n) out += `,"asize":${e.size}`;
    if (e.blocks !== null && e.blocks !== 0n) out += `,"dsize":${e.blocks * 512n}`;
  }
  if (e.dev !== null && e.dev !== state.parentDev) out += `,"dev":${e.dev}`;
  if (e.uid !== null) out += `,"uid":${e.uid}`;
  if (e.gid !== null) out += `,"gid":${e.gid}`;
  if (e.mode !== null) out += `,"mode":${e.mode}`;
  out += `,"mtime":${ncduTime(e.mtimeExact)}`;
  if (e.type !== 'dir' && e.nlink !== null && e.nlink > 1) out += `,"ino":${e.inode},"hlnkc":true,"nlink":${e.nlink}`;
  if (e.type !== 'dir' && e.type !== 'file') out += ',"notreg":true';
  if (state.readError) out += ',"read_error":true';
  if (state.excluded !== null) out += `,"excluded":"${state.excluded}"`;
  return out + '}';
}

/** An entry whose lstat failed: only its name and the error, as ncdu writes one. */
export function unreadableObject(latin1Name: string): string {
  return `{"name":${jsonBytesString(latin1Name)},"read_error":true}`;
}

/** ncdu keeps mtime as an unsigned 64-bit number: a time before 1970 is its two's complement, as ncdu itself writes it. */
function ncduTime(seconds: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(seconds));
}
