import { z } from 'zod';
import { Count, ExactInteger, Version, WalkReference } from './schema-parts.js';

/**
 * A series' figures in one walk, and the change since the walk before it (null in
 * the first). A series a walk does not have (a directory made later, an owner gone)
 * is zero there.
 */
export const TrendPoint = z.object({
  entries: Count,
  files: Count,
  dirs: Count,
  /** Sum of st_size. */
  bytes: ExactInteger,
  /** Sum of st_blocks x 512; null when the walk is --compact. */
  allocatedBytes: ExactInteger.nullable(),
  deltaBytes: ExactInteger.nullable(),
  deltaFiles: ExactInteger.nullable(),
});

/** One line of a chart: a point per walk, in the order of `walks`. */
const SeriesFields = {
  /** True for the one series that sums everything not in the top N. */
  other: z.boolean(),
  points: z.array(TrendPoint),
};

export const DirectorySeries = z.object({
  /** The top directory's name (lossy text) and its exact bytes in base64 when they are not UTF-8; '(other)' for the rest. */
  name: z.string(),
  nameBase64: z.string().optional(),
  ...SeriesFields,
});

export const OwnerSeries = z.object({
  /** uid or gid; null for the rest. */
  id: ExactInteger.nullable(),
  /** The name on the machine that made the document, or the number when it has none. */
  name: z.string(),
  ...SeriesFields,
});

/**
 * `pwalk-ts trend --json`: capacity over a series of walks of one root, sorted by
 * walk start. Every figure counts each hard-linked inode once per walk. The top N
 * series are ranked by the latest walk's bytes; `other` sums the rest, so the
 * directory series add up to each walk's totals (the root's own files are in
 * `other`), and so do the owner series unless a walk is --compact (no owners).
 */
export const TrendJson = z.object({
  format: z.literal('pwalk-ts-trend'),
  version: Version,
  generatedAt: z.string(),
  top: Count,
  /** The latest walk's root (lossy text) and its exact bytes when they are not UTF-8. */
  root: z.string(),
  rootBase64: z.string().optional(),
  /** True when the walks have different absolute roots (allowed by --allow-mixed-roots). */
  mixedRoots: z.boolean(),
  walks: z.array(WalkReference.extend({ totals: TrendPoint })),
  topDirectories: z.array(DirectorySeries),
  users: z.array(OwnerSeries),
  groups: z.array(OwnerSeries),
});
export type TrendJson = z.infer<typeof TrendJson>;
export type TrendPoint = z.infer<typeof TrendPoint>;
