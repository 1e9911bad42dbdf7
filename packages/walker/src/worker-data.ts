import type { ScanThreadData } from './scan-thread.js';

/** What each worker is started with. */
export interface WorkerData extends ScanThreadData {
  /** The worker that records the root and starts from it. */
  seedsRoot: boolean;
  counters: SharedArrayBuffer;
  control: SharedArrayBuffer;
}
