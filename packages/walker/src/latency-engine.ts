import { AsyncDirectoryEngine } from './async-engine.js';
import { BatchedDirectoryEngine } from './batched-engine.js';
import type { EngineSetup } from './call-engine.js';
import type { DirectoryScanner } from './directory-scanner.js';
import { NativeDirectoryScanner } from './native-scanner.js';

/** An engine that keeps several filesystem calls in flight in one thread (--threads above the cores). */
export interface LatencyEngine {
  /** Reads every directory on its stack and below; resolves when none is left and no call is running. */
  run(): Promise<void>;
}

/**
 * The latency-bound engine for a scanner's route, chosen once per thread: the
 * native route reads each directory in one pool call (BatchedDirectoryEngine);
 * the TypeScript routes make one pool call per listing and per lstat
 * (AsyncDirectoryEngine).
 */
export function latencyEngine(scanner: DirectoryScanner, setup: EngineSetup): LatencyEngine {
  return scanner instanceof NativeDirectoryScanner ? new BatchedDirectoryEngine(scanner, setup) : new AsyncDirectoryEngine(scanner, setup);
}
