/**
 * Per-worker progress counters in shared memory. Each worker owns one slot and is
 * its only writer, so it stores running totals (no read-modify-write); slots are
 * 128 bytes apart so two workers never write the same cache line (or its
 * adjacent-line prefetch pair).
 */
export const Counter = {
  entries: 0,
  dirs: 1,
  /** The byte total in two unsigned words: one thread's sum passes 2^64 with three sparse files. */
  bytesLow: 2,
  bytesHigh: 5,
  errors: 3,
  /** Directories waiting in the worker's own stack. */
  queued: 4,
  /** Odd while the worker is storing: the two byte words are only read as a pair between two equal even values. */
  sequence: 6,
} as const;
const SLOT_WORDS = 16;
const LOW_BITS = 64n;

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
  private readonly words: BigUint64Array;
  private sequence = 0n;
  constructor(counters: SharedArrayBuffer, thread: number) {
    this.words = new BigUint64Array(counters, thread * SLOT_WORDS * 8, SLOT_WORDS);
  }
  publish(entries: number, dirs: number, bytes: bigint, errors: number, queued: number): void {
    Atomics.store(this.words, Counter.sequence, ++this.sequence);
    Atomics.store(this.words, Counter.entries, BigInt(entries));
    Atomics.store(this.words, Counter.dirs, BigInt(dirs));
    Atomics.store(this.words, Counter.bytesLow, BigInt.asUintN(64, bytes));
    Atomics.store(this.words, Counter.bytesHigh, bytes >> LOW_BITS);
    Atomics.store(this.words, Counter.errors, BigInt(errors));
    Atomics.store(this.words, Counter.queued, BigInt(queued));
    Atomics.store(this.words, Counter.sequence, ++this.sequence);
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
  const words = new BigUint64Array(counters);
  const sum = { entries: 0n, dirs: 0n, bytes: 0n, errors: 0n, queued: 0n };
  for (let t = 0; t < threads; t++) {
    const base = t * SLOT_WORDS;
    // A seqlock: a worker's stores take nanoseconds and never block, so the retry ends at once.
    for (;;) {
      const before = Atomics.load(words, base + Counter.sequence);
      const entries = Atomics.load(words, base + Counter.entries);
      const dirs = Atomics.load(words, base + Counter.dirs);
      const bytes = (Atomics.load(words, base + Counter.bytesHigh) << LOW_BITS) | Atomics.load(words, base + Counter.bytesLow);
      const errors = Atomics.load(words, base + Counter.errors);
      const queued = Atomics.load(words, base + Counter.queued);
      if ((before & 1n) !== 0n || Atomics.load(words, base + Counter.sequence) !== before) continue;
      sum.entries += entries;
      sum.dirs += dirs;
      sum.bytes += bytes;
      sum.errors += errors;
      sum.queued += queued;
      break;
    }
  }
  return { entries: Number(sum.entries), dirs: Number(sum.dirs), bytes: sum.bytes, errors: Number(sum.errors), queued: Number(sum.queued) };
}
