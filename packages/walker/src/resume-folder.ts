import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { processAlive, systemErrorText, untrustedAncestor, untrustedReason, WalkErrorCode, type WalkFormatError } from '@pwalk-ts/reader';
import { FILE_HEADER_SIZE, FILE_MAGIC } from '@pwalk-ts/reader/format';
import { WalkerError, WalkerErrorCode } from './errors.js';
import { beatenLately, watchSeconds } from './heartbeat.js';
import { RESUME_LOCK } from './resume-entry.js';

/** Opens a file of the walk folder without following a symlink or waiting on a FIFO. */
const O_READ_PLAIN = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** A lock holds a pid and a host name: more is not a lock. */
const LOCK_MAX_BYTES = 512;

export const refuse = (message: string, cause?: unknown): WalkerError => new WalkerError(WalkerErrorCode.RESUME_REFUSED, message, { cause });

/**
 * Refuses a walk folder whose contents someone other than the caller or root could
 * have written (the rule purge applies, untrustedReason): a resume runs as root from
 * cron over shared spools, and a forged manifest or thread file would choose what it
 * reads (any root, any directory) and where the listing goes. Every entry must be a
 * regular file or folder: a symlink or FIFO in the folder is never followed or opened.
 * Every folder above it must be as trusted, or root's and sticky (untrustedAncestor).
 */
export function checkResumeFolder(dir: string): void {
  check(dir, 'walk folder', true);
  let above: ReturnType<typeof untrustedAncestor>;
  try {
    above = untrustedAncestor(dirname(resolve(dir)));
  } catch (cause) {
    throw refuse(`cannot resume ${dir}: cannot check the folders above it: ${systemErrorText(cause)}`, cause);
  }
  // Whoever can rename the checked folder away can put a forged one in its place between the check and the reads.
  if (above !== null) throw refuse(`cannot resume ${dir}: it is below ${above.folder}, which could move it away or replace it: ${above.reason}`);
  for (const name of readdirSync(dir)) check(join(dir, name), 'walk file', false);
}

function check(path: string, what: string, folder: boolean): void {
  let reason: string | null;
  try {
    const st = lstatSync(path);
    const plain = folder ? st.isDirectory() : st.isFile() || st.isDirectory();
    reason = plain
      ? untrustedReason(st)
      : `it is not a regular ${folder ? 'folder' : 'file'}${st.isSymbolicLink() ? (folder ? ' but a symlink (give the folder it names)' : ' but a symlink') : ''}`;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (folder && (code === 'ENOENT' || code === 'ENOTDIR')) throw refuse(`cannot resume ${path}: not a walk folder`, cause);
    throw refuse(`cannot resume ${folder ? path : join(path, '..')}: cannot check ${what} ${path}: ${systemErrorText(cause)}`, cause);
  }
  if (reason !== null) throw refuse(`cannot resume ${folder ? path : join(path, '..')}: ${what} ${path} cannot be trusted: ${reason}`);
}

/**
 * Takes the walk folder's resume lock, or refuses; returns its release. A lock of
 * this host whose process is gone, its manifest untouched lately, is taken over; one
 * whose pid a process started since then holds, or another host's, only once `heartbeat` (heartbeat.ts) saw the
 * walk's manifest untouched for a whole watch (a resume running touches it). Never follows a symlink, opens a FIFO or reads
 * more than a lock's bytes, and a takeover that races another resume's takes over
 * nothing (the stale lock is removed only while it is the same file).
 */
export async function takeResumeLock(dir: string, heartbeat: (why: string) => Promise<boolean>): Promise<() => void> {
  const path = join(dir, RESUME_LOCK);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw refuse(`cannot resume ${dir}: not a walk folder`, cause);
      if (code !== 'EEXIST' || attempt > 0) throw refuse(`cannot resume ${dir}: cannot take its lock ${path}: ${systemErrorText(cause)}`, cause);
      await removeStaleLock(dir, path, heartbeat);
      continue;
    }
    writeSync(fd, `${process.pid} ${hostname()}\n`);
    closeSync(fd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      rmSync(path, { force: true });
    };
  }
}

/**
 * For a pid of this host that processAlive(pid, recordedAt) found not to be the
 * record's process: whether the walk's heartbeat says that process runs all the same.
 * A pid held by a process started after the record may be the walk's own under a clock
 * stepped forward since (a node booted before NTP set it): the start time compares the
 * clock now with the clock then. A pid no process holds may be a walk's in another pid
 * namespace (a container keeping the host name), if its manifest was touched lately.
 * The heartbeat compares the manifest with itself.
 */
export async function localWalkBeats(dir: string, pid: number, heartbeat: (why: string) => Promise<boolean>, why: string): Promise<boolean> {
  let doubt: string | null = null;
  if (processAlive(pid)) doubt = 'held by a process that seems to have started after it';
  else if (beatenLately(dir)) doubt = `held by no process this host sees, its manifest touched in the last ${watchSeconds()} s`;
  return doubt !== null && (await heartbeat(`${why}, ${doubt}`));
}

async function removeStaleLock(dir: string, path: string, heartbeat: (why: string) => Promise<boolean>): Promise<void> {
  const notPlain = (cause?: unknown): WalkerError => refuse(`cannot resume ${dir}: its lock ${path} is not a regular file: remove it if no resume runs`, cause);
  let fd: number;
  try {
    fd = openSync(path, O_READ_PLAIN);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ELOOP' || code === 'ENXIO') throw notPlain(cause);
    throw refuse(`cannot resume ${dir}: cannot read its lock ${path}: ${systemErrorText(cause)}`, cause);
  }
  let held: { pid: number; host: string; ino: number; writtenAt: number };
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notPlain();
    const bytes = Buffer.alloc(LOCK_MAX_BYTES);
    const [pid, host] = bytes
      .subarray(0, readSync(fd, bytes, 0, LOCK_MAX_BYTES, 0))
      .toString('utf8')
      .trim()
      .split(' ');
    held = { pid: Number(pid), host: host ?? '', ino: st.ino, writtenAt: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
  if (held.host !== hostname()) {
    if (await heartbeat(`walk ${dir} holds a resume lock of host ${held.host} (pid ${held.pid})`)) {
      throw refuse(`walk ${dir} is being resumed on host ${held.host} (pid ${held.pid}): its manifest was touched in the last ${watchSeconds()} s`);
    }
  } else if (processAlive(held.pid, held.writtenAt)) {
    throw refuse(`walk ${dir} is being resumed already (pid ${held.pid})`);
  } else if (await localWalkBeats(dir, held.pid, heartbeat, `walk ${dir} holds a resume lock of pid ${held.pid}`)) {
    throw refuse(`walk ${dir} is being resumed already (pid ${held.pid}): its manifest was touched in the last ${watchSeconds()} s`);
  }
  // Another resume may have taken the lock over since it was read: remove it only while it is the file read.
  try {
    if (lstatSync(path).ino === held.ino) rmSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
      throw refuse(`cannot resume ${dir}: cannot remove its stale lock ${path}: ${systemErrorText(cause)}`, cause);
  }
}

/**
 * The thread files among a folder's problems that a kill (or a full disk, or a power
 * loss before the data reached the disk) cut before their header was whole: shorter
 * than the header, and zeros or the start of the magic. They hold no record; a resume
 * removes them rather than refuse the walk for ever.
 */
export function cutHeaderFiles(problems: readonly WalkFormatError[]): string[] {
  return problems.filter((p) => p.code === WalkErrorCode.BAD_HEADER && p.file !== undefined && isCutHeader(p.file)).map((p) => p.file!);
}

function isCutHeader(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, O_READ_PLAIN);
  } catch {
    return false;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size >= FILE_HEADER_SIZE) return false;
    const bytes = Buffer.alloc(FILE_HEADER_SIZE);
    const got = bytes.subarray(0, readSync(fd, bytes, 0, FILE_HEADER_SIZE, 0));
    return got.every((b) => b === 0) || got.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC.subarray(0, Math.min(got.length, FILE_MAGIC.length)));
  } finally {
    closeSync(fd);
  }
}
