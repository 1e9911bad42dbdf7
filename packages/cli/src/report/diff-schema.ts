import { z } from 'zod';
import { Count, ExactInteger, GrowthFields, LargestFileFields, PathFields, Tally, Version, WalkReference } from './schema-parts.js';

const ranked = <T extends z.ZodType>(row: T) => z.object({ grown: z.array(row), shrunk: z.array(row) });

export const DirectoryGrowthRow = z.object({ ...PathFields, depth: Count, ...GrowthFields });
export const OwnerGrowthRow = z.object({
  /** uid or gid; null when the walk did not record owners (--compact). */
  id: ExactInteger.nullable(),
  /** The name on the machine that made the report, or the number when it has none. */
  name: z.string(),
  ...GrowthFields,
});
export const ExtensionGrowthRow = z.object({
  /** ASCII-lowercased, without the dot ('tar.gz' counts whole); '' for none; '/hex:' and hex bytes when not UTF-8. */
  extension: z.string(),
  /** For people: invalid bytes as \xNN, '(none)' for files without an extension. */
  label: z.string(),
  ...GrowthFields,
});

/**
 * `pwalk-ts diff --json`: what changed between two walks of one tree. Counts of
 * added, deleted, modified and unchanged compare paths (names); `old`, `new` and
 * every growth list count space, each hard-linked inode once per walk.
 */
export const DiffJson = z.object({
  format: z.literal('pwalk-ts-diff'),
  version: Version,
  generatedAt: z.string(),
  top: Count,
  old: WalkReference.extend({ totals: Tally.extend({ allocatedBytes: ExactInteger.nullable() }) }),
  new: WalkReference.extend({ totals: Tally.extend({ allocatedBytes: ExactInteger.nullable() }) }),
  /** False when the two walks have different absolute roots (the diff is then of two trees). */
  sameRoot: z.boolean(),
  netBytes: ExactInteger,
  added: Tally,
  deleted: Tally,
  /** Non-directories in both walks whose size or mtime changed. */
  modified: z.object({ entries: Count, files: Count, oldBytes: ExactInteger, newBytes: ExactInteger, deltaBytes: ExactInteger }),
  unchanged: Tally,
  directories: ranked(DirectoryGrowthRow),
  users: ranked(OwnerGrowthRow),
  groups: ranked(OwnerGrowthRow),
  extensions: ranked(ExtensionGrowthRow),
  largestNew: z.array(z.object(LargestFileFields)),
});
export type DiffJson = z.infer<typeof DiffJson>;
