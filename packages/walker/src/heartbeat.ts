import { lstatSync, lutimesSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MANIFEST_FILE } from '@pwalk-ts/reader/format';

/**
 * A running walk or resume touches its manifest's modification time this often:
 * the sign of life a resume on another host (a walk folder on shared /scratch,
 * the walk's node not reachable from this one) waits for before it takes the walk
 * over. A pid says nothing across hosts; a time compared with this host's clock
 * would take the two hosts' clock skew for a verdict. The manifest's own mtime
 * compared with itself a while later does neither.
 */
const HEARTBEAT_MS = 10_000;

/** How long a resume watches for a beat: a beat late by a loaded host or a slow server is still seen. */
const HEARTBEAT_WATCH_FACTOR = 2.5;

/** The interval: HEARTBEAT_MS, or the test knob PWALK_TEST_HEARTBEAT_MS (tests cannot wait 25 s per case). */
export function heartbeatInterval(env: NodeJS.ProcessEnv = process.env): number {
  const knob = Number(env.PWALK_TEST_HEARTBEAT_MS);
  return Number.isInteger(knob) && knob > 0 ? knob : HEARTBEAT_MS;
}

/**
 * Touches `out`'s manifest every `intervalMs` until the returned stop is called. A
 * touch that fails (the folder removed, a server not answering) is
 * only a beat missed: the walk goes on.
 */
export function startHeartbeat(out: string, intervalMs: number): () => void {
  const manifest = join(out, MANIFEST_FILE);
  const timer = setInterval(() => {
    const now = new Date();
    try {
      // Never through a symlink put in the manifest's place: root would touch whatever it points to.
      lutimesSync(manifest, now, now);
    } catch {
      // A missed beat.
    }
  }, intervalMs);
  // The beat never keeps a process alive whose walk has ended.
  timer.unref();
  return () => clearInterval(timer);
}

/** What identifies one beat of the manifest: a rewrite (a new inode) or a touch (a new mtime). */
function beatOf(out: string): string | null {
  try {
    const st = lstatSync(join(out, MANIFEST_FILE), { bigint: true });
    return `${st.ino}:${st.mtimeNs}`;
  } catch {
    return null;
  }
}

/**
 * Whether `out`'s manifest was touched within one watch by this host's clock: on the
 * walk's own host (the same clock wrote it), a walk that beats where this host's pids
 * do not reach, in another pid namespace. A time ahead of the clock counts as lately.
 */
export function beatenLately(out: string, intervalMs: number = heartbeatInterval()): boolean {
  try {
    return Date.now() - lstatSync(join(out, MANIFEST_FILE)).mtimeMs < intervalMs * HEARTBEAT_WATCH_FACTOR;
  } catch {
    return false;
  }
}

/**
 * Watches `out`'s manifest for HEARTBEAT_WATCH_FACTOR intervals: true as soon as it
 * is touched or replaced (a walk or resume runs on it somewhere), false when it stays
 * as it was for the whole watch.
 */
async function heartbeatSeen(out: string, intervalMs: number): Promise<boolean> {
  const first = beatOf(out);
  const step = Math.max(1, Math.floor(intervalMs / 4));
  for (let waited = 0; waited < intervalMs * HEARTBEAT_WATCH_FACTOR; waited += step) {
    await sleep(step);
    if (beatOf(out) !== first) return true;
  }
  return false;
}

/**
 * One watch of `out`'s heartbeat, made at most once however many checks ask (a
 * foreign lock and a foreign 'running' manifest): resolves true when a beat was seen.
 * `onWait` hears why the caller waits, before it does.
 */
export function heartbeatWatch(out: string, onWait: (message: string) => void = () => undefined): (why: string) => Promise<boolean> {
  let seen: Promise<boolean> | null = null;
  return (why) => {
    if (seen === null) {
      const intervalMs = heartbeatInterval();
      onWait(`${why}: watching its manifest ${watchSeconds(intervalMs)} s for a sign that it still runs`);
      seen = heartbeatSeen(out, intervalMs);
    }
    return seen;
  };
}

/** The watch's length as a user reads it. */
export function watchSeconds(intervalMs: number = heartbeatInterval()): string {
  return String(Math.round((intervalMs * HEARTBEAT_WATCH_FACTOR) / 100) / 10);
}
