import { readFileSync } from 'node:fs';
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
 * idle core, at most `most`, and 1 for a small walk or when fewer than two cores are
 * idle. The one rule for every pass that can spread over the cores (export, diff,
 * cat, report). Perf: on a machine whose cores are busy, helper threads only add their
 * own cost (the 1 M-entry corpus on 2 cores at a load average of 10: an export took
 * 7.8 s of CPU and 17 s elapsed with 2 workers against 5.8 s and 14 s in one thread).
 */
export function defaultThreads(walk: Walk, most: number): number {
  if (walk.threadFileBytes() < HELPER_THREADS_MIN_BYTES) return 1;
  const idle = Math.round(availableParallelism() - busyCores());
  return idle < 2 ? 1 : Math.min(idle, most);
}

/**
 * Cores other work keeps busy: the lesser of the 1-minute load average and the
 * threads runnable right now (Linux: /proc/loadavg's fourth field, less this thread).
 * The load average alone lags by a minute: right after a walk (cron's usual order:
 * walk, then export or report) it still counts the walk's threads on cores that are
 * idle, and the pass would run in one thread on an idle machine; the instant count
 * alone can miss a busy machine's work that sleeps a moment on I/O.
 */
function busyCores(): number {
  const average = loadavg()[0]!;
  let runnable: number;
  try {
    runnable = Number(/ (\d+)\//.exec(readFileSync('/proc/loadavg', 'latin1'))?.[1] ?? NaN) - 1;
  } catch {
    return average;
  }
  return Number.isFinite(runnable) ? Math.min(average, Math.max(0, runnable)) : average;
}
