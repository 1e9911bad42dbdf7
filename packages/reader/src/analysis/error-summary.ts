import { BoundedHeap } from './bounded-heap.js';
import { countOption } from './count-option.js';
import type { WalkEntryError } from '../sdk/record.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** How many error records share one errno code and system call. */
export interface ErrorCount {
  readonly code: string;
  readonly syscall: string;
  readonly count: number;
}

export interface ErrorSummary {
  readonly total: number;
  /** Most frequent first; ties by code, then syscall. */
  readonly byCode: ErrorCount[];
  /** The first `samples` error records in byte order of their paths. */
  readonly samples: WalkEntryError[];
}

export interface ErrorSummaryOptions extends Pick<RecordsOptions, 'onCorrupt'> {
  /** How many error records to keep as examples (default 20). */
  samples?: number;
}

/**
 * The error records of a walk, counted by code and syscall, with a few examples.
 * Streams: memory is the number of distinct (code, syscall) pairs and `samples`,
 * whatever the number of errors. Examples are the smallest paths, so they do not
 * depend on the thread count.
 */
export async function errorSummary(walk: Walk, options: ErrorSummaryOptions = {}): Promise<ErrorSummary> {
  const acc = new ErrorSummaryAccumulator(options.samples);
  for await (const e of walk.errors({ onCorrupt: options.onCorrupt })) acc.add(e);
  return acc.summary();
}

/** errorSummary fed one error record at a time, for a pass that feeds other analyses too (report-summaries.ts). */
export class ErrorSummaryAccumulator {
  readonly #counts = new Map<string, { code: string; syscall: string; count: number }>();
  readonly #samples: BoundedHeap<WalkEntryError>;
  #total = 0;

  /** `samples`: how many error records to keep as examples (default 20). */
  constructor(samples?: number) {
    const keep = countOption('errorSummary', 'samples', samples ?? 20);
    this.#samples = new BoundedHeap<WalkEntryError>(keep, (a, b) => Buffer.compare(a.relativePathBytes, b.relativePathBytes) < 0);
  }

  add(e: WalkEntryError): void {
    this.#total++;
    const id = `${e.code}\u0000${e.syscall}`;
    const held = this.#counts.get(id);
    if (held === undefined) this.#counts.set(id, { code: e.code, syscall: e.syscall, count: 1 });
    else held.count++;
    this.#samples.offer(e);
  }

  summary(): ErrorSummary {
    const byCode = [...this.#counts.values()].sort(
      (a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : 0),
    );
    return { total: this.#total, byCode, samples: this.#samples.ranked() };
  }
}
