// The multi-host entry points. They load BullMQ and ioredis only when
// called (`--queue` or `pwalk-ts worker`): a single-host walk never loads them.
import type { WalkOptionsInput } from './settings.js';
import type { WalkRun } from './walk.js';
import type { JoinedWalk, JoinOptions } from './multi-host/join-walk.js';

export type { JoinedWalk, JoinOptions } from './multi-host/join-walk.js';
export type { HostOutcome } from './multi-host/host-runner.js';

/** Seeds a walk of `options.root` into the queue at `queueUrl` and walks it with this host's threads. */
export async function startMultiHostWalk(options: WalkOptionsInput, queueUrl: string): Promise<WalkRun> {
  const { startMultiHostWalk: start } = await import('./multi-host/seed-walk.js');
  return start(options, queueUrl);
}

/** Joins a walk in progress on the queue (waiting for one if there is none). */
export async function joinMultiHostWalk(options: JoinOptions): Promise<JoinedWalk> {
  const { joinMultiHostWalk: join } = await import('./multi-host/join-walk.js');
  return join(options);
}
