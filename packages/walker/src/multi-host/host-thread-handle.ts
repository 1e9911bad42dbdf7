import { Worker } from 'node:worker_threads';
import type { ThreadFileSummary } from '@pwalk-ts/reader';
import { failureMessage } from '../worker-failure.js';
import type { HostThreadData, HostThreadMessage, JobTotals, ToHostThread } from './host-thread-protocol.js';
import type { EncodedDirs } from './job-codec.js';

export interface ScannedJob {
  chunks: EncodedDirs[];
  file: ThreadFileSummary;
  totals: JobTotals;
}

/** The main thread's handle on one host thread: one job at a time, each answered by a commit verdict. */
export class HostThreadHandle {
  private readonly worker: Worker;
  private waiting: { resolve: (m: HostThreadMessage) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private exited = false;
  private finishing = false;
  /** Resolves with the thread's first file summary once its file is open. */
  readonly ready: Promise<ThreadFileSummary>;

  constructor(
    data: HostThreadData,
    private readonly onFatal: (message: string) => void,
  ) {
    this.worker = new Worker(new URL('./host-thread.js', import.meta.url), {
      workerData: data,
      execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')),
    });
    this.worker.on('message', (msg: HostThreadMessage) => {
      if (msg.type === 'fatal') {
        this.fail(new Error(failureMessage(msg)));
        return;
      }
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(msg);
    });
    this.worker.on('error', (err) => this.fail(new Error(`thread ${data.thread} crashed: ${err.message}`, { cause: err })));
    this.worker.on('exit', () => {
      this.exited = true;
      if (!this.finishing) this.fail(new Error(`thread ${data.thread} exited unexpectedly`));
    });
    this.ready = this.next().then((m) => (m as Extract<HostThreadMessage, { type: 'ready' }>).file);
  }

  /** Reads one job's directories; resolves once its records are on disk, uncommitted. */
  async scan(job: Extract<ToHostThread, { type: 'job' }>): Promise<ScannedJob> {
    const reply = this.next();
    this.worker.postMessage(job);
    const m = (await reply) as Extract<HostThreadMessage, { type: 'scanned' }>;
    return { chunks: m.chunks, file: m.file, totals: m.totals };
  }

  /** Keeps the scanned job's records (committed) or cuts them off. */
  verdict(keep: boolean): void {
    if (this.failure === null) this.worker.postMessage({ type: 'commit', keep } satisfies ToHostThread);
  }

  /** Closes the thread's file; resolves with its final summary, or null when the thread failed. */
  async finish(): Promise<ThreadFileSummary | null> {
    if (this.failure !== null) {
      await this.worker.terminate();
      return null;
    }
    this.finishing = true;
    const reply = this.next();
    this.worker.postMessage({ type: 'finish' } satisfies ToHostThread);
    try {
      const m = (await reply) as Extract<HostThreadMessage, { type: 'done' }>;
      return m.file;
    } catch {
      return null;
    } finally {
      if (!this.exited) await this.worker.terminate();
    }
  }

  private next(): Promise<HostThreadMessage> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
    if (!this.finishing) this.onFatal(err.message);
  }
}
