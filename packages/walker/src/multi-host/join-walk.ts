import { statSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { WalkerError, WalkerErrorCode } from '../errors.js';
import { checkRoot, parseSettings } from '../walk.js';
import type { WalkProgress } from '../walk.js';
import { HostRunner, type HostOutcome } from './host-runner.js';
import { connectRedis, openQueue } from './redis-connect.js';
import { ACTIVE_WALKS, WALK_STARTED_CHANNEL, walkKeys } from './walk-keys.js';
import { WalkInfo } from './walk-info.js';
import { WalkProgressPoller } from './walk-progress.js';
import type { QueueSettings } from './queue-settings.js';
import { parseQueue } from './seed-walk.js';

export interface JoinOptions {
  queue: string;
  threads?: number | undefined;
  /** Called once when no walk is in progress and the worker starts waiting for one. */
  onWaiting?: (queue: string) => void;
}

/** A host's part in a walk it joined. */
export interface JoinedWalk {
  readonly walkId: string;
  readonly info: WalkInfo;
  progress(): WalkProgress;
  /** Finishes the jobs in hand, commits them and leaves; the walk goes on without this host. */
  leave(): void;
  readonly result: Promise<HostOutcome>;
}

/**
 * `pwalk-ts worker`: joins the oldest walk in progress on this Redis (waiting for
 * one to start if there is none), walks with this host's threads until the walk
 * ends, and returns how it ended. The walk folder must be visible here at the
 * path the seeding host gave (a shared filesystem).
 */
export async function joinMultiHostWalk(options: JoinOptions): Promise<JoinedWalk> {
  const q = parseQueue(options.queue);
  const redis = await connectRedis(q);
  try {
    const info = await findWalk(redis, q, () => options.onWaiting?.(q.display));
    const settings = parseSettings({
      root: info.root,
      out: info.out,
      threads: options.threads,
      exclude: info.exclude,
      oneFileSystem: info.oneFileSystem,
      snapshots: info.snapshots,
      maxDepth: info.maxDepth,
      compact: info.compact,
      blockCapacity: info.blockCapacity,
      engine: info.engine,
    });
    if (!isFolder(info.out)) {
      throw new WalkerError(
        WalkerErrorCode.OUT_NOT_WRITABLE,
        `walk ${info.walkId} writes to ${info.out}, which this host cannot see (the walk folder must be on a filesystem every host shares)`,
      );
    }
    const rootDev = checkRoot(settings.root);
    const keys = walkKeys(info.walkId);
    const runner = await HostRunner.start({ queue: q, walkId: info.walkId, settings, rootDev, redis });
    const queue = openQueue(keys.queueName, q);
    const poller = new WalkProgressPoller(redis, keys, queue, info.startTime);
    // A seeding host that dies never ends the walk: without its heartbeat, nobody would write the manifest.
    const watch = setInterval(() => {
      redis.exists(keys.alive).then(
        (alive) => {
          if (alive === 0)
            runner.abandon(`the seeding host of walk ${info.walkId} (${info.seedHost}) stopped: no heartbeat for ${(3 * q.heartbeatMs) / 1000} s`);
        },
        () => undefined,
      );
    }, q.heartbeatMs);
    watch.unref();
    const result = runner.finished.then(async (outcome) => {
      clearInterval(watch);
      poller.stop();
      await Promise.race([queue.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())]);
      redis.disconnect();
      return outcome;
    });
    return { walkId: info.walkId, info, progress: () => poller.latest(), leave: () => runner.leave(), result };
  } catch (err) {
    redis.disconnect();
    if (err instanceof WalkerError) throw err;
    throw new WalkerError(WalkerErrorCode.QUEUE_UNREACHABLE, `Redis at ${q.display}: ${(err as Error).message}`, { cause: err });
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The oldest running walk; subscribes before looking, so a walk that starts meanwhile is not missed. */
async function findWalk(redis: Redis, q: QueueSettings, onWaiting: () => void): Promise<WalkInfo> {
  const listener = await connectRedis(q);
  try {
    let started: () => void = () => undefined;
    listener.on('message', () => started());
    await listener.subscribe(WALK_STARTED_CHANNEL);
    let waited = false;
    for (;;) {
      const next = new Promise<void>((r) => (started = r));
      const found = await runningWalks(redis);
      if (found.length > 0) return found.sort((a, b) => a.startTime - b.startTime)[0]!;
      if (!waited) onWaiting();
      waited = true;
      await Promise.race([next, new Promise((_, reject) => listener.once('end', () => reject(new Error('lost the connection to Redis'))))]);
    }
  } finally {
    listener.disconnect();
  }
}

async function runningWalks(redis: Redis): Promise<WalkInfo[]> {
  const out: WalkInfo[] = [];
  for (const walkId of await redis.smembers(ACTIVE_WALKS)) {
    const keys = walkKeys(walkId);
    // A walk whose seeding host died without ending it stays 'running': its heartbeat is gone.
    if ((await redis.get(keys.status)) !== 'running' || (await redis.exists(keys.alive)) === 0) continue;
    const parsed = WalkInfo.safeParse(JSON.parse((await redis.get(keys.info)) ?? 'null'));
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
