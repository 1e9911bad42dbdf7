import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { systemErrorText, untrustedAncestor, type Walk, type WalkEntry } from '@pwalk-ts/reader';
import { PurgeRefusedError } from '../errors.js';
import { checkTrustedPath } from './trusted-file.js';

const O_DIR = constants.O_RDONLY | constants.O_DIRECTORY;
const BIGINT = { bigint: true } as const;

/** A directory a purge acts in, open, with what fstat said of it. */
export interface OpenedDirectory {
  readonly fd: number;
  readonly path: string;
  readonly stat: BigIntStats;
}

/** The walk as a purge may act on it: complete, undamaged, with every field recorded. */
export function checkWalkComplete(walk: Walk): void {
  checkTrustedPath(walk.dir, 'walk folder');
  for (const file of readdirSync(walk.dir)) checkTrustedPath(join(walk.dir, file), 'walk file');
  if (walk.status !== 'complete') throw new PurgeRefusedError(`purge: walk ${walk.dir} is ${walk.status}, not complete: purge acts only on a complete walk`);
  if (walk.problems.length > 0)
    throw new PurgeRefusedError(`purge: walk ${walk.dir} is damaged (${walk.problems[0]!.message}): purge acts only on an undamaged walk`);
  if (walk.files.some((f) => !f.header.fullAttrs))
    throw new PurgeRefusedError(`purge: walk ${walk.dir} is --compact: it has no device, link count or ctime to check files against`);
}

/** The walk's record of its root (depth 0), which the root must still be. */
export async function walkRootEntry(walk: Walk): Promise<WalkEntry> {
  for await (const batch of walk.recordBatches()) {
    for (const e of batch) if (e.depth === 0) return e;
  }
  throw new PurgeRefusedError(`purge: walk ${walk.dir} has no record of its root`);
}

/**
 * Opens the walk's root (the absolute path the walk resolved; a symbolic link there
 * is the administrator's, as the walk's own `ROOT/` followed it) and checks it is the
 * directory the walk recorded: another device means another filesystem is mounted
 * there (or the one walked is not), another inode another directory.
 */
export function openWalkedRoot(walk: Walk, root: WalkEntry): OpenedDirectory {
  const path = Buffer.from(walk.manifest!.rootAbsolute).toString();
  if (root.type !== 'dir') throw new PurgeRefusedError(`purge: the walk's root ${path} was a ${root.type}, not a directory: nothing below it to purge`);
  let fd: number;
  try {
    fd = openSync(path, O_DIR);
  } catch (cause) {
    throw new PurgeRefusedError(`purge: cannot open the walk's root ${path}: ${systemErrorText(cause)}`, { cause });
  }
  const stat = fstatSync(fd, BIGINT);
  let problem: string | null = null;
  if (stat.dev !== root.dev) problem = `is now another filesystem (device ${stat.dev}, the walk saw ${root.dev})`;
  else if (stat.ino !== root.inode) problem = `is now another directory (inode ${stat.ino}, the walk saw ${root.inode})`;
  if (problem !== null) {
    closeSync(fd);
    throw new PurgeRefusedError(`purge: the walk's root ${path} ${problem}`);
  }
  return { fd, path, stat };
}

/**
 * Makes DIR when missing and opens it as a quarantine: a directory (not a link to
 * one) owned by this user and writable by nobody else, below folders nobody else
 * controls, since files are linked into it by name and the purge must be the only
 * one making names there; and on the root's filesystem, since a link never crosses
 * one and a copy is never made. Its path is logged for a restore as the kernel
 * names the directory opened.
 */
export function openQuarantine(dir: string, root: OpenedDirectory): OpenedDirectory {
  const refuse = (why: string, cause?: unknown): never => {
    throw new PurgeRefusedError(`purge: --quarantine ${dir} ${why}`, cause === undefined ? undefined : { cause });
  };
  // Before anything is made there: a folder above that another user controls could swap the quarantine for theirs.
  checkAncestors(dirname(resolve(dir)), refuse);
  try {
    mkdirSync(dir, 0o700);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') refuse(`cannot be made: ${systemErrorText(cause)}`, cause);
  }
  if (lstatSync(dir).isSymbolicLink()) refuse('is a symbolic link: give the directory it points to');
  let fd = -1;
  try {
    fd = openSync(dir, O_DIR | constants.O_NOFOLLOW);
  } catch (cause) {
    refuse(`cannot be opened: ${systemErrorText(cause)}`, cause);
  }
  const stat = fstatSync(fd, BIGINT);
  const euid = BigInt(process.geteuid!());
  const problem =
    stat.uid !== euid
      ? `is owned by uid ${stat.uid}, not by you (uid ${euid})`
      : (stat.mode & 0o022n) !== 0n
        ? 'is writable by its group or others'
        : stat.dev !== root.stat.dev
          ? `is on another filesystem than the root ${root.path} (files are linked there, never copied)`
          : null;
  if (problem !== null) {
    closeSync(fd);
    refuse(problem);
  }
  // The path of what was opened, not of what the name leads to by now.
  return { fd, path: readlinkSync(`/proc/self/fd/${fd}`), stat };
}

/** Refuses when a folder from `start` (symbolic links resolved: the administrator's) up to `/` is not trusted (untrustedAncestor). */
function checkAncestors(start: string, refuse: (why: string, cause?: unknown) => never): void {
  let found: ReturnType<typeof untrustedAncestor>;
  try {
    found = untrustedAncestor(start);
  } catch (cause) {
    refuse(`cannot be made: ${systemErrorText(cause)}`, cause);
  }
  if (found !== null) refuse(`is below ${found.folder}, which could move it away or replace it: ${found.reason}`);
}

/**
 * The quarantine's path below the root as bytes, when it is inside the walked tree
 * (then the files there are not candidates: a second purge would move the first
 * one's quarantine into itself); null when it is elsewhere.
 */
export function quarantineBelowRoot(quarantine: OpenedDirectory, root: OpenedDirectory): Buffer | null {
  const rel = relative(realpathSync(root.path), quarantine.path);
  if (rel === '') throw new PurgeRefusedError(`purge: --quarantine ${quarantine.path} is the walk's root`);
  if (rel === '..' || rel.startsWith(`..${sep}`)) return null;
  return Buffer.from(rel);
}

/** The (dev, inode) keys of the files a purge must never act on: its own log and the walk folder's files, when they lie in the tree. */
export function protectedFiles(walk: Walk, logFd: number): Set<string> {
  const keys = new Set<string>();
  const add = (st: BigIntStats): void => void keys.add(fileKey(st.dev, st.ino));
  add(fstatSync(logFd, BIGINT));
  for (const name of readdirSync(walk.dir)) add(lstatSync(join(walk.dir, name), BIGINT));
  return keys;
}

export function fileKey(dev: bigint | null, inode: bigint): string {
  return `${dev}:${inode}`;
}
