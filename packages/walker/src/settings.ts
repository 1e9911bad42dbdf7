import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_BLOCK_CAPACITY } from '@pwalk-ts/reader/format';

/** What a caller may pass to walk(); validated once, then resolved into WalkSettings. */
export const WalkOptions = z.object({
  root: z.string().min(1, 'the root path is empty'),
  /** Output folder: created if missing; must be empty if it exists. */
  out: z.string().min(1),
  threads: z.number().int().min(1).max(1024).optional(),
  exclude: z.array(z.string().min(1)).default([]),
  oneFileSystem: z.boolean().default(false),
  /** false skips directories named `.snapshot` (NetApp, Isilon and GPFS snapshot trees). */
  snapshots: z.boolean().default(true),
  maxDepth: z.number().int().min(0).nullable().default(null),
  compact: z.boolean().default(false),
  blockCapacity: z.number().int().min(4096).max(1 << 30).default(DEFAULT_BLOCK_CAPACITY),
});
export type WalkOptionsInput = z.input<typeof WalkOptions>;

/** Settings resolved once; workers receive this object and never re-derive anything from options. */
export interface WalkSettings {
  readonly root: string;
  /** The root with exactly one trailing '/', the prefix of every child path handed to the kernel. */
  readonly base: string;
  readonly out: string;
  /** Filesystem calls in flight at once: what --threads means. */
  readonly threads: number;
  /** Worker threads: one per core at most, since each is CPU-bound while its calls are fast. */
  readonly workers: number;
  /**
   * Calls each worker keeps in flight. 1: the synchronous engine (fastest where
   * calls take microseconds: local disks, warm caches); more: the async engine,
   * which overlaps the round trips of network filesystems.
   */
  readonly inflightPerWorker: number;
  readonly exclude: readonly string[];
  readonly oneFileSystem: boolean;
  readonly snapshots: boolean;
  /** Deepest entry depth recorded (the root is 0); Infinity when unlimited. */
  readonly maxDepth: number;
  readonly compact: boolean;
  readonly blockCapacity: number;
}

export function resolveSettings(input: WalkOptionsInput): WalkSettings {
  const o = WalkOptions.parse(input);
  const threads = o.threads ?? availableParallelism();
  const workers = Math.max(1, Math.min(threads, availableParallelism()));
  return Object.freeze({
    root: o.root,
    base: o.root.endsWith('/') ? o.root : `${o.root}/`,
    out: o.out,
    threads,
    workers,
    inflightPerWorker: Math.ceil(threads / workers),
    exclude: Object.freeze([...o.exclude]),
    oneFileSystem: o.oneFileSystem,
    snapshots: o.snapshots,
    maxDepth: o.maxDepth ?? Infinity,
    compact: o.compact,
    blockCapacity: o.blockCapacity,
  });
}
