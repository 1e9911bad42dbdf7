import { chmodSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path, { resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ZodError } from 'zod';
import { FORMAT_VERSION, makeFolders, MANIFEST_FILE, systemErrorText, threadFileName } from '@pwalk-ts/reader/format';
import { newWalkId, writeManifest, type ThreadFileSummary, type WalkManifestInput, type WalkStatus } from '@pwalk-ts/reader/manifest';
import { WalkerError, WalkerErrorCode } from './errors.js';
import { filesystemKind } from './filesystem-kind.js';
import { Control, createSharedState, readTotals, type ProgressTotals } from './progress-counters.js';
import { checkFdPaths } from './checked-directory.js';
import { resolveSettings, type WalkOptionsInput, type WalkSettings } from './settings.js';
import { InProcessQueue, type WorkerMessage, type WorkerSummary } from './work-queue.js';
import type { WorkerData } from './worker-data.js';
import type { DirectoryItem } from './directory-item.js';
import { finishWalk } from './final-manifest.js';
import { failureMessage } from './worker-failure.js';
import { heartbeatInterval, startHeartbeat } from './heartbeat.js';
import { walkerThread } from './walker-threads.js';
import { WALKER_FOLDER } from './package-folder.js';

/** The walker's version, as its package.json says: the manifest's `tool.version`. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(path.join(WALKER_FOLDER, 'package.json'), 'utf8')) as { version: string }).version;

export interface WalkProgress extends ProgressTotals {
  /** Directories waiting in the shared queue as well as in workers' stacks. */
  queued: number;
  elapsedMs: number;
}

export interface WalkResult {
  readonly out: string;
  readonly status: Exclude<WalkStatus, 'running'>;
  readonly manifest: WalkManifestInput;
  /** Per-entry errors recorded in the walk. */
  readonly errors: number;
  /** Why the walk failed or stopped early. */
  readonly message: string | null;
  /** The signal that interrupted the walk. */
  readonly signal: NodeJS.Signals | null;
  /** Whether the walk folder's manifest says `status`; false when no manifest could be written at the end. */
  readonly recorded: boolean;
}

/** A walk in progress: sample its progress, interrupt it, await its result. */
export interface WalkRun {
  readonly settings: WalkSettings;
  readonly walkId: string;
  progress(): WalkProgress;
  /** Stops after the directories being read now; buffers are flushed and the manifest says interrupted. */
  interrupt(signal: NodeJS.Signals): void;
  readonly result: Promise<WalkResult>;
}

/**
 * Starts a walk. Throws WalkerError before any worker starts when the options,
 * the root or the output folder are unusable; later failures resolve the result
 * with status 'failed' after every worker has flushed what it had.
 */
export function startWalk(options: WalkOptionsInput): WalkRun {
  // Room for the final manifest (its file list grows with the workers), so a walk that fills the disk can still say so.
  const begun = beginWalk(options, (s) => 16_384 + 512 * s.workers);
  return runWorkers(begun, { seedsRoot: true, seeds: [], alreadyRead: [], fileName: threadFileName }, (summaries, failure, signal) =>
    finalize(begun.settings, begun.manifest, summaries, failure, signal),
  );
}

/** Where a run's workers start: the root (a new walk), or directories a resume reads, in files of their own. */
export interface WorkerStart {
  /** Worker 0 records the root and reads it. */
  readonly seedsRoot: boolean;
  /** Directories to read, spread over the workers. */
  readonly seeds: readonly DirectoryItem[];
  /** Directories a resume must not read again (latin1 keys of relative paths). */
  readonly alreadyRead: readonly string[];
  readonly fileName: (thread: number) => string;
}

/**
 * Runs the walk's workers from `start` to the end (every directory read, a stop, or a
 * failure) and ends it with `end`, which writes the final manifest.
 */
export function runWorkers(
  begun: BegunWalk,
  start: WorkerStart,
  end: (summaries: (WorkerSummary | null)[], failure: string | null, signal: NodeJS.Signals | null) => WalkResult,
): WalkRun {
  const { settings, rootDev, walkId, startTime, host } = begun;
  const shared = createSharedState(settings.workers);
  const control = new Int32Array(shared.control);

  const workers: Worker[] = [];
  const summaries: (WorkerSummary | null)[] = Array.from({ length: settings.workers }, () => null);
  let failure: string | null = null;
  let signal: NodeJS.Signals | null = null;
  let running = settings.workers;
  let finishResult!: (r: WalkResult) => void;
  const result = new Promise<WalkResult>((res) => (finishResult = res));

  const queue = new InProcessQueue(workers, shared.control);
  const stop = (): void => {
    Atomics.store(control, Control.stop, 1);
    queue.finish();
  };
  const fail = (message: string): void => {
    failure ??= message;
    stop();
  };
  // Until the final manifest: the sign of life a resume on another host waits for (heartbeat.ts).
  const stopHeartbeat = startHeartbeat(settings.out, heartbeatInterval());
  const exited = (): void => {
    if (--running > 0) return;
    stopHeartbeat();
    finishResult(end(summaries, failure, signal));
  };

  for (let thread = 0; thread < settings.workers; thread++) {
    const data: WorkerData = {
      settings,
      thread,
      host,
      walkId,
      rootDev,
      seedsRoot: start.seedsRoot && thread === 0,
      seeds: start.seeds.filter((_, i) => i % settings.workers === thread),
      alreadyRead: start.alreadyRead,
      fileName: start.fileName(thread),
      counters: shared.counters,
      control: shared.control,
    };
    const handle = walkerThread();
    workers.push(handle.worker);
    let reported = false;
    const onMessage = (msg: WorkerMessage): void => {
      switch (msg.type) {
        case 'give':
          queue.onGive(msg.items);
          break;
        case 'idle':
          queue.onIdle(thread);
          break;
        case 'done':
          summaries[thread] = msg.summary;
          reported = true;
          void handle.worker.terminate();
          break;
        case 'fatal':
          reported = true;
          fail(failureMessage(msg));
          void handle.worker.terminate();
          break;
      }
    };
    handle.start(data, onMessage, (error) => {
      if (error !== null) {
        reported = true;
        fail(`worker ${thread} crashed: ${error.message}`);
      }
      if (!reported) fail(`worker ${thread} exited unexpectedly`);
      exited();
    });
  }

  return {
    settings,
    walkId,
    result,
    progress(): WalkProgress {
      const totals = readTotals(shared.counters, settings.workers);
      return { ...totals, queued: totals.queued + queue.pendingCount, elapsedMs: Date.now() - startTime };
    },
    interrupt(sig: NodeJS.Signals): void {
      signal ??= sig;
      stop();
    },
  };
}

/** A walk about to start: checked, its folder made, its 'running' manifest written. */
export interface BegunWalk {
  readonly settings: WalkSettings;
  readonly rootDev: bigint;
  readonly walkId: string;
  readonly startTime: number;
  readonly host: string;
  readonly manifest: WalkManifestInput;
}

/**
 * The checks and first manifest every walk starts with (single- or multi-host):
 * options, root and output folder, then the 'running' manifest with
 * `reserveBytes(settings)` of padding for the final one.
 */
export function beginWalk(options: WalkOptionsInput, reserveBytes: (settings: WalkSettings) => number): BegunWalk {
  const settings = parseSettings(options);
  const rootDev = checkRoot(settings.root);
  prepareOut(settings.out);
  const walkId = newWalkId();
  const startTime = Date.now();
  const host = hostname();
  const manifest = baseManifest(settings, walkId, host, startTime);
  try {
    writeManifest(settings.out, manifest, { reserveBytes: reserveBytes(settings) });
  } catch (cause) {
    throw new WalkerError(WalkerErrorCode.OUT_NOT_WRITABLE, `cannot write to ${settings.out}: ${systemErrorText(cause)}`, { cause });
  }
  return { settings, rootDev, walkId, startTime, host, manifest };
}

export function parseSettings(options: WalkOptionsInput): WalkSettings {
  try {
    return resolveSettings(options, filesystemKind(typeof options.root === 'string' && options.root !== '' ? options.root : '.'));
  } catch (cause) {
    if (cause instanceof ZodError) {
      const issue = cause.issues[0];
      // The option's name, not its place in a list: `exclude`, not `exclude.2`.
      const what = issue === undefined ? 'invalid options' : `${String(issue.path[0] ?? 'options')}: ${issue.message}`;
      throw new WalkerError(WalkerErrorCode.BAD_OPTIONS, what, { cause });
    }
    throw cause;
  }
}

/** The root must be there; its device is what --one-file-system keeps to. */
export function checkRoot(root: string): bigint {
  checkFdPaths();
  try {
    return lstatSync(root, { bigint: true }).dev;
  } catch (cause) {
    throw new WalkerError(WalkerErrorCode.ROOT_NOT_FOUND, `cannot walk ${root}: ${systemErrorText(cause)}`, { cause });
  }
}

/** The output folder must be new or empty: a walk never mixes with other files. */
function prepareOut(out: string): void {
  let existing: string[] | null = null;
  try {
    if (!statSync(out).isDirectory()) {
      throw new WalkerError(WalkerErrorCode.OUT_NOT_EMPTY, `output ${out} exists and is not a folder`);
    }
    existing = readdirSync(out);
  } catch (cause) {
    if (cause instanceof WalkerError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new WalkerError(WalkerErrorCode.OUT_NOT_WRITABLE, `cannot use the walk folder ${out}: ${systemErrorText(cause)}`, { cause });
    }
  }
  if (existing !== null && existing.length > 0) {
    const what = existing.includes(MANIFEST_FILE) ? 'already holds a walk' : 'is not empty';
    throw new WalkerError(WalkerErrorCode.OUT_NOT_EMPTY, `output folder ${out} ${what}; give a new or empty folder`);
  }
  try {
    makeFolders(out, 0o755);
  } catch (cause) {
    throw new WalkerError(WalkerErrorCode.OUT_NOT_WRITABLE, `cannot create the walk folder ${out}: ${systemErrorText(cause)}`, { cause });
  }
  closeToOthers(out);
}

/**
 * Makes the walk folder writable by its owner alone, whatever the umask (002 is common
 * on HPC) or whoever made it empty for us: a resume and purge trust only such a folder
 * (trusted-file.ts). Its files are created 0644, which no umask widens.
 */
function closeToOthers(out: string): void {
  const mode = statSync(out).mode;
  if ((mode & 0o022) === 0) return;
  try {
    chmodSync(out, mode & 0o7755);
  } catch (cause) {
    throw new WalkerError(
      WalkerErrorCode.OUT_NOT_WRITABLE,
      `walk folder ${out} is writable by its group or others and cannot be made private: ${systemErrorText(cause)}`,
      {
        cause,
      },
    );
  }
}

function baseManifest(settings: WalkSettings, walkId: string, host: string, startTime: number): WalkManifestInput {
  let user: { uid: number; name: string };
  try {
    const info = userInfo();
    user = { uid: info.uid, name: info.username };
  } catch {
    // A uid without a passwd entry (containers, batch systems) still walks.
    user = { uid: process.getuid?.() ?? -1, name: '' };
  }
  return {
    formatVersion: FORMAT_VERSION,
    walkId,
    tool: { name: 'pwalk-ts', version: TOOL_VERSION, node: process.version },
    root: Buffer.from(settings.root),
    rootAbsolute: Buffer.from(resolve(settings.root)),
    host,
    user,
    pid: process.pid,
    options: {
      threads: settings.threads,
      compact: settings.compact,
      exclude: [...settings.exclude],
      oneFileSystem: settings.oneFileSystem,
      snapshots: settings.snapshots,
      maxDepth: Number.isFinite(settings.maxDepth) ? settings.maxDepth : null,
      engine: settings.engine,
    },
    startTime,
    endTime: null,
    status: 'running',
    message: null,
    files: [],
    totals: { entries: 0, dirs: 0, files: 0, errors: 0, bytes: 0n },
  };
}

/**
 * Writes the final manifest of a run's workers: their files and totals, after those a
 * resume `kept` from the runs before it.
 */
export function finalize(
  settings: WalkSettings,
  base: WalkManifestInput,
  summaries: (WorkerSummary | null)[],
  failure: string | null,
  signal: NodeJS.Signals | null,
  kept: { files: readonly ThreadFileSummary[]; totals: WalkManifestInput['totals'] } = {
    files: [],
    totals: { entries: 0, dirs: 0, files: 0, errors: 0, bytes: 0n },
  },
): WalkResult {
  const done = summaries.filter((s): s is WorkerSummary => s !== null);
  const files: ThreadFileSummary[] = [...kept.files, ...done.map((s) => s.file)];
  const totals = { ...kept.totals, bytes: BigInt(kept.totals.bytes) };
  for (const s of done) {
    totals.entries += s.entries;
    totals.dirs += s.dirs;
    totals.files += s.files;
    totals.errors += s.errors;
    totals.bytes += s.bytes;
  }
  let message = failure;
  const status = failure !== null ? 'failed' : signal !== null ? 'interrupted' : 'complete';
  if (status === 'interrupted') message = `interrupted by ${signal}`;
  return finishWalk(settings.out, base, { status, message, files, totals, signal });
}
