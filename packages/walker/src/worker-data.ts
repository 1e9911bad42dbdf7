import type { DirectoryItem } from './directory-item.js';
import type { ScanThreadData } from './scan-thread.js';

/** What each worker is started with. */
export interface WorkerData extends ScanThreadData {
  /** The worker that records the root and starts from it. */
  seedsRoot: boolean;
  /** Directories this worker starts with (a resume's), besides or instead of the root. */
  seeds: DirectoryItem[];
  /** This worker's thread file. */
  fileName: string;
  counters: SharedArrayBuffer;
  control: SharedArrayBuffer;
}
