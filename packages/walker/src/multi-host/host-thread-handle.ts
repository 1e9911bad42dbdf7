import { Worker } from 'node:worker_threads';
import type { ThreadFileSummary } from '@pwalk-ts/reader';
import { failureMessage } from '../worker-failure.js';
import type { HostThreadData, HostThreadMessage, JobTotals, ToHostThread } from './host-thread-protocol.js';
import type { EncodedDirs } from './job-codec.js';
import { workerExecArgv } from '../worker-exec-argv.js';

export interface ScannedJob {
  chunks: EncodedDirs[];
  file: ThreadFileSummary;
  totals: JobTotals;
}

type Waiter<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

/** One slot of a host thread: reads one job at a time, each answered by a commit verdict. */
export class JobSlot {
  waiting: Waiter<ScannedJob> | null = null;

  constructor(
    private readonly thread: HostThreadHandle,
    readonly index: number,
  ) {}

  /** Reads one job's directories; resolves once its records are on disk, uncommitted. */
  scan(job: { root: true } | { root: false; dirs: EncodedDirs }): Promise<ScannedJob> {
    return this.thread.scan(this, job);
  }

  /** Keeps the scanned job's records (committed) or cuts them off. */
  verdict(keep: boolean): void {
    this.thread.send({ type: 'commit', slot: this.index, keep });
  }
}

/** The main thread's handle on one host thread and its slots. */
export class HostThreadHandle {
  private readonly worker: Worker;
  readonly slots: JobSlot[];
  private control: Waiter<ThreadFileSummary[]> | null = null;
  private failure: Error | null = null;
  private finishing = false;
  private exited = false;
  /** Resolves with the slots' first file summaries once their files are open. */
  readonly ready: Promise<ThreadFileSummary[]>;

  constructor(
    data: HostThreadData,
    private readonly onFatal: (message: string) => void,
  ) {
    this.slots = data.fileNames.map((_, i) => new JobSlot(this, i));
    this.worker = new Worker(new URL('./host-thread.js', import.meta.url), {
      workerData: data,
      execArgv: workerExecArgv(),
    });
    this.ready = this.nextControl();
    this.worker.on('message', (msg: HostThreadMessage) => {
      if (msg.type === 'fatal') {
        this.fail(new Error(failureMessage(msg)));
      } else if (msg.type === 'scanned') {
        const slot = this.slots[msg.slot]!;
        const w = slot.waiting;
        slot.waiting = null;
        w?.resolve({ chunks: msg.chunks, file: msg.file, totals: msg.totals });
      } else {
        const w = this.control;
        this.control = null;
        w?.resolve(msg.files);
      }
    });
    this.worker.on('error', (err) => this.fail(new Error(`thread ${data.thread} crashed: ${err.message}`, { cause: err })));
    this.worker.on('exit', () => {
      this.exited = true;
      if (!this.finishing) this.fail(new Error(`thread ${data.thread} exited unexpectedly`));
    });
  }

  scan(slot: JobSlot, job: { root: true } | { root: false; dirs: EncodedDirs }): Promise<ScannedJob> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const reply = new Promise<ScannedJob>((resolve, reject) => (slot.waiting = { resolve, reject }));
    this.send({ type: 'job', slot: slot.index, ...job });
    return reply;
  }

  send(msg: ToHostThread): void {
    if (this.failure === null) this.worker.postMessage(msg);
  }

  /** Closes the thread's files; resolves with their final summaries, or [] when the thread failed. */
  async finish(): Promise<ThreadFileSummary[]> {
    this.finishing = true;
    if (this.failure !== null) {
      await this.worker.terminate();
      return [];
    }
    const reply = this.nextControl();
    this.worker.postMessage({ type: 'finish' } satisfies ToHostThread);
    try {
      return await reply;
    } catch {
      return [];
    } finally {
      if (!this.exited) await this.worker.terminate();
    }
  }

  private nextControl(): Promise<ThreadFileSummary[]> {
    return new Promise((resolve, reject) => (this.control = { resolve, reject }));
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const waiter of [this.control, ...this.slots.map((s) => s.waiting)]) waiter?.reject(err);
    this.control = null;
    for (const s of this.slots) s.waiting = null;
    if (!this.finishing) this.onFatal(err.message);
  }
}
