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
 * as another user's process. A zombie (exited, its parent not yet told) answers a
 * signal but runs no more: not alive. Without /proc (not Linux) only existence is known.
 */
export function processAlive(pid: number, recordedAt?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = processStat(pid);
  if (stat === null) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return recordedAt === undefined || stat.startedMs === null || stat.startedMs <= recordedAt + START_MARGIN_MS;
}

/** The process's state letter and when it started (ms since the epoch, null when /proc/stat does not say), from /proc; null without it. */
function processStat(pid: number): { state: string; startedMs: number | null } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // Fields 3 (state) and 22 (start time), counted after the command name, which is in parentheses and may hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  let boot: RegExpExecArray | null = null;
  try {
    boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
  } catch {
    // No boot time: the start time is unknown.
  }
  const startedMs = Number.isFinite(ticks) && boot !== null ? Number(boot[1]) * 1000 + (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  return { state: fields[0] ?? '', startedMs };
}
