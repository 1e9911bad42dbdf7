/**
 * The test knob PWALK_TEST_PAUSE_BEFORE_OPEN_MS (WalkSettings.pauseBeforeOpenMs):
 * a directory waits this long between its stat and its open, the window in which
 * a test swaps it for a symlink. Never called when the knob is unset.
 */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this worker thread for `ms` (a worker may block; its calls are synchronous anyway). */
export function pauseSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
