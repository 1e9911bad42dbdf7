// The walk's worker threads, which can be started before the walk's settings exist.
// Perf: a worker spends 0.1-0.2 s loading its modules before it reads a directory, and
// the CLI's main thread as long loading the walk's (the walker, the manifest code, zod):
// started as soon as the command line is known to be a walk, the workers load theirs
// meanwhile instead of after the running manifest (bench/RESULTS.md, "Start-up").
// Imports nothing but Node's own modules: the CLI loads this before the walker itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage } from './work-queue.js';
import type { WorkerData } from './worker-data.js';
import { workerExecArgv } from './worker-exec-argv.js';

/** Worker threads for `threads` calls in flight: one per core at most, since each is CPU-bound while its calls are fast. */
export function workerCount(threads: number): number {
  return Math.max(1, Math.min(threads, availableParallelism()));
}

/** The message that hands a waiting worker its walk; it reads nothing and writes nothing before it. */
export interface StartMessage {
  type: 'start';
  data: WorkerData;
}

/**
 * One worker thread, loading its modules until `start` hands it a walk. Until then it
 * does not keep the process alive: a walk refused at its checks (a bad root, a used
 * walk folder) exits at once with the threads it did not use.
 */
export class WalkerThread {
  readonly worker: Worker;
  /** Set once the thread has exited: the error it crashed with, or null. */
  private ended: { error: Error | null } | null = null;
  private onEnd: ((error: Error | null) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { execArgv: workerExecArgv() });
    this.worker.unref();
    let error: Error | null = null;
    this.worker.on('error', (err) => (error ??= err));
    this.worker.once('exit', () => {
      this.ended = { error };
      this.onEnd?.(error);
    });
  }

  /**
   * Hands the thread its walk and the listeners of its messages and of its end
   * (`error` when it crashed); a thread that ended before this, say failing to load
   * its modules, reports that end at once.
   */
  start(data: WorkerData, onMessage: (message: WorkerMessage) => void, onEnd: (error: Error | null) => void): void {
    this.worker.ref();
    this.worker.on('message', onMessage);
    this.onEnd = onEnd;
    if (this.ended !== null) {
      const { error } = this.ended;
      queueMicrotask(() => onEnd(error));
      return;
    }
    this.worker.postMessage({ type: 'start', data } satisfies StartMessage);
  }
}

/** Threads started ahead of this process's next walk. */
const prestarted: WalkerThread[] = [];

/**
 * Starts the worker threads of a walk of `threads` calls in flight (undefined: the
 * default, one per core) before the walk itself; the next `startWalk` in this process
 * takes them instead of starting its own.
 */
export function prestartWalkerThreads(threads: number | undefined): void {
  const count = workerCount(threads ?? availableParallelism());
  while (prestarted.length < count) prestarted.push(new WalkerThread());
}

/** A thread started ahead by `prestartWalkerThreads`, else a new one. */
export function walkerThread(): WalkerThread {
  return prestarted.shift() ?? new WalkerThread();
}
