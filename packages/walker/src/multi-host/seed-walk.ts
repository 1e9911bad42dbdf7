import { statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { writeManifest, type ThreadFileSummary, type WalkManifestInput } from '@pwalk-ts/reader';
import { WalkerError, WalkerErrorCode } from '../errors.js';
import { finishWalk } from '../final-manifest.js';
import type { WalkOptionsInput } from '../settings.js';
import { beginWalk, type WalkProgress, type WalkResult, type WalkRun } from '../walk.js';
import { HostRunner, type HostOutcome, type WalkJobData } from './host-runner.js';
import { resolveQueueSettings, type QueueSettings } from './queue-settings.js';
import { connectRedis, openQueue } from './redis-connect.js';
import { ACTIVE_WALKS, WALK_STARTED_CHANNEL, walkKeys } from './walk-keys.js';
import type { WalkInfo } from './walk-info.js';
import { WalkScripts } from './walk-scripts.js';
import { WalkProgressPoller } from './walk-progress.js';

/** How long the small keys of an ended walk stay, so a worker that starts late learns it is over. */
const ENDED_WALK_TTL_S = 24 * 3600;

/** Turns a bad --queue URL into the same one-line error as any bad option. */
export function parseQueue(url: string): QueueSettings {
  try {
    return resolveQueueSettings(url);
  } catch (cause) {
    if (cause instanceof ZodError) throw new WalkerError(WalkerErrorCode.BAD_OPTIONS, cause.issues[0]?.message ?? 'bad --queue', { cause });
    throw cause;
  }
}

/**
 * Starts a multi-host walk from this (seeding) host: checks as a single-host walk
 * does, registers the walk in Redis, queues the root, walks like every joining
 * host, and once the walk ends writes the one manifest, listing every host's
 * thread files with their committed extents.
 */
export async function startMultiHostWalk(options: WalkOptionsInput, queueUrl: string): Promise<WalkRun> {
  const q = parseQueue(queueUrl);
  // The file list grows with every host's threads: room for a few hundred.
  const { settings, rootDev, walkId, startTime, host, manifest } = beginWalk(options, () => 65_536);
  let redis: Redis;
  try {
    redis = await connectRedis(q);
  } catch (err) {
    writeManifest(settings.out, { ...manifest, endTime: Date.now(), status: 'failed', message: (err as Error).message });
    throw err;
  }
  const keys = walkKeys(walkId);
  const info: WalkInfo = {
    walkId,
    root: resolve(settings.root),
    out: resolve(settings.out),
    exclude: [...settings.exclude],
    oneFileSystem: settings.oneFileSystem,
    snapshots: settings.snapshots,
    maxDepth: Number.isFinite(settings.maxDepth) ? settings.maxDepth : null,
    compact: settings.compact,
    blockCapacity: settings.blockCapacity,
    engine: options.engine ?? 'auto',
    seedHost: host,
    startTime,
  };
  const queue = openQueue(keys.queueName, q);
  const heartbeat = setInterval(() => void redis.set(keys.alive, host, 'PX', 3 * q.heartbeatMs).catch(() => undefined), q.heartbeatMs);
  heartbeat.unref();
  try {
    await redis.set(keys.info, JSON.stringify(info));
    await redis.set(keys.status, 'running');
    await redis.set(keys.alive, host, 'PX', 3 * q.heartbeatMs);
    await queue.add('root', { root: true } satisfies WalkJobData, { jobId: 'root', removeOnComplete: true });
    await redis.sadd(ACTIVE_WALKS, walkId);
    await redis.publish(WALK_STARTED_CHANNEL, walkId);
  } catch (cause) {
    // Redis answers but refuses (read-only replica, out of memory, ...): nothing was walked yet.
    clearInterval(heartbeat);
    const message = `Redis at ${q.display} refused to start the walk: ${(cause as Error).message}`;
    writeManifest(settings.out, { ...manifest, endTime: Date.now(), status: 'failed', message });
    await Promise.race([queue.close().catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]);
    redis.disconnect();
    throw new WalkerError(WalkerErrorCode.QUEUE_UNREACHABLE, message, { cause });
  }

  const runner = await HostRunner.start({ queue: q, walkId, settings, rootDev, redis });
  const poller = new WalkProgressPoller(redis, keys, queue, startTime);
  const scripts = new WalkScripts(redis, keys);
  let signal: NodeJS.Signals | null = null;
  const result = runner.finished.then(async (outcome) => {
    poller.stop();
    clearInterval(heartbeat);
    const done = await finalize(outcome, { walkId, redis, queue, keys, manifest, out: settings.out, poller, signal });
    redis.disconnect();
    return done;
  });
  return {
    settings,
    walkId,
    result,
    progress: (): WalkProgress => poller.latest(),
    interrupt(sig: NodeJS.Signals): void {
      signal ??= sig;
      scripts.end('interrupted', `interrupted by ${sig}`).catch(() => runner.leave());
    },
  };
}

interface FinalizeContext {
  walkId: string;
  redis: Redis;
  queue: Queue;
  keys: ReturnType<typeof walkKeys>;
  manifest: WalkManifestInput;
  out: string;
  poller: WalkProgressPoller;
  signal: NodeJS.Signals | null;
}

async function finalize(outcome: HostOutcome, c: FinalizeContext): Promise<WalkResult> {
  let ending = outcome.ending;
  let message = outcome.message;
  let files: ThreadFileSummary[] = [];
  let totals: WalkManifestInput['totals'] | null = null;
  if (ending !== 'lost') {
    try {
      const committed = await c.redis.hgetall(c.keys.files);
      files = Object.values(committed).map((j) => JSON.parse(j) as ThreadFileSummary);
      files.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
      for (const f of files) cutToCommitted(c.out, f);
      const t = await c.redis.hgetall(c.keys.totals);
      totals = {
        entries: Number(t.entries ?? 0),
        dirs: Number(t.dirs ?? 0),
        files: Number(t.files ?? 0),
        errors: Number(t.errors ?? 0),
        bytes: BigInt(t.bytes ?? 0),
      };
      await forget(c);
    } catch (cause) {
      ending = 'lost';
      message = `${message === null ? '' : `${message}; `}cannot read the walk's summary from Redis at the end: ${(cause as Error).message}`;
    }
  }
  if (ending === 'lost' || totals === null) {
    // Without Redis only this host's files are known; the reader still finds every thread file in the folder.
    files = [...outcome.files];
    const p = c.poller.latest();
    totals = { entries: p.entries, dirs: p.dirs, files: p.files, errors: p.errors, bytes: p.bytes };
    await Promise.race([c.queue.close().catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]);
  }
  const status = ending === 'complete' ? 'complete' : ending === 'interrupted' ? 'interrupted' : 'failed';
  if (status === 'complete') message = null;
  else message ??= status === 'interrupted' ? 'interrupted' : 'failed';
  return finishWalk(c.out, c.manifest, { status, message, files, totals, signal: status === 'interrupted' ? c.signal : null });
}

/**
 * A host that died mid-job leaves records past its file's last commit; another
 * host committed that job again. Cutting the file at its committed extent is what
 * keeps every directory's records in the walk exactly once.
 */
function cutToCommitted(out: string, f: ThreadFileSummary): void {
  const path = join(out, f.name);
  if (statSync(path).size > f.bytes) truncateSync(path, f.bytes);
}

/** Drops the walk's queue and bulky keys; the status and summaries stay a day for late workers. */
async function forget(c: FinalizeContext): Promise<void> {
  const k = c.keys;
  await c.redis.srem(ACTIVE_WALKS, c.walkId);
  await c.queue.obliterate({ force: true }).catch(() => undefined);
  await c.queue.close();
  let cursor = '0';
  do {
    const [next, plans] = await c.redis.scan(cursor, 'MATCH', k.planPattern, 'COUNT', 1000);
    cursor = next;
    if (plans.length > 0) await c.redis.del(...plans);
  } while (cursor !== '0');
  await c.redis.del(k.committed, k.alive);
  for (const key of [k.info, k.status, k.message, k.files, k.totals]) await c.redis.expire(key, ENDED_WALK_TTL_S);
}
