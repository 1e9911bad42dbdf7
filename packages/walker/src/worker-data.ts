import type { WalkSettings } from './settings.js';

/** What each worker is started with. */
export interface WorkerData {
  settings: WalkSettings;
  thread: number;
  host: string;
  walkId: string;
  /** The root's device (lstat), for --one-file-system. */
  rootDev: bigint;
  /** The worker that records the root and starts from it. */
  seedsRoot: boolean;
  counters: SharedArrayBuffer;
  control: SharedArrayBuffer;
}
