import { link, lstat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import fastq from 'fastq';
import type { OwnerNames, Walk, WalkEntry } from '@pwalk-ts/reader';
import type { PurgeMode } from '../command-table/purge.js';
import { pathBase64 } from '../output/record-formats.js';
import { atPath, DirectoryHandles, identityOf, type DirectoryHandle } from './directory-handles.js';
import { DirectoryRotation } from './directory-rotation.js';
import { changesSinceWalk, freshEntry } from './fresh-entry.js';
import { OwnerSummary } from './owner-summary.js';
import type { Decision, PurgeLog } from './purge-log.js';
import { fileKey, type OpenedDirectory } from './purge-root.js';
import { belowRoot, isWithin } from './relative-path.js';

const BIGINT = { bigint: true } as const;

/** Candidates held back per operation in flight, from that many directories at most, so that the operations in flight are spread over directories. */
const HELD_PER_OPERATION = 16;

/** The parent directory of a relative path, as a key. */
function parentKey(relative: Uint8Array): string {
  return Buffer.from(relative.buffer, relative.byteOffset, Math.max(relative.lastIndexOf(0x2f), 0)).toString('latin1');
}

/** Which entries a purge is asked to remove: the expression, evaluated on the walk's entry and again on the file as it is at action time. */
export interface Selection {
  matches(entry: WalkEntry): boolean;
}

export interface PurgePlan {
  readonly walk: Walk;
  readonly selection: Selection;
  readonly mode: PurgeMode;
  readonly root: OpenedDirectory;
  /** Open when mode is quarantine. */
  readonly quarantine: OpenedDirectory | null;
  /** The quarantine's path below the root, when it is inside the tree: never a candidate. */
  readonly quarantineBelowRoot: Uint8Array | null;
  /** (dev, inode) keys of files never acted on (the log, the walk's own files). */
  readonly protectedFiles: ReadonlySet<string>;
  readonly log: PurgeLog;
  readonly names: OwnerNames;
  readonly maxFiles: number | undefined;
  readonly maxBytes: bigint | undefined;
  readonly threads: number;
  readonly signal: AbortSignal;
  /** The test knob PWALK_TEST_PAUSE_BEFORE_ACT_MS: each candidate waits this long between its check and its action, the window in which a test swaps it; 0 outside tests. */
  readonly pauseBeforeActMs: number;
}

export interface PurgeOutcome {
  readonly decisions: ReadonlyMap<Decision, number>;
  readonly owners: OwnerSummary;
  /** Why it stopped before the end of the walk, or null. */
  readonly stoppedBy: 'limit' | 'signal' | null;
}

/** What a failed call becomes in the log. */
interface Failure {
  readonly errno: string;
  readonly syscall: string;
}

function failure(err: unknown, syscall: string): Failure {
  return { errno: (err as NodeJS.ErrnoException).code ?? 'EIO', syscall };
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** The metadata a decision was taken on, as the log shows it. */
function checkedFields(e: WalkEntry): object {
  return {
    dev: e.dev,
    inode: e.inode,
    type: e.type,
    size: e.size,
    nlink: e.nlink,
    uid: e.uid,
    gid: e.gid,
    mode: e.mode,
    mtime: e.mtimeExact,
    atime: e.atimeExact,
    ctime: e.ctimeExact,
  };
}

/**
 * One purge over a walk: candidates (regular files and symbolic links the selection
 * takes) are streamed from the walk and handed, a directory at a time in rotation
 * (DirectoryRotation), to `threads` operations in flight,
 * each of which opens the parent without following links, lstats the name there,
 * checks it is still the file the walk saw and still selected, then acts relative
 * to that same descriptor. Every candidate reached gets one log line.
 */
export async function runPurge(plan: PurgePlan): Promise<PurgeOutcome> {
  const decisions = new Map<Decision, number>();
  const owners = new OwnerSummary();
  const tree = new DirectoryHandles(plan.root.fd);
  const quarantineTree = plan.quarantine === null ? null : new DirectoryHandles(plan.quarantine.fd, 0o700);
  let purgedFiles = 0;
  let purgedBytes = 0n;
  let stoppedBy: PurgeOutcome['stoppedBy'] = null;
  /** The log could not be written (set by the operations, read after them). */
  const fatal: { error?: Error } = {};
  /** The (dev, inode) of every file with other hard links this run moved or deleted, for those other names. */
  const actedOn = new Set<string>();

  const record = (decision: Decision, walked: WalkEntry, now: WalkEntry | null, detail: object = {}): void => {
    decisions.set(decision, (decisions.get(decision) ?? 0) + 1);
    if (decision === 'moved' || decision === 'deleted' || decision === 'would purge') owners.add(walked.uid, walked.size);
    plan.log.write({
      time: new Date().toISOString(),
      decision,
      path: walked.path,
      pathBase64: pathBase64(walked.pathBytes),
      size: walked.size,
      uid: walked.uid,
      owner: walked.uid === null ? null : plan.names.user(walked.uid),
      checked: now === null ? null : checkedFields(now),
      ...detail,
    });
  };

  /** Counts a purge against --max-files/--max-bytes before it is done; false (and the purge stops) when it would pass one. */
  const reserve = (size: bigint): boolean => {
    if ((plan.maxFiles !== undefined && purgedFiles + 1 > plan.maxFiles) || (plan.maxBytes !== undefined && purgedBytes + size > plan.maxBytes)) {
      stoppedBy ??= 'limit';
      return false;
    }
    purgedFiles++;
    purgedBytes += size;
    return true;
  };
  const unreserve = (size: bigint): void => {
    purgedFiles--;
    purgedBytes -= size;
  };

  /** In a quarantine run, a candidate gone from the tree may be in the quarantine already: moved by a run that was killed before its line. */
  const movedEarlier = async (walked: WalkEntry, parent: Uint8Array, name: Uint8Array): Promise<WalkEntry | null> => {
    if (quarantineTree === null) return null;
    const dir = quarantineTree.acquire(parent);
    try {
      const st = await lstat(atPath(await dir.fd, name), BIGINT);
      return st.dev === walked.dev && st.ino === walked.inode ? freshEntry(walked, st) : null;
    } catch {
      return null;
    } finally {
      quarantineTree.release(dir);
    }
  };

  const act = async (walked: WalkEntry, dir: DirectoryHandle, fd: number, parent: Uint8Array, name: Uint8Array): Promise<void> => {
    const path = atPath(fd, name);
    let now: WalkEntry;
    try {
      now = freshEntry(walked, await lstat(path, BIGINT));
    } catch (err) {
      if (!isCode(err, 'ENOENT')) return record('failed', walked, null, failure(err, 'lstat'));
      const earlier = await movedEarlier(walked, parent, name);
      if (earlier === null) return record('kept: gone', walked, null);
      return record('moved', walked, earlier, { quarantine: plan.quarantine!.path, note: 'moved by an earlier run' });
    }
    const key = fileKey(now.dev, now.inode);
    // By what is on disk now, not by the walk's inode: a file replaced since the walk frees its inode, which the log may have taken.
    if (plan.protectedFiles.has(key)) return record('kept: protected', walked, now);
    const changed = changesSinceWalk(walked, now, actedOn.has(key));
    const halfMoved = changed.length > 0 && (await isHalfMoved(walked, now, changed, parent, name));
    if (halfMoved) changed.length = 0;
    if (changed.length === 0 && !plan.selection.matches(now)) changed.push('expression');
    if (changed.length > 0) return record('kept: changed', walked, now, { changed });
    if (!reserve(now.size)) return;
    if (plan.mode.kind === 'dry-run') return record('would purge', walked, now);
    if (plan.pauseBeforeActMs > 0) await sleep(plan.pauseBeforeActMs);
    try {
      if (plan.mode.kind === 'delete' || halfMoved) await unlink(path);
      else {
        const swapped = await moveIntoQuarantine(path, now, parent, name);
        if (swapped !== null) {
          unreserve(now.size);
          return record('kept: changed', walked, swapped, { changed: changesSinceWalk(walked, swapped, false), note: 'replaced while being moved' });
        }
      }
    } catch (err) {
      unreserve(now.size);
      if (isCode(err, 'ENOENT')) return record('kept: gone', walked, now);
      return record('failed', walked, now, failure(err, plan.mode.kind === 'delete' ? 'unlink' : ((err as NodeJS.ErrnoException).syscall ?? 'link')));
    }
    // Only a file with other names can meet this run again: a set of every file acted on
    // would outgrow what a Set holds (2^24 entries) on a large scratch filesystem.
    if ((now.nlink ?? 1) > 1) actedOn.add(key);
    if (plan.mode.kind === 'delete') return record('deleted', walked, now);
    // The folder it came from: a restore links it back only into that folder, not one made since under its name (which may reuse its inode).
    const note = halfMoved ? { note: 'moved by an earlier run, stopped before its unlink here' } : {};
    return record('moved', walked, now, { quarantine: plan.quarantine!.path, folder: await identityOf(dir), ...note });
  };

  /**
   * A run killed between the quarantine's link and the tree's unlink (moveIntoQuarantine)
   * left the file under both names: one link more and a new ctime, nothing else
   * changed, and the quarantine holding the same inode under its name. This run
   * finishes that move.
   */
  const isHalfMoved = async (walked: WalkEntry, now: WalkEntry, changed: string[], parent: Uint8Array, name: Uint8Array): Promise<boolean> =>
    changed.every((field) => field === 'nlink' || field === 'ctime') &&
    now.nlink === (walked.nlink ?? 0) + 1 &&
    (await movedEarlier(walked, parent, name)) !== null;

  /**
   * Moves the file checked as `now` into the quarantine under the same relative path:
   * link(2) under the quarantine's name, lstat of that name, unlink(2) of the tree's.
   * Not rename(2), which moves whatever the name holds once checked: a user who swaps
   * a directory of theirs in after the lstat would have it moved into root's
   * quarantine, and rename replaces a name already there. link refuses a directory
   * (EPERM) and never replaces a name (EEXIST), and the lstat shows what it linked: a
   * file other than the one checked is unlinked from the quarantine again and the
   * fresh entry of what the name held is returned (null: moved). Perf: one call more
   * than a rename (1.12-1.19x its time at --threads 1 on a 5 ms filesystem), but links
   * into different directories overlap where renames queue on the filesystem's rename
   * lock (0.12-0.14x at --threads 64; bench/RESULTS.md "Purge").
   */
  const moveIntoQuarantine = async (path: Buffer, now: WalkEntry, parent: Uint8Array, name: Uint8Array): Promise<WalkEntry | null> => {
    const dir = quarantineTree!.acquire(parent);
    try {
      const target = atPath(await dir.fd, name);
      try {
        await link(path, target);
      } catch (err) {
        // EPERM: a directory swapped in since the check (or a link the filesystem refuses); the name tells which.
        const there = isCode(err, 'EPERM') ? await lstat(path, BIGINT).catch(() => null) : null;
        if (there !== null && (there.dev !== now.dev || there.ino !== now.inode)) return freshEntry(now, there);
        throw Object.assign(err as Error, { syscall: 'link' });
      }
      const linked = await lstat(target, BIGINT);
      if (linked.dev !== now.dev || linked.ino !== now.inode) {
        await unlink(target);
        return freshEntry(now, linked);
      }
      try {
        await unlink(path);
      } catch (err) {
        // Still in the tree (or moved on under another name): the quarantine's name goes, the file stays where it is.
        await unlink(target);
        throw Object.assign(err as Error, { syscall: 'unlink' });
      }
      return null;
    } finally {
      quarantineTree!.release(dir);
    }
  };

  const purgeOne = async (walked: WalkEntry): Promise<void> => {
    if (fatal.error !== undefined || stoppedBy !== null || plan.signal.aborted) return;
    try {
      const split = belowRoot(walked.relativePathBytes);
      if (split === null) return record('failed', walked, null, { errno: 'EINVAL', syscall: 'path', note: 'outside the walk root' });
      const dir = tree.acquire(split.parent);
      try {
        let fd: number;
        try {
          fd = await dir.fd;
        } catch (err) {
          if (isCode(err, 'ENOENT')) return record('kept: gone', walked, null);
          // O_NOFOLLOW met a symbolic link (ELOOP) or a file (ENOTDIR) where the walk saw a directory.
          if (isCode(err, 'ELOOP', 'ENOTDIR')) return record('kept: changed', walked, null, { changed: ['directory'] });
          return record('failed', walked, null, failure(err, 'open'));
        }
        await act(walked, dir, fd, split.parent, split.name);
      } finally {
        tree.release(dir);
      }
    } catch (err) {
      // Only the log can fail here (a full disk): nothing more is done without its line.
      fatal.error ??= err as Error;
    }
  };

  const isCandidate = (e: WalkEntry): boolean =>
    (e.type === 'file' || e.type === 'symlink') &&
    (plan.quarantineBelowRoot === null || !isWithin(e.relativePathBytes, plan.quarantineBelowRoot)) &&
    plan.selection.matches(e);

  const queue = fastq.promise(purgeOne, plan.threads);
  const rotation = new DirectoryRotation<WalkEntry>();
  const stopping = (): boolean => {
    if (plan.signal.aborted) stoppedBy ??= 'signal';
    return stoppedBy !== null || fatal.error !== undefined;
  };
  /** Hands the next candidate in directory rotation to the queue, waiting while `threads` more are already queued. */
  const dispatch = async (): Promise<void> => {
    void queue.push(rotation.take()!);
    if (queue.length() >= plan.threads) await new Promise<void>((resolve) => (queue.empty = resolve));
  };
  const held = plan.threads * HELD_PER_OPERATION;
  try {
    feed: for await (const batch of plan.walk.recordBatches()) {
      for (const e of batch) {
        if (stopping()) break feed;
        if (!isCandidate(e)) continue;
        rotation.add(parentKey(e.relativePathBytes), e);
        while (rotation.size >= held && !stopping()) await dispatch();
      }
    }
    while (rotation.size > 0 && !stopping()) await dispatch();
  } finally {
    await queue.drained();
    await tree.closeAll();
    await quarantineTree?.closeAll();
  }
  if (fatal.error !== undefined) throw fatal.error;
  return { decisions, owners, stoppedBy };
}
