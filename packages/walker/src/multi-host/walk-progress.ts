import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WalkProgress } from '../walk.js';
import type { WalkKeys } from './walk-keys.js';

export interface MultiHostProgress extends WalkProgress {
  /** Entries that are directories, and regular files (committed). */
  dirs: number;
  files: number;
}

/**
 * The walk's progress over every host: the committed totals in Redis and the
 * jobs waiting or running, read once a second so `progress()` answers at once.
 * Counts move when a job commits, so they trail the hosts by one job each.
 */
export class WalkProgressPoller {
  private last: MultiHostProgress;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keys: WalkKeys,
    private readonly queue: Queue,
    private readonly startTime: number,
  ) {
    this.last = { entries: 0, dirsRead: 0, dirs: 0, files: 0, bytes: 0n, errors: 0, queued: 0, elapsedMs: 0 };
    this.timer = setInterval(() => void this.poll(), 1_000);
    this.timer.unref();
  }

  latest(): MultiHostProgress {
    return { ...this.last, elapsedMs: Date.now() - this.startTime };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      const [t, counts] = await Promise.all([this.redis.hgetall(this.keys.totals), this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')]);
      this.last = {
        entries: Number(t.entries ?? 0),
        dirsRead: Number(t.dirsRead ?? 0),
        dirs: Number(t.dirs ?? 0),
        files: Number(t.files ?? 0),
        bytes: BigInt(t.bytes ?? 0),
        errors: Number(t.errors ?? 0),
        queued: Object.values(counts).reduce((a, b) => a + b, 0),
        elapsedMs: Date.now() - this.startTime,
      };
    } catch {
      // Redis trouble is reported by the host runner; progress keeps its last reading.
    }
  }
}
