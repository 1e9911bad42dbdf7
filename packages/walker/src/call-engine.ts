import type { DirectoryItem } from './directory-item.js';
import { Control } from './progress-counters.js';
import type { WorkSource } from './work-queue.js';

/** What a latency engine works from: the worker's stack and work source, the stop word, its calls in flight. */
export interface EngineSetup {
  readonly stack: DirectoryItem[];
  readonly source: WorkSource;
  readonly control: Int32Array;
  readonly inflight: number;
  /** Called after each directory's records are written (progress). */
  readonly afterDirectory: () => void;
}

/**
 * What both latency engines share: the worker's stack and work source, the stop
 * word, a run that resolves when the stack is empty and no call is left, and the
 * first fatal error, which stops new calls and rejects the run once the running
 * ones return.
 */
export abstract class CallEngine {
  private drained: (() => void) | null = null;
  protected failure: Error | null = null;

  protected readonly stack: DirectoryItem[];
  private readonly source: WorkSource;
  private readonly control: Int32Array;
  protected readonly inflight: number;
  protected readonly afterDirectory: () => void;

  constructor(setup: EngineSetup) {
    ({ stack: this.stack, source: this.source, control: this.control, inflight: this.inflight, afterDirectory: this.afterDirectory } = setup);
  }

  /** Reads every directory on the stack and below; resolves when none is left and no call is running. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.drained = () => (this.failure === null ? resolve() : reject(this.failure));
      this.pump();
    });
  }

  /** Starts what calls it can, and calls finish() once nothing is left to wait for. */
  protected abstract pump(): void;

  /** True once the walk is stopping (SIGINT/SIGTERM, another worker's failure) or this engine failed. */
  protected stopping(): boolean {
    return Atomics.load(this.control, Control.stop) !== 0 || this.failure !== null;
  }

  /** Gives the bottom half of the stack (the shallowest directories, so the largest subtrees) to an idle worker that asks. */
  protected shareWork(): void {
    if (this.stack.length > 1 && this.source.wantsWork()) this.source.give(this.stack.splice(0, this.stack.length >> 1));
  }

  /** Ends run(). */
  protected finish(): void {
    const done = this.drained;
    this.drained = null;
    done?.();
  }

  /** A fatal error (not an entry error): no new calls; run() rejects once the running ones finish. */
  protected fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
  }

  /** Runs `work`, any error it throws fatal. */
  protected guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.fail(err);
    }
  }
}
