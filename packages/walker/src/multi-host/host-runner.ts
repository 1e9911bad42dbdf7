import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { threadFileName } from '@pwalk-ts/reader/format';
import type { ThreadFileSummary } from '@pwalk-ts/reader';
import type { WalkSettings } from '../settings.js';
import { HostThreadHandle, type JobSlot, type ScannedJob } from './host-thread-handle.js';
import type { EncodedDirs } from './job-codec.js';
import { extendPlan, type PlannedBatch } from './job-plan.js';
import type { QueueSettings } from './queue-settings.js';
import { bullConnection, connectRedis, openQueue } from './redis-connect.js';
import { walkKeys, type WalkKeys } from './walk-keys.js';
import { WalkScripts } from './walk-scripts.js';

/** A job's data: the root (recorded, then read) or a batch of directories. */
export type WalkJobData = { root: true } | { root: false; dirs: EncodedDirs };

/** How a host's part in a walk ended. */
export interface HostOutcome {
  /** The walk's status in Redis, 'left' when this host stopped on its own, 'lost' when Redis went away. */
  readonly ending: 'complete' | 'failed' | 'interrupted' | 'left' | 'lost';
  readonly message: string | null;
  /** This host's thread files as closed (none of a thread that failed). */
  readonly files: readonly ThreadFileSummary[];
}

export interface HostRunnerOptions {
  readonly queue: QueueSettings;
  readonly walkId: string;
  /** Settings resolved on this host (its own --threads). */
  readonly settings: WalkSettings;
  readonly rootDev: bigint;
  /** An open connection for scripts and reads; the runner never closes it. */
  readonly redis: Redis;
}

/** File names carry the host and process (several workers may share a host) and the thread. */
function hostTag(): string {
  return `${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}`;
}

function fileSummaryJson(f: ThreadFileSummary): string {
  return JSON.stringify(f);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * One host's part in a multi-host walk: a BullMQ worker in this (main) thread,
 * whose concurrency is the host's walker threads. Each job is read by a thread
 * and committed here:
 *
 * 1. a job whose id is already committed is skipped (a redelivery after its commit);
 * 2. a thread reads the job's directories, writes their records and fdatasyncs;
 * 3. the job's subdirectory batches get ids, stored as the job's plan unless an
 *    earlier attempt stored one (then that plan is reused: same ids, so BullMQ
 *    does not add them twice, and ids already committed are skipped in step 1);
 * 4. the batches are added to the queue;
 * 5. the commit script adds the job id to the committed set and moves the thread
 *    file's committed extent and the walk totals forward, unless another attempt
 *    committed first or the walk ended: then the thread cuts its file back.
 *
 * The scanning happens in threads, so this thread's event loop stays free for
 * BullMQ to renew job locks however long a directory takes.
 */
export class HostRunner {
  readonly finished: Promise<HostOutcome>;
  private readonly keys: WalkKeys;
  private readonly scripts: WalkScripts;
  private readonly idle: JobSlot[] = [];
  private readonly waitingForSlot: ((s: JobSlot) => void)[] = [];
  private worker: Worker | null = null;
  private ending: { ending: HostOutcome['ending']; message: string | null } | null = null;
  private resolveFinished!: (o: HostOutcome) => void;

  private constructor(
    private readonly o: HostRunnerOptions,
    private readonly threads: HostThreadHandle[],
    private readonly queue: Queue,
    private readonly subscriber: Redis,
  ) {
    this.keys = walkKeys(o.walkId);
    this.scripts = new WalkScripts(o.redis, this.keys);
    this.finished = new Promise((r) => (this.resolveFinished = r));
  }

  static async start(o: HostRunnerOptions): Promise<HostRunner> {
    const keys = walkKeys(o.walkId);
    // Its own connection: a subscribed one takes no other commands.
    const subscriber = await connectRedis(o.queue);
    const queue = openQueue(keys.queueName, o.queue);
    const tag = hostTag();
    const host = hostname();
    // Thread messages arrive asynchronously, so `runner` is set before any can be reported.
    let runner: HostRunner | null = null;
    const onFatal = (message: string): void => void runner!.fail(message);
    const slots = slotsPerThread(o.settings);
    const threads = Array.from(
      { length: o.settings.workers },
      (_, thread) =>
        new HostThreadHandle(
          {
            settings: o.settings,
            thread,
            host,
            walkId: o.walkId,
            rootDev: o.rootDev,
            fileNames: Array.from({ length: slots }, (_, slot) => threadFileName(`${tag}-${thread}.${slot}`)),
            dirsPerJob: o.queue.dirsPerJob,
          },
          onFatal,
        ),
    );
    runner = new HostRunner(o, threads, queue, subscriber);
    subscriber.on('message', (_channel: string, status: string) => void runner.walkEnded(status));
    subscriber.on('end', () => void runner.redisLost());
    o.redis.on('end', () => void runner.redisLost());
    try {
      await subscriber.subscribe(keys.channel);
      const files = (await Promise.all(threads.map((t) => t.ready))).flat();
      await o.redis.hset(keys.files, Object.fromEntries(files.map((f) => [f.name, fileSummaryJson(f)])));
      runner.idle.push(...threads.flatMap((t) => t.slots));
      const status = await o.redis.get(keys.status);
      if (status !== 'running') void runner.walkEnded(status ?? 'complete');
      else runner.startWorker();
    } catch (err) {
      // A thread that cannot open its file, or Redis refusing a command: the threads must still be stopped.
      await runner.fail((err as Error).message);
    }
    return runner;
  }

  /** The walk cannot go on (its seeding host is gone): this host stops as failed, without ending the walk in Redis. */
  abandon(message: string): void {
    void this.shutdown({ ending: 'failed', message });
  }

  /** This host stops taking jobs, finishes (and commits) the ones it has, and leaves the walk to the others. */
  leave(): void {
    void this.shutdown({ ending: 'left', message: null });
  }

  private startWorker(): void {
    if (this.ending !== null) return;
    const q = this.o.queue;
    this.worker = new Worker(this.keys.queueName, (job: Job<WalkJobData>) => this.process(job), {
      // Stored on each job it takes (BullMQ's processedBy): which host holds a job.
      name: hostTag(),
      connection: bullConnection(q),
      concurrency: this.threads.reduce((n, t) => n + t.slots.length, 0),
      lockDuration: q.lockMs,
      stalledInterval: q.stalledMs,
      // A job redelivered this often is killing hosts or never finishing: the walk fails rather than loops.
      maxStalledCount: 5,
      drainDelay: 1,
    });
    this.worker.on('completed', () => void this.checkDone());
    // Counted for people reading the totals: a redelivery means a host died or stopped renewing its locks.
    this.worker.on('stalled', () => void this.o.redis.hincrby(this.keys.totals, 'redelivered', 1).catch(() => undefined));
    this.worker.on('failed', (job, err) => void this.fail(`job ${job?.id ?? '?'} failed: ${err.message}`));
    // Connection errors surface through redisLost; BullMQ reports them here too.
    this.worker.on('error', () => undefined);
  }

  private async process(job: Job<WalkJobData>): Promise<void> {
    const id = job.id!;
    if ((await this.o.redis.sismember(this.keys.committed, id)) === 1) return;
    const slot = await this.takeSlot();
    try {
      const scanned = await slot.scan(job.data.root ? { root: true } : { root: false, dirs: job.data.dirs });
      let keep = false;
      try {
        keep = await this.commit(job, scanned);
      } finally {
        slot.verdict(keep);
      }
    } finally {
      this.releaseSlot(slot);
    }
  }

  private async commit(job: Job<WalkJobData>, scanned: ScannedJob): Promise<boolean> {
    const id = job.id!;
    const batches = await this.plan(job, scanned.chunks);
    if (batches.length > 0) {
      await this.queue.addBulk(
        batches.map(([jobId, dirs]) => ({
          name: 'dirs',
          data: { root: false, dirs } satisfies WalkJobData,
          opts: { jobId, removeOnComplete: true },
        })),
      );
    }
    const result = await this.scripts.commit(id, scanned.file.name, fileSummaryJson(scanned.file), scanned.totals);
    if (result === 'walk-ended') void this.walkEnded((await this.o.redis.get(this.keys.status)) ?? 'failed');
    return result === 'committed';
  }

  /** The subdirectory batches this job enqueues: the ones an earlier attempt planned, plus any directory it did not see. */
  private async plan(job: Job<WalkJobData>, chunks: EncodedDirs[]): Promise<PlannedBatch[]> {
    const redelivered = job.attemptsStarted > 1 || job.stalledCounter > 0;
    if (chunks.length === 0 && !redelivered) return [];
    const fresh = chunks.map((c): PlannedBatch => [newJobId(), c]);
    const earlier = await this.scripts.plan(job.id!, JSON.stringify(fresh));
    if (earlier === null) return fresh;
    const planned = JSON.parse(earlier) as PlannedBatch[];
    const merged = extendPlan(planned, chunks, this.o.queue.dirsPerJob, newJobId);
    if (merged !== planned) await this.o.redis.set(this.keys.plan(job.id!), JSON.stringify(merged));
    return merged;
  }

  /**
   * The walk is over when no job waits, runs or is delayed anywhere. The counts are
   * read in one script (atomically), and only a running job adds jobs, and adds
   * them before it completes: once every count is 0 no job can appear again.
   */
  private async checkDone(): Promise<void> {
    if (this.ending !== null) return;
    try {
      const counts = await this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) await this.scripts.end('complete', null);
    } catch {
      // A lost connection is reported by redisLost.
    }
  }

  /** Ends the walk for every host as failed (a fatal error here). */
  async fail(message: string): Promise<void> {
    try {
      await this.scripts.end('failed', message);
    } catch {
      // Redis is gone as well: this host still stops, with its own message.
    }
    void this.shutdown({ ending: 'failed', message });
  }

  private async walkEnded(status: string): Promise<void> {
    if (this.ending !== null) return;
    let message: string | null = null;
    try {
      message = await this.o.redis.get(this.keys.message);
    } catch {
      // The status is what matters.
    }
    const ending = status === 'complete' || status === 'interrupted' ? status : 'failed';
    void this.shutdown({ ending, message });
  }

  private redisLost(): void {
    void this.shutdown({ ending: 'lost', message: `lost the connection to Redis at ${this.o.queue.display}` });
  }

  private async shutdown(end: { ending: HostOutcome['ending']; message: string | null }): Promise<void> {
    if (this.ending !== null) return;
    this.ending = end;
    const lost = end.ending === 'lost';
    if (this.worker !== null) {
      // Waits for the jobs being read: they commit (leaving) or are cut off (walk over). Without Redis, nothing is waited for.
      await Promise.race([this.worker.close(lost).catch(() => undefined), lost ? sleep(1_000) : new Promise(() => undefined)]);
    }
    const files = (await Promise.all(this.threads.map((t) => t.finish()))).flat();
    await Promise.race([this.queue.close().catch(() => undefined), sleep(lost ? 500 : 5_000)]);
    this.subscriber.disconnect();
    this.resolveFinished({ ending: end.ending, message: end.message, files });
  }

  private takeSlot(): Promise<JobSlot> {
    const s = this.idle.pop();
    if (s !== undefined) return Promise.resolve(s);
    return new Promise((r) => this.waitingForSlot.push(r));
  }

  private releaseSlot(s: JobSlot): void {
    const waiter = this.waitingForSlot.shift();
    if (waiter !== undefined) waiter(s);
    else this.idle.push(s);
  }
}

/**
 * Jobs each thread reads at once. The synchronous engine reads one directory at a
 * time, so one; the async engine's calls are shared by several jobs (2 calls each,
 * at most 8 jobs), so a job winding down to its last directory does not leave calls
 * idle: measured on slowfs (bench/multi-host.mjs), one job per thread ran at 0.6x
 * the single-host walk.
 */
function slotsPerThread(settings: WalkSettings): number {
  return settings.inflightPerWorker > 1 ? Math.min(8, Math.max(1, Math.floor(settings.inflightPerWorker / 2))) : 1;
}

function newJobId(): string {
  return randomBytes(12).toString('hex');
}
