import { isUtf8 } from 'node:buffer';
import { z } from 'zod';

/**
 * An exact integer. The JSON holds every integer as a plain integer of any size; a
 * parser that makes bigints of them passes, and so does JSON.parse below 2^53. Past
 * that, JSON.parse would have rounded it: rejected rather than passed on wrong.
 */
export const ExactInteger = z.union([
  z.bigint(),
  z.number().refine(Number.isSafeInteger, 'not an exact integer (past 2^53 JSON.parse rounds: parse with a bigint-aware JSON parser)'),
]);

/** A count or other integer that cannot be negative. */
export const Count = ExactInteger.refine((v) => v >= 0, 'must not be negative');

/** The document's version number, as a number or a bigint (whichever the parser makes). */
export const Version = z.union([z.literal(1), z.literal(1n)]);

/** Text of a name or path (lossy UTF-8 decoding) and, when the bytes are not UTF-8, the exact bytes in base64. */
export const PathFields = {
  path: z.string(),
  pathBase64: z.string().optional(),
};

/** A row of a largest-files list: path, size, owner (uid, gid, null in a --compact walk; names as on the machine that made the document), mtime. */
export const LargestFileFields = {
  ...PathFields,
  size: ExactInteger,
  uid: ExactInteger.nullable(),
  user: z.string(),
  gid: ExactInteger.nullable(),
  group: z.string(),
  mtime: ExactInteger,
};

/** Counts and sizes of a set of entries; allocatedBytes (st_blocks x 512) is null in a --compact walk. */
export const UsageFields = {
  entries: Count,
  files: Count,
  dirs: Count,
  apparentBytes: ExactInteger,
  allocatedBytes: ExactInteger.nullable(),
};
export const UsageTallyJson = z.object(UsageFields);

export const AgeBucketJson = z.enum(['future', 'lt30d', '30to90d', '90dto1y', '1to3y', 'gt3y']);

/** One age bucket (ages from the walk's start) and what it holds. */
export const AgeRow = z.object({ bucket: AgeBucketJson, label: z.string(), ...UsageFields });

/** A part over a whole, 0 to 1, to six decimals (0 and 1 may read as integers). */
export const Share = z.union([z.number(), z.bigint()]);

/** A largest-files row with its allocated bytes and atime (both null in a --compact walk). */
export const LargestFileRow = z.object({ ...LargestFileFields, allocatedBytes: ExactInteger.nullable(), atime: ExactInteger.nullable() });

/** `{ path, pathBase64? }` for exact name bytes (`pathBase64` only when they are not UTF-8). */
export function pathFields(text: string, bytes: Uint8Array): { path: string; pathBase64?: string } {
  if (isUtf8(bytes)) return { path: text };
  return { path: text, pathBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/** One walk folder a report was made from. */
export const WalkReference = z.object({
  /** The walk folder as given on the command line. */
  walk: z.string(),
  walkId: z.string().nullable(),
  /** The walk's root argument (lossy text) and its exact bytes when they are not UTF-8. */
  root: z.string(),
  rootBase64: z.string().optional(),
  /** 'complete', 'interrupted', 'failed' or 'incomplete' (the walker did not finish). */
  status: z.enum(['complete', 'interrupted', 'failed', 'incomplete']),
  /** Milliseconds since 1970; null without a manifest. */
  startTime: ExactInteger.nullable(),
  endTime: ExactInteger.nullable(),
});

/** Entries, regular files, directories and bytes (sum of st_size) of a set of entries. */
export const Tally = z.object({
  entries: Count,
  files: Count,
  dirs: Count,
  bytes: ExactInteger,
});

/** A group's size and counts in the old and the new walk and the change (new - old). */
export const GrowthFields = {
  oldBytes: ExactInteger,
  newBytes: ExactInteger,
  deltaBytes: ExactInteger,
  oldFiles: Count,
  newFiles: Count,
  deltaFiles: ExactInteger,
  oldEntries: Count,
  newEntries: Count,
};
