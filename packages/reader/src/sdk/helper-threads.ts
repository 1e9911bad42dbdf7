import { availableParallelism, loadavg } from 'node:os';
import type { Walk } from './walk.js';

/**
 * Below this many bytes of thread files a pass over a walk stays in one thread: a
 * worker's start (a V8 heap, the reader's modules) costs more than it saves. The
 * 1 M-entry bench corpus's walk is 35 MB; this is about 470 000 entries in format 2.
 */
const HELPER_THREADS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * How many threads, this one included, a pass over `walk` uses by default: one per
 * idle core (the cores less the 1-minute load average, rounded), at most `most`, and
 * 1 for a small walk or when fewer than two cores are idle. The one rule for every
 * pass that can spread over the cores (export, diff, and what comes after them).
 * Perf: on a machine whose cores are busy, helper threads only add their own cost
 * (the 1 M-entry corpus on 2 cores at a load average of 10: an export took 7.8 s of
 * CPU and 17 s elapsed with 2 workers against 5.8 s and 14 s in one thread).
 */
export function defaultThreads(walk: Walk, most: number): number {
  if (walk.threadFileBytes() < HELPER_THREADS_MIN_BYTES) return 1;
  const idle = Math.round(availableParallelism() - loadavg()[0]!);
  return idle < 2 ? 1 : Math.min(idle, most);
}
