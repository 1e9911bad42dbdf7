import type { ThreadFileSummary } from '@pwalk-ts/reader';
import type { ScanThreadData } from '../scan-thread.js';
import type { WorkerFailure } from '../worker-failure.js';
import type { EncodedDirs } from './job-codec.js';

/**
 * What each thread of a multi-host walk is started with. A thread reads several
 * jobs at once, one per slot, when its engine keeps several calls in flight: a job
 * is a batch of directories, and while one slot's job winds down to its last
 * directory the others keep the calls going. Each slot writes its own thread file,
 * so each job's records can be committed, or cut off, alone.
 */
export interface HostThreadData extends ScanThreadData {
  /** One per slot: thread_<host>-<pid>-<thread>.<slot>.bin */
  fileNames: string[];
  /** Subdirectories per job enqueued. */
  dirsPerJob: number;
}

/** Records a job added to the walk totals when it commits. */
export interface JobTotals {
  entries: number;
  /** Directories read. */
  dirsRead: number;
  /** Entries that are directories. */
  dirs: number;
  files: number;
  errors: number;
  bytes: bigint;
}

/** Main thread to a host thread. */
export type ToHostThread =
  | { type: 'job'; slot: number; root: true }
  | { type: 'job'; slot: number; root: false; dirs: EncodedDirs }
  /** Whether the records of the slot's job just scanned stay in its file (committed) or are cut off. */
  | { type: 'commit'; slot: number; keep: boolean }
  | { type: 'finish' };

/** A host thread to the main thread. */
export type HostThreadMessage =
  | { type: 'ready'; files: ThreadFileSummary[] }
  | { type: 'scanned'; slot: number; chunks: EncodedDirs[]; file: ThreadFileSummary; totals: JobTotals }
  | { type: 'done'; files: ThreadFileSummary[] }
  | ({ type: 'fatal' } & WorkerFailure);
