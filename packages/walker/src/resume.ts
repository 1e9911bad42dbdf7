import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, unlinkSync, type BigIntStats } from 'node:fs';
import { hostname } from 'node:os';
import {
  processAlive,
  readWalkFolder,
  readWalkState,
  RootPath,
  systemErrorText,
  writeManifest,
  type PendingDirectory,
  type ThreadFileSummary,
  type WalkManifestInput,
  type WalkState,
} from '@pwalk-ts/reader';
import { FORMAT_VERSION, readThreadFile } from '@pwalk-ts/reader/format';
import type { Ancestor, DirectoryItem } from './directory-item.js';
import { WalkerError, WalkerErrorCode } from './errors.js';
import { heartbeatWatch, watchSeconds } from './heartbeat.js';
import { checkResumeFolder, cutHeaderFiles, localWalkBeats, refuse, takeResumeLock } from './resume-folder.js';
import { finalize, parseSettings, runWorkers, type WalkResult, type WalkRun } from './walk.js';
import type { WorkerSummary } from './work-queue.js';

export interface ResumeOptions {
  /** The walk folder of the walk to carry on. */
  readonly out: string;
  /** Filesystem calls in flight; the walk's own count when not given. */
  readonly threads?: number;
  /** The resume's block capacity (startWalk's option); the default when not given. */
  readonly blockCapacity?: number;
  /** Hears why the resume waits before it does: a walk or lock of another host is watched for a heartbeat (heartbeat.ts). */
  readonly onWait?: (message: string) => void;
}

const EMPTY = Buffer.alloc(0);

/** The thread files of one host's walk and of its resumes: `thread_N.bin`, `thread_rK-N.bin`. */
const SINGLE_HOST_FILE = /^thread_(?:r\d+-)?\d+\.bin$/;

/**
 * Carries a stopped single-host walk of format 2 (killed, interrupted or failed) to its
 * end, in the same walk folder (FORMAT.md 5.2, 7.5): every record of every directory
 * the walk finished is kept, every directory it had not finished is read again (its
 * earlier records set aside), and every directory below them. Rejects with a
 * RESUME_REFUSED WalkerError, the folder unchanged, when the walk cannot be resumed.
 * Entries are read as they are now: a directory read again shows what changed since.
 */
export async function resumeWalk(options: ResumeOptions): Promise<WalkRun> {
  const dir = options.out;
  checkResumeFolder(dir);
  const heartbeat = heartbeatWatch(dir, options.onWait);
  const releaseLock = await takeResumeLock(dir, heartbeat);
  try {
    const begun = await beginResume(dir, options, heartbeat);
    const run = runWorkers(
      begun.walk,
      {
        seedsRoot: begun.seedsRoot,
        seeds: begun.seeds,
        alreadyRead: begun.alreadyRead,
        fileName: (thread) => `thread_r${begun.number}-${thread}.bin`,
      },
      (summaries, failure, signal) => endResume(begun, summaries, failure, signal),
    );
    void run.result.finally(releaseLock);
    return run;
  } catch (err) {
    releaseLock();
    throw err;
  }
}

interface BegunResume {
  readonly walk: Parameters<typeof runWorkers>[0];
  /** No whole block holds the root's record: the resume records it again. */
  readonly seedsRoot: boolean;
  readonly number: number;
  readonly seeds: DirectoryItem[];
  readonly alreadyRead: string[];
  /** The earlier files as they are now (cut to their whole blocks). */
  readonly files: ThreadFileSummary[];
  readonly kept: WalkManifestInput['totals'];
}

async function beginResume(dir: string, { threads, blockCapacity }: ResumeOptions, heartbeat: (why: string) => Promise<boolean>): Promise<BegunResume> {
  let folder;
  try {
    folder = await readWalkFolder(dir, 'skip');
  } catch (cause) {
    throw refuse(`cannot resume ${dir}: ${(cause as Error).message}`, cause);
  }
  const cutHeaders = cutHeaderFiles(folder.problems);
  const damage = folder.problems.find((p) => p.file === undefined || !cutHeaders.includes(p.file));
  if (damage !== undefined) throw refuse(`cannot resume ${dir}: ${damage.message}`, damage);
  const manifest = folder.manifest;
  if (manifest === null) throw refuse(`cannot resume ${dir}: it has no manifest (its root and options are unknown)`);
  if (manifest.status === 'complete') throw refuse(`walk ${dir} is complete: nothing to resume`);
  const version = Math.min(manifest.formatVersion, ...folder.files.map((f) => f.header.version));
  if (version !== FORMAT_VERSION) throw refuse(`walk ${dir} is format version ${version}: only walks of format ${FORMAT_VERSION} can be resumed`);
  const foreign = folder.files.find((f) => !SINGLE_HOST_FILE.test(f.name));
  if (foreign !== undefined) {
    throw refuse(`walk ${dir} is a multi-host walk (${foreign.name}): it recovers through its Redis queue, not by resume`);
  }
  if (manifest.status === 'running') {
    // On this host the pid tells; from another host (shared /scratch, the walk's node gone) only the walk's heartbeat does.
    if (manifest.host === hostname()) {
      const runStart = manifest.resumes?.at(-1)?.startTime ?? manifest.startTime;
      if (processAlive(manifest.pid, runStart)) throw refuse(`walk ${dir} is still running as pid ${manifest.pid}: stop it first`);
      if (await localWalkBeats(dir, manifest.pid, heartbeat, `walk ${dir} says it runs as pid ${manifest.pid}`)) {
        throw refuse(`walk ${dir} is still running as pid ${manifest.pid}: its manifest was touched in the last ${watchSeconds()} s; stop it first`);
      }
    } else if (await heartbeat(`walk ${dir} says it runs on host ${manifest.host} (pid ${manifest.pid})`)) {
      throw refuse(
        `walk ${dir} is running on host ${manifest.host} (pid ${manifest.pid}): its manifest was touched in the last ${watchSeconds()} s; stop it there first`,
      );
    }
  }
  const root = manifest.root.toString();
  let state: WalkState;
  try {
    state = readWalkState(folder.files);
  } catch (cause) {
    throw refuse(`cannot resume ${dir}: ${(cause as Error).message}: the walk is damaged, not only cut`, cause);
  }
  let rootNow;
  try {
    rootNow = lstatSync(root, { bigint: true });
  } catch (cause) {
    throw refuse(`cannot resume ${dir}: its root ${root} is gone (${systemErrorText(cause)})`, cause);
  }
  if (state.root !== null && (rootNow.ino != state.root.ino || (state.root.dev !== null && rootNow.dev != state.root.dev))) {
    throw refuse(`cannot resume ${dir}: its root ${root} is another directory or filesystem now (inode or device changed)`);
  }
  const settings = parseSettings({
    root,
    out: dir,
    threads: threads ?? manifest.options.threads,
    compact: manifest.options.compact,
    exclude: manifest.options.exclude,
    oneFileSystem: manifest.options.oneFileSystem,
    snapshots: manifest.options.snapshots,
    maxDepth: manifest.options.maxDepth ?? undefined,
    blockCapacity,
  });
  // From here on the folder changes: the tails the kill cut are dropped, and the manifest says what this resume sets aside.
  for (const f of state.files) if (f.wholeBytes < f.size) cutTail(f.file.path, f.wholeBytes);
  for (const file of cutHeaders) unlinkSync(file);
  const number = (manifest.resumes?.length ?? 0) + 1;
  const startTime = Date.now();
  const running: WalkManifestInput = {
    ...manifest,
    pid: process.pid,
    host: hostname(),
    endTime: null,
    status: 'running',
    message: null,
    resumes: [
      ...(manifest.resumes ?? []),
      {
        startTime,
        endTime: null,
        setAside: state.files
          .filter((f) => f.newlySetAside.length > 0)
          .map((f) => ({ file: f.file.name, dirs: f.newlySetAside.map((d) => Buffer.from(d, 'latin1')) })),
      },
    ],
  };
  try {
    writeManifest(dir, running, { reserveBytes: 16_384 + 512 * (settings.workers + state.files.length) });
  } catch (cause) {
    throw new WalkerError(WalkerErrorCode.OUT_NOT_WRITABLE, `cannot write to ${dir}: ${systemErrorText(cause)}`, { cause });
  }
  const kept = await keptRecords(manifest.root, state);
  return {
    walk: { settings, rootDev: rootNow.dev, walkId: manifest.walkId, startTime, host: hostname(), manifest: running },
    // Not the state: its set of every finished directory is garbage once the frontier is taken (README, resume's memory).
    seedsRoot: state.root === null,
    number,
    seeds: directoryItems(root, state.pending),
    alreadyRead: frontier(state.finished),
    files: state.files.map((f, i) => ({
      name: f.file.name,
      thread: f.file.header.thread,
      host: manifest.files.find((s) => s.name === f.file.name)?.host ?? hostname(),
      records: kept.perFile[i]!.records,
      errors: kept.perFile[i]!.errors,
      blocks: f.blocks,
      bytes: f.wholeBytes,
    })),
    kept: kept.totals,
  };
}

/**
 * What the earlier files still give, set-aside records left out, read as any reader reads
 * them: the walk's totals so far, and each file's records and error records (FORMAT.md 5.2).
 */
async function keptRecords(root: Buffer, state: WalkState): Promise<{ totals: WalkManifestInput['totals']; perFile: { records: number; errors: number }[] }> {
  const totals = { entries: 0, dirs: 0, files: 0, errors: 0, bytes: 0n };
  const perFile: { records: number; errors: number }[] = [];
  for (const f of state.files) {
    const setAside = new Set([...(f.file.setAside ?? []), ...f.newlySetAside]);
    const kept = { records: 0, errors: 0 };
    for await (const block of readThreadFile(f.file.path, new RootPath(root), { onCorrupt: 'throw', problems: [], setAside })) {
      for (const e of block.entries) {
        totals.entries++;
        if (e.type === 'dir') totals.dirs++;
        else if (e.type === 'file') totals.files++;
        totals.bytes += e.size;
      }
      totals.errors += block.errors.length;
      kept.records += block.entries.length + block.errors.length;
      kept.errors += block.errors.length;
    }
    perFile.push(kept);
  }
  return { totals, perFile };
}

function endResume(begun: BegunResume, summaries: (WorkerSummary | null)[], failure: string | null, signal: NodeJS.Signals | null): WalkResult {
  const running = begun.walk.manifest;
  const resumes = [...(running.resumes ?? [])];
  resumes[resumes.length - 1] = { ...resumes[resumes.length - 1]!, endTime: Date.now() };
  return finalize(begun.walk.settings, { ...running, resumes }, summaries, failure, signal, { files: begun.files, totals: begun.kept });
}

/**
 * The directories to read as the walker's work items: the recorded inode, the device
 * as recorded (or as lstat says now, in a compact walk), and the ancestors (for the
 * bind-mount loop check) as lstat says now.
 */
function directoryItems(root: string, pending: readonly PendingDirectory[]): DirectoryItem[] {
  const base = root.endsWith('/') ? root : `${root}/`;
  const ancestors = new Map<string, Ancestor | null>();
  // One lstat per directory: the symlink check and the ancestors see the same stat.
  const stats = new Map<string, BigIntStats | null>();
  const statOf = (rel: Buffer): BigIntStats | null => {
    const k = rel.toString('latin1');
    let st = stats.get(k);
    if (st === undefined) {
      try {
        st = lstatSync(rel.length === 0 ? root : Buffer.concat([Buffer.from(base), rel]), { bigint: true });
      } catch {
        st = null;
      }
      stats.set(k, st);
    }
    return st;
  };
  const ancestorOf = (rel: Buffer): Ancestor | null => {
    const k = rel.toString('latin1');
    if (ancestors.has(k)) return ancestors.get(k)!;
    const st = statOf(rel);
    const up = rel.length === 0 ? null : ancestorOf(parentRel(rel));
    const a = st === null ? up : { ino: st.ino, dev: st.dev, up };
    ancestors.set(k, a);
    return a;
  };
  // A path through a symlink now (an ancestor replaced by a link since the kill) is no
  // longer in the tree: the walker opens only its last component without following, so
  // through the link it would read a directory outside the tree, or one read elsewhere too.
  const plainDirectory = new Map<string, boolean>();
  const isPlainDirectory = (rel: Buffer): boolean => {
    const k = rel.toString('latin1');
    let plain = plainDirectory.get(k);
    if (plain === undefined) {
      const st = rel.length === 0 ? null : statOf(rel);
      plain = rel.length === 0 || (st !== null && st.isDirectory() && isPlainDirectory(parentRel(rel)));
      plainDirectory.set(k, plain);
    }
    return plain;
  };
  const reachable = pending.filter((p) => p.rel.length === 0 || isPlainDirectory(parentRel(p.rel)));
  return reachable.map((p) => {
    const parent = p.rel.length === 0 ? null : ancestorOf(parentRel(p.rel));
    const depth = p.rel.length === 0 ? 0 : p.rel.filter((b) => b === 0x2f).length + 1;
    return { rel: p.rel, ino: p.ino, dev: p.dev ?? statOf(p.rel)?.dev ?? 0, depth, up: parent };
  });
}

/** The relative path of `rel`'s parent directory (the root's: empty). */
function parentRel(rel: Buffer): Buffer {
  const slash = rel.lastIndexOf(0x2f);
  return slash < 0 ? EMPTY : rel.subarray(0, slash);
}

/**
 * The finished directories a resume could come upon: those whose parent is not
 * finished (a directory read again lists them). A finished directory below a finished
 * one is never listed again.
 */
function frontier(finished: WalkState['finished']): string[] {
  const out: string[] = [];
  for (const d of finished.keys()) {
    if (d === '') continue;
    const slash = d.lastIndexOf('/');
    if (!finished.has(slash < 0 ? '' : d.slice(0, slash))) out.push(d);
  }
  return out;
}

/** Cuts a thread file to its whole blocks, through a descriptor that is the regular file itself (never a symlink's target). */
function cutTail(path: string, bytes: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw refuse(`cannot resume: ${path} is not a regular file`);
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}
