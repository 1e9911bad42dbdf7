import { z } from 'zod';
import {
  AgeBucketJson,
  AgeRow,
  Count,
  ExactInteger,
  LargestFileRow,
  PathFields,
  Share,
  UsageFields,
  UsageTallyJson,
  Version,
  WalkReference,
} from './schema-parts.js';

export const DirectoryRow = z.object({ ...PathFields, depth: Count, ...UsageFields });

export const OwnerRow = z.object({
  id: ExactInteger,
  /** The name on the machine that made the report, or the number when it has none. */
  name: z.string(),
  ...UsageFields,
  /** The same entries by last access time. */
  atime: z.record(AgeBucketJson, UsageTallyJson),
});

export const ColdRow = z.object({
  id: ExactInteger,
  name: z.string(),
  /** Not accessed for a year or more (atime buckets 1to3y and gt3y). */
  ...UsageFields,
  /** Cold apparent bytes over all of the owner's apparent bytes. */
  share: Share,
});

/** A top-level directory (depth 1) and its largest subdirectories: what the treemap draws. */
export const TopLevelRow = z.object({
  ...PathFields,
  apparentBytes: ExactInteger,
  files: Count,
  children: z.array(z.object({ ...PathFields, apparentBytes: ExactInteger, files: Count })),
});

/**
 * A directory of the drill-down: its name (the root's row: the root path) with its
 * exact bytes when they are not UTF-8, the row of its parent (null for the root), and
 * everything below it.
 */
export const DrillDownRow = z.object({
  name: z.string(),
  nameBase64: z.string().optional(),
  parent: Count.nullable(),
  ...UsageFields,
});

/**
 * `pwalk-ts report --json`: who uses the space of one walk, where and since when.
 * Totals and group-bys count each hard-linked file once (as du does).
 */
export const ReportJson = z.object({
  format: z.literal('pwalk-ts-report'),
  version: Version,
  generatedAt: z.string(),
  top: Count,
  walk: WalkReference,
  /** A --compact walk has no owners, atimes or block counts: those parts are empty or null. */
  compact: z.boolean(),
  headline: z.object({
    ...UsageFields,
    /** Error records of the walk (entries that could not be read). */
    errors: Count,
    /** Walk duration in ms and entries walked per second (rounded); null when the walk did not finish. */
    durationMs: ExactInteger.nullable(),
    entriesPerSecond: ExactInteger.nullable(),
  }),
  topDirectoriesBySize: z.array(DirectoryRow),
  topDirectoriesByFiles: z.array(DirectoryRow),
  topLevels: z.array(TopLevelRow),
  /**
   * Every directory holding at least 0.1% of the walk's apparent bytes or of its
   * regular files, the root first and each row after its parent's (rows of one parent
   * largest first): what the page's drill-down opens. At most 1 000 directories per
   * depth meet each bound, so 2 000 x the tree's depth rows at most.
   */
  drillDown: z.array(DrillDownRow),
  users: z.array(OwnerRow),
  groups: z.array(OwnerRow),
  coldUsers: z.array(ColdRow),
  coldGroups: z.array(ColdRow),
  /** Every bucket in order (future, < 30 d, 30-90 d, 90 d-1 y, 1-3 y, > 3 y), ages from the walk's start. */
  mtimeAge: z.array(AgeRow),
  /** As mtimeAge; empty in a --compact walk. */
  atimeAge: z.array(AgeRow),
  /** Regular files by extension, largest first; the last row '/other' sums the rest. */
  extensions: z.array(z.object({ extension: z.string(), label: z.string(), ...UsageFields })),
  largestFiles: z.array(LargestFileRow),
  errors: z.object({
    total: Count,
    byCode: z.array(z.object({ code: z.string(), syscall: z.string(), count: Count })),
    /** The first errors in path byte order. */
    samples: z.array(z.object({ ...PathFields, syscall: z.string(), code: z.string() })),
  }),
});
export type ReportJson = z.infer<typeof ReportJson>;
