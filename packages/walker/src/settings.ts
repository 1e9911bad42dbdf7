import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_BLOCK_CAPACITY } from '@pwalk-ts/reader/format';
import { pathPattern } from './entry-filter.js';
import { workerCount } from './walker-threads.js';

/** Filesystem calls in flight, as --threads or a test knob sets it. */
const Threads = z.number().int().min(1).max(1024);

/** Records per block of a thread file, as an option or a test knob sets it. */
const BlockCapacity = z
  .number()
  .int()
  .min(4096)
  .max(1 << 30);

/** What a caller may pass to walk(); validated once, then resolved into WalkSettings. */
export const WalkOptions = z.object({
  root: z.string().min(1, 'the root path is empty'),
  /** Output folder: created if missing; must be empty if it exists. */
  out: z.string().min(1),
  threads: Threads.optional(),
  // A pattern of slashes alone would reach picomatch empty and fail every worker: refused before the walk.
  exclude: z
    .array(
      z
        .string()
        .min(1)
        .refine((p) => pathPattern(p) !== '', { error: (issue) => `a pattern of only '/' names no path below the root, got ${String(issue.input)}` }),
    )
    .default([]),
  oneFileSystem: z.boolean().default(false),
  /** false skips directories named `.snapshot` (NetApp, Isilon and GPFS snapshot trees). */
  snapshots: z.boolean().default(true),
  maxDepth: z.number().int().min(0).nullable().default(null),
  compact: z.boolean().default(false),
  blockCapacity: BlockCapacity.optional(),
  /**
   * 'auto': the async engine when --threads exceeds the cores and the root is on a
   * latency-bound filesystem (NFS, Lustre, GPFS, FUSE, ...), else the synchronous
   * one. 'sync' and 'async' force the choice.
   */
  engine: z.enum(['auto', 'sync', 'async']).default('auto'),
});
export type WalkOptionsInput = z.input<typeof WalkOptions>;

/** Test knobs read once from the environment; unset, they cost nothing. */
const TestKnobs = z.object({
  /** Milliseconds each directory waits between its stat and its open: the window a swap test needs. */
  PWALK_TEST_PAUSE_BEFORE_OPEN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** What --engine auto resolves to on every filesystem, so the walk suites run whole on either engine. */
  PWALK_TEST_ENGINE: z.enum(['sync', 'async']).optional(),
  /** The block capacity of a walk that sets none (the CLI's): small blocks reach the disk early, so a test killing the CLI finds whole blocks. */
  PWALK_TEST_BLOCK_CAPACITY: z.coerce.number().pipe(BlockCapacity).optional(),
  /**
   * The thread count of a walk that sets none (the CLI's default), so the walk suites run whole at 1, 2, 8
   * or 64 threads. The CLI prestarts the default's worker threads; a walk needing fewer leaves the rest unused.
   */
  PWALK_TEST_THREADS: z.coerce.number().pipe(Threads).optional(),
});

/** Settings resolved once; workers receive this object and never re-derive anything from options. */
export interface WalkSettings {
  readonly root: string;
  /** The root with exactly one trailing '/', the prefix of every child path handed to the kernel. */
  readonly base: string;
  readonly out: string;
  /** Filesystem calls in flight at once: what --threads means. */
  readonly threads: number;
  /** Worker threads: `workerCount(threads)`. */
  readonly workers: number;
  /**
   * Calls each worker keeps in flight. 1: the synchronous engine (fastest where
   * calls take microseconds: local disks, warm caches); more: the async engine,
   * which overlaps the round trips of network filesystems.
   */
  readonly inflightPerWorker: number;
  /** Why the engine was chosen, for the manifest and --help's users: e.g. 'async (nfs)'. */
  readonly engine: string;
  readonly exclude: readonly string[];
  readonly oneFileSystem: boolean;
  readonly snapshots: boolean;
  /** Deepest entry depth recorded (the root is 0); Infinity when unlimited. */
  readonly maxDepth: number;
  readonly compact: boolean;
  readonly blockCapacity: number;
  /** PWALK_TEST_PAUSE_BEFORE_OPEN_MS; 0 outside tests. */
  readonly pauseBeforeOpenMs: number;
}

/**
 * Resolves the options once. `filesystem` is the root's kind (see filesystemKind):
 * on a local disk a call takes microseconds and extra calls in flight only add
 * thread-pool hand-offs (measured 8x slower at --threads 4 on two cores), so the
 * threads beyond the cores are used only where calls are round trips.
 */
export function resolveSettings(
  input: WalkOptionsInput,
  filesystem: { name: string | null; latencyBound: boolean },
  env: NodeJS.ProcessEnv = process.env,
): WalkSettings {
  const o = WalkOptions.parse(input);
  const knobs = TestKnobs.parse({
    PWALK_TEST_PAUSE_BEFORE_OPEN_MS: env.PWALK_TEST_PAUSE_BEFORE_OPEN_MS,
    PWALK_TEST_ENGINE: env.PWALK_TEST_ENGINE || undefined,
    PWALK_TEST_BLOCK_CAPACITY: env.PWALK_TEST_BLOCK_CAPACITY || undefined,
    PWALK_TEST_THREADS: env.PWALK_TEST_THREADS || undefined,
  });
  const threads = o.threads ?? knobs.PWALK_TEST_THREADS ?? availableParallelism();
  const workers = workerCount(threads);
  const auto = knobs.PWALK_TEST_ENGINE ?? (filesystem.latencyBound ? 'async' : 'sync');
  const overlap = o.engine === 'async' || (o.engine === 'auto' && auto === 'async');
  const inflightPerWorker = overlap ? Math.ceil(threads / workers) : 1;
  // Why 'auto' chose: the test knob when it decided, else the root's filesystem.
  const reason = knobs.PWALK_TEST_ENGINE !== undefined ? 'PWALK_TEST_ENGINE' : overlap ? filesystem.name : 'local filesystem';
  const engine =
    inflightPerWorker === 1 ? `sync${o.engine === 'auto' && threads > workers ? ` (${reason})` : ''}` : `async${o.engine === 'auto' ? ` (${reason})` : ''}`;
  return Object.freeze({
    root: o.root,
    base: o.root.endsWith('/') ? o.root : `${o.root}/`,
    out: o.out,
    threads,
    workers,
    inflightPerWorker,
    engine,
    exclude: Object.freeze([...o.exclude]),
    oneFileSystem: o.oneFileSystem,
    snapshots: o.snapshots,
    maxDepth: o.maxDepth ?? Infinity,
    compact: o.compact,
    blockCapacity: o.blockCapacity ?? knobs.PWALK_TEST_BLOCK_CAPACITY ?? DEFAULT_BLOCK_CAPACITY,
    pauseBeforeOpenMs: knobs.PWALK_TEST_PAUSE_BEFORE_OPEN_MS,
  });
}
