import type { MessagePort, Worker } from 'node:worker_threads';
import type { ThreadFileSummary } from '@pwalk-ts/reader';
import { Control } from './progress-counters.js';
import { reviveItems, type DirectoryItem } from './directory-item.js';
import type { WorkerFailure } from './worker-failure.js';

/**
 * A worker's side of the directory queue. Workers run depth-first from a private
 * stack and touch the queue only when they run dry or another worker is hungry,
 * so a walk of a million directories exchanges a handful of messages, not one
 * per directory. A multi-host queue implements the same three calls.
 */
export interface WorkSource {
  /** Waits for directories to read; null once every worker is idle and nothing is queued. */
  take(): Promise<DirectoryItem[] | null>;
  /** True when some worker waits for work. Perf: one Atomics load, read once per directory. */
  wantsWork(): boolean;
  /** Hands surplus directories to the queue for hungry workers. */
  give(items: DirectoryItem[]): void;
}

/** Messages from a worker to the main thread. */
export type WorkerMessage =
  { type: 'give'; items: DirectoryItem[] } | { type: 'idle' } | { type: 'done'; summary: WorkerSummary } | ({ type: 'fatal' } & WorkerFailure);

/** Messages from the main thread to a worker. */
export type DispatchMessage = { type: 'work'; items: DirectoryItem[] } | { type: 'finish' };

export interface WorkerSummary {
  file: ThreadFileSummary;
  entries: number;
  dirs: number;
  files: number;
  errors: number;
  bytes: bigint;
}

/** The in-process WorkSource: talks to the main thread's InProcessQueue over the worker port. */
export class PortWorkSource implements WorkSource {
  private readonly control: Int32Array;
  constructor(
    private readonly port: MessagePort,
    control: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
  }

  take(): Promise<DirectoryItem[] | null> {
    return new Promise((resolve) => {
      this.port.once('message', (msg: DispatchMessage) => resolve(msg.type === 'work' ? reviveItems(msg.items) : null));
      this.port.postMessage({ type: 'idle' } satisfies WorkerMessage);
    });
  }

  wantsWork(): boolean {
    return Atomics.load(this.control, Control.hungry) > 0;
  }

  give(items: DirectoryItem[]): void {
    this.port.postMessage({ type: 'give', items } satisfies WorkerMessage);
  }
}

/**
 * The main thread's side: holds directories given up by busy workers and hands
 * them to idle ones. The walk is over when every worker is idle with nothing
 * pending; messages from one worker arrive in order, so a 'give' is always seen
 * before the same worker's 'idle'.
 */
export class InProcessQueue {
  private readonly pending: DirectoryItem[] = [];
  private readonly idle: number[] = [];
  private readonly control: Int32Array;
  private finished = false;

  constructor(
    private readonly workers: readonly Worker[],
    control: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  onGive(items: DirectoryItem[]): void {
    for (const item of items) this.pending.push(item);
    this.dispatch();
  }

  onIdle(thread: number): void {
    if (this.finished) {
      this.send(thread, { type: 'finish' });
      return;
    }
    this.idle.push(thread);
    this.dispatch();
    if (this.idle.length === this.workers.length && this.pending.length === 0) this.finish();
  }

  /** Ends the walk early (interrupt or failure): idle workers are released at once. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const thread of this.idle.splice(0)) this.send(thread, { type: 'finish' });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.pending.length > 0) {
      const share = Math.ceil(this.pending.length / this.idle.length);
      const thread = this.idle.pop()!;
      this.send(thread, { type: 'work', items: this.pending.splice(this.pending.length - share, share) });
    }
    Atomics.store(this.control, Control.hungry, this.idle.length);
  }

  private send(thread: number, msg: DispatchMessage): void {
    this.workers[thread]!.postMessage(msg);
  }
}
