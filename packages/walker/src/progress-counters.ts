/**
 * Per-worker progress counters in shared memory. Each worker owns one slot and is
 * its only writer, so it stores running totals (no read-modify-write); slots are
 * 128 bytes apart so two workers never write the same cache line (or its
 * adjacent-line prefetch pair).
 */
export const Counter = {
  entries: 0,
  dirs: 1,
  bytes: 2,
  errors: 3,
  /** Directories waiting in the worker's own stack. */
  queued: 4,
} as const;
const SLOT_WORDS = 16;

/** Control words shared by every thread. */
export const Control = {
  /** Non-zero: stop after the current directory, flush and finish (SIGINT/SIGTERM or a fatal error). */
  stop: 0,
  /** How many workers wait for work: a busy worker with a spare directory shares when this is > 0. */
  hungry: 16,
} as const;
const CONTROL_WORDS = 32;

export interface SharedState {
  counters: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

export function createSharedState(threads: number): SharedState {
  return {
    counters: new SharedArrayBuffer(threads * SLOT_WORDS * BigInt64Array.BYTES_PER_ELEMENT),
    control: new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT),
  };
}

/** A worker's view of its own slot. */
export class CounterSlot {
  private readonly words: BigInt64Array;
  constructor(counters: SharedArrayBuffer, thread: number) {
    this.words = new BigInt64Array(counters, thread * SLOT_WORDS * 8, SLOT_WORDS);
  }
  publish(entries: number, dirs: number, bytes: number, errors: number, queued: number): void {
    Atomics.store(this.words, Counter.entries, BigInt(entries));
    Atomics.store(this.words, Counter.dirs, BigInt(dirs));
    Atomics.store(this.words, Counter.bytes, BigInt(bytes));
    Atomics.store(this.words, Counter.errors, BigInt(errors));
    Atomics.store(this.words, Counter.queued, BigInt(queued));
  }
}

export interface ProgressTotals {
  entries: number;
  dirs: number;
  bytes: bigint;
  errors: number;
  /** Directories found but not read yet, in worker stacks. */
  queued: number;
}

/** Sums every slot; called by the main thread on its sampling timer, never by workers. */
export function readTotals(counters: SharedArrayBuffer, threads: number): ProgressTotals {
  const words = new BigInt64Array(counters);
  let entries = 0n;
  let dirs = 0n;
  let bytes = 0n;
  let errors = 0n;
  let queued = 0n;
  for (let t = 0; t < threads; t++) {
    const base = t * SLOT_WORDS;
    entries += Atomics.load(words, base + Counter.entries);
    dirs += Atomics.load(words, base + Counter.dirs);
    bytes += Atomics.load(words, base + Counter.bytes);
    errors += Atomics.load(words, base + Counter.errors);
    queued += Atomics.load(words, base + Counter.queued);
  }
  return { entries: Number(entries), dirs: Number(dirs), bytes, errors: Number(errors), queued: Number(queued) };
}
