import type { ThreadFileSummary } from '@pwalk-ts/reader';
import type { WalkSettings } from '../settings.js';
import type { WorkerFailure } from '../worker-failure.js';
import type { EncodedDirs } from './job-codec.js';

/** What each thread of a multi-host walk is started with. */
export interface HostThreadData {
  settings: WalkSettings;
  thread: number;
  /** The host name recorded in the file summaries. */
  host: string;
  walkId: string;
  /** This host's device number of the root, for --one-file-system. */
  rootDev: bigint;
  /** thread_<host>-<pid>-<thread>.bin */
  fileName: string;
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
  | { type: 'job'; root: true }
  | { type: 'job'; root: false; dirs: EncodedDirs }
  /** Whether the records of the job just scanned stay in the file (committed) or are cut off. */
  | { type: 'commit'; keep: boolean }
  | { type: 'finish' };

/** A host thread to the main thread. */
export type HostThreadMessage =
  | { type: 'ready'; file: ThreadFileSummary }
  | { type: 'scanned'; chunks: EncodedDirs[]; file: ThreadFileSummary; totals: JobTotals }
  | { type: 'done'; file: ThreadFileSummary }
  | ({ type: 'fatal' } & WorkerFailure);
