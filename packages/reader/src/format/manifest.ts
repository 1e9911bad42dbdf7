import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
// Perf: 'msgpackr/pack' is msgpackr without its native string extractor
// (msgpackr-extract, found through detect-libc and node-gyp-build: 10 modules and a
// dlopen, 20-25 ms of a walk's start), which speeds up large messages, not a manifest.
// Its typings re-export from a directory, which TypeScript does not follow under
// NodeNext: the class is typed as msgpackr's own Packr, which it is.
import type { Packr as TypedPackr } from 'msgpackr';
import { Packr as UntypedPackr } from 'msgpackr/pack';
import { z } from 'zod';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FORMAT_VERSION, MANIFEST_FILE, OLDEST_FORMAT_VERSION, THREAD_FILE_PATTERN } from './layout.js';

// int64AsType 'auto' (missing from msgpackr's typings): counts decode as numbers while
// they are safe, as bigints past 2^53.
const packrOptions: Record<string, unknown> = { useRecords: false, int64AsType: 'auto', mapsAsObjects: true };
const Packr = UntypedPackr as typeof TypedPackr;
const packr = new Packr(packrOptions);

/** MessagePack's integers end at 2^64 - 1; a byte total from there on is stored as its decimal digits. */
const U64_END = 1n << 64n;
const exactInteger = z
  .union([z.number().int().nonnegative(), z.bigint().nonnegative(), z.string().regex(/^(0|[1-9][0-9]*)$/, 'not a decimal integer')])
  .transform((v) => BigInt(v));
const count = z.number().int().nonnegative();
const bytes = z.instanceof(Uint8Array).transform((v) => Buffer.from(v));

export const WalkStatus = z.enum(['running', 'complete', 'interrupted', 'failed']);
export type WalkStatus = z.infer<typeof WalkStatus>;

export const ThreadFileSummary = z.object({
  name: z.string().regex(THREAD_FILE_PATTERN, 'not a thread file name'),
  thread: count,
  host: z.string(),
  records: count,
  errors: count,
  blocks: count,
  bytes: count,
});
export type ThreadFileSummary = z.infer<typeof ThreadFileSummary>;

export const WalkTotals = z.object({
  entries: count,
  dirs: count,
  files: count,
  errors: count,
  /** Sum of st_size over every entry. */
  bytes: exactInteger,
});
export type WalkTotals = z.infer<typeof WalkTotals>;

export const WalkOptionsRecord = z.object({
  threads: count,
  compact: z.boolean(),
  exclude: z.array(z.string()),
  oneFileSystem: z.boolean(),
  snapshots: z.boolean(),
  maxDepth: count.nullable(),
  /** The engine the walker chose and why, e.g. 'sync', 'async (nfs)'. */
  engine: z.string().optional(),
});
export type WalkOptionsRecord = z.infer<typeof WalkOptionsRecord>;

/**
 * One run of `pwalk-ts resume` (FORMAT.md 5.2): when it ran, and for each thread file
 * of the runs before it, the directories (relative path bytes) whose records in that
 * file are set aside because this run read those directories again.
 */
export const WalkResume = z.object({
  startTime: z.number(),
  endTime: z.number().nullable(),
  setAside: z.array(z.object({ file: z.string().regex(THREAD_FILE_PATTERN, 'not a thread file name'), dirs: z.array(bytes) })),
});
export type WalkResume = z.infer<typeof WalkResume>;

export const WalkManifest = z.object({
  formatVersion: z.number().int().min(OLDEST_FORMAT_VERSION).max(FORMAT_VERSION),
  walkId: z.string().regex(/^[0-9a-f]{32}$/),
  tool: z.object({ name: z.string(), version: z.string(), node: z.string() }),
  /** The root argument as given, exact bytes. */
  root: bytes,
  /** The root resolved to an absolute path, exact bytes. */
  rootAbsolute: bytes,
  host: z.string(),
  user: z.object({ uid: z.number().int(), name: z.string() }),
  pid: count,
  options: WalkOptionsRecord,
  /** Milliseconds since 1970. */
  startTime: z.number(),
  endTime: z.number().nullable(),
  status: WalkStatus,
  /** Why the walk failed or was interrupted. */
  message: z.string().nullable(),
  files: z.array(ThreadFileSummary),
  totals: WalkTotals,
  /** The walk's resumes, oldest first; absent in a walk never resumed. */
  resumes: z.array(WalkResume).optional(),
});
export type WalkManifest = z.infer<typeof WalkManifest>;
/** What a writer supplies: exact integers may be given as bigint. */
export type WalkManifestInput = z.input<typeof WalkManifest>;

export function newWalkId(): string {
  return randomBytes(16).toString('hex');
}

export interface WriteManifestOptions {
  /**
   * Bytes of padding to store with this manifest, so that the disk space a later,
   * larger manifest needs is already allocated: on a full disk the final manifest
   * then overwrites this one in place. Readers ignore the padding.
   */
  reserveBytes?: number;
}

/**
 * Writes the manifest atomically: a temp file in the same folder, fsync, rename.
 * A reader sees either the previous manifest or this one, never a torn file. When
 * the disk is full, the manifest is written over the previous one in place, into
 * the space that one reserved (see WriteManifestOptions).
 */
export function writeManifest(dir: string, manifest: WalkManifestInput, options: WriteManifestOptions = {}): void {
  const reserve = options.reserveBytes ?? 0;
  const stored = storedForm(manifest);
  const encoded = packr.pack(reserve > 0 ? { ...stored, reserve: Buffer.alloc(reserve) } : stored);
  const final = join(dir, MANIFEST_FILE);
  const temp = `${final}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeDurably(temp, NEW_FILE, encoded);
    renameSync(temp, final);
  } catch (err) {
    rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOSPC' && code !== 'EDQUOT') || !fitsInPlace(final, encoded.length)) throw err;
    writeDurably(final, IN_PLACE, encoded);
  }
}

/** The manifest as stored: a byte total MessagePack has no integer for goes as its decimal digits. */
function storedForm(manifest: WalkManifestInput): WalkManifestInput {
  const bytes = manifest.totals.bytes;
  return typeof bytes !== 'bigint' || bytes < U64_END ? manifest : { ...manifest, totals: { ...manifest.totals, bytes: bytes.toString() } };
}

/** The manifest as it is there: a regular file as large as `length`, never what a symlink in its place names. */
function fitsInPlace(file: string, length: number): boolean {
  try {
    const st = lstatSync(file);
    return st.isFile() && st.size >= length;
  } catch {
    return false;
  }
}

/**
 * The temporary is a name nobody else has (O_EXCL); the manifest rewritten in place on
 * a full disk is opened without following a symlink or waiting on a FIFO, and must be a
 * regular file: whoever owns the walk folder (any empty folder may be given to --out)
 * could otherwise point the name at any file for a root walk to overwrite.
 */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const IN_PLACE = constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function writeDurably(file: string, flags: number, data: Uint8Array): void {
  const fd = openSync(file, flags, 0o644);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EINVAL' });
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    ftruncateSync(fd, data.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a manifest; throws WalkFormatError with a code on any problem. */
export function readManifest(dir: string): WalkManifest {
  const file = join(dir, MANIFEST_FILE);
  let raw: Buffer;
  let regular: boolean;
  try {
    // Non-blocking: a FIFO in the manifest's place would wait for a writer forever.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      regular = fstatSync(fd).isFile();
      raw = regular ? readFileSync(fd) : Buffer.alloc(0);
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot read manifest: ${(cause as Error).message}`, { file, cause });
  }
  if (!regular) throw new WalkFormatError(WalkErrorCode.BAD_MANIFEST, 'manifest is not a regular file', { file });
  let decoded: unknown;
  try {
    decoded = packr.unpack(raw);
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.BAD_MANIFEST, 'manifest is not valid MessagePack', { file, cause });
  }
  const version = (decoded as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new WalkFormatError(WalkErrorCode.UNSUPPORTED_VERSION, `manifest has format version ${version}; this reader knows up to ${FORMAT_VERSION}`, { file });
  }
  const parsed = WalkManifest.safeParse(decoded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(top)'}: ${issue.message}`;
    throw new WalkFormatError(WalkErrorCode.BAD_MANIFEST, `manifest does not match the schema${where}`, {
      file,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
