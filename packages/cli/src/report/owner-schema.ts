import { z } from 'zod';
import { AgeRow, Count, ExactInteger, LargestFileRow, PathFields, Share, UsageFields, Version, WalkReference } from './schema-parts.js';

/** Whose figures a document holds: a user (uid) or a group (gid), named as on the machine that made it (else the number). */
export const OwnerKindJson = z.enum(['user', 'group']);

/** One of the owner's directories: only their entries below it (and it, when theirs), each hard-linked file once. */
export const OwnerDirectoryRow = z.object({
  ...PathFields,
  depth: Count,
  ...UsageFields,
  /** Their apparent bytes below it not read for a year or more (atime). */
  coldBytes: ExactInteger,
});

/**
 * `pwalk-ts report WALK --per-owner DIR`: one owner's document (`DIR/user-NAME.json`,
 * beside its page). Everything counts only the owner's entries, each hard-linked file
 * once (at its smallest path, as du and the report count); ages from the walk's start.
 */
export const OwnerReportJson = z.object({
  format: z.literal('pwalk-ts-owner-report'),
  version: Version,
  generatedAt: z.string(),
  /** Rows in each list. */
  top: Count,
  walk: WalkReference,
  owner: z.object({ kind: OwnerKindJson, id: ExactInteger, name: z.string() }),
  headline: z.object({
    ...UsageFields,
    /** Their apparent bytes over the whole walk's. */
    share: Share,
    /** The whole walk, for the share. */
    walkApparentBytes: ExactInteger,
    walkFiles: Count,
  }),
  /** Most of their apparent bytes first; the root, holding all of theirs, comes first. */
  largestDirectories: z.array(OwnerDirectoryRow),
  largestFiles: z.array(LargestFileRow),
  /** Every bucket in order (future, < 30 d, 30-90 d, 90 d-1 y, 1-3 y, > 3 y). */
  mtimeAge: z.array(AgeRow),
  atimeAge: z.array(AgeRow),
  /** Their data nobody has read for a year or more, and its share of their apparent bytes. */
  cold: z.object({ ...UsageFields, share: Share }),
  /** Where their cold bytes are, most first. */
  coldestDirectories: z.array(OwnerDirectoryRow),
});
export type OwnerReportJson = z.infer<typeof OwnerReportJson>;

/** `DIR/index.json`: every owner written, with the files of their page and document (names relative to DIR). */
export const OwnerIndexJson = z.object({
  format: z.literal('pwalk-ts-owner-index'),
  version: Version,
  generatedAt: z.string(),
  walk: WalkReference,
  kind: OwnerKindJson,
  /** Owners holding fewer apparent bytes were left out. */
  minBytes: ExactInteger,
  totals: z.object(UsageFields),
  /** Largest apparent size first. */
  owners: z.array(
    z.object({
      id: ExactInteger,
      name: z.string(),
      html: z.string(),
      json: z.string(),
      ...UsageFields,
      share: Share,
      coldBytes: ExactInteger,
    }),
  ),
  omitted: z.object({ owners: Count, ...UsageFields }),
});
export type OwnerIndexJson = z.infer<typeof OwnerIndexJson>;
