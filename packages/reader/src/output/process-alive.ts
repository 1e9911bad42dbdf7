import { readFileSync } from 'node:fs';

/** Linux's USER_HZ, the unit of /proc/PID/stat's start time: 100 on every architecture Linux runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
/** /proc/stat's boot time is whole seconds, and a record's time is taken after its process started: a margin for both. */
const START_MARGIN_MS = 2_000;

/**
 * Whether a process of this host with that pid exists, and, given `recordedAt` (ms
 * since the epoch: when the lock or manifest naming the pid was written), whether it
 * could be the process that wrote it: a process that started after that is another
 * one the pid was given to since, and what it names is stale. EPERM says it exists,
 * as another user's process. Without /proc (not Linux) only existence is known.
 */
export function processAlive(pid: number, recordedAt?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (recordedAt === undefined) return true;
  const started = processStartMs(pid);
  return started === null || started <= recordedAt + START_MARGIN_MS;
}

/** When the process started (ms since the epoch), from /proc; null when /proc does not say. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces or ')'.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
    if (!Number.isFinite(ticks) || boot === null) return null;
    return Number(boot[1]) * 1000 + (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
