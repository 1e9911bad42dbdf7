import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OutputFile, WalkErrorCode, WalkFormatError, walkSummary, type Walk, type WalkSummary } from '@pwalk-ts/reader';
import { makeFolders } from '@pwalk-ts/reader/format';
import { z } from 'zod';
import { defaultCacheDir, walkCacheKey } from './walk-cache.js';

/** Bump when a summary's content changes, so older kept summaries are recomputed. */
const SUMMARY_VERSION = 1;
const FORMAT = 'pwalk-ts-walk-summary';

/** `$XDG_CACHE_HOME/pwalk-ts/summaries`, else `~/.cache/pwalk-ts/summaries`. */
export function defaultSummaryCacheDir(): string {
  return defaultCacheDir('summaries');
}

/** A byte sum as the file keeps it: decimal text, exact at any size (JSON.parse would round past 2^53). */
const Bytes = z
  .string()
  .regex(/^-?\d+$/)
  .transform(BigInt);
const Count = z.number().int().nonnegative();
const StoredTally = z.object({ entries: Count, files: Count, dirs: Count, apparentBytes: Bytes, allocatedBytes: Bytes.nullable() });
const StoredOwner = StoredTally.extend({ id: z.number().int().nonnegative() });

/**
 * A kept summary, checked whole when read: anything else in its place (damaged,
 * another version, another walk's) is not trusted but recomputed.
 */
const SummaryFile = z.object({
  format: z.literal(FORMAT),
  version: z.literal(SUMMARY_VERSION),
  dir: z.string(),
  walkId: z.string().nullable(),
  created: z.string(),
  /** What reading the walk met (skipped corrupt blocks), said again by every command that uses the summary. */
  problems: z.array(z.object({ code: z.enum(Object.values(WalkErrorCode) as [WalkErrorCode, ...WalkErrorCode[]]), message: z.string() })),
  compact: z.boolean(),
  totals: StoredTally,
  users: z.array(StoredOwner),
  groups: z.array(StoredOwner),
  topDirectories: z.array(StoredTally.extend({ nameBase64: z.string() })),
  atRoot: StoredTally,
});

/** A walk's summary and whether it came from the cache. */
export interface KeptSummary {
  readonly summary: WalkSummary;
  readonly cached: boolean;
}

/**
 * The walk's summary from the cache folder, computed (one pass over the walk) and
 * kept there first when it is not. A summary is keyed like the sql cache
 * (walk-cache.ts), so a walk rewritten or extended since is read again; the older
 * summary of the same walk folder is then removed. A summary is written whole
 * (temporary file, rename), so two commands keeping the same walk at once both succeed.
 * On a hit, the problems the first reading met go back into `walk.problems`.
 * `onKeepFailed` hears why a summary could not be kept (a read-only cache): the
 * summary is still returned.
 */
export async function keptSummary(
  walk: Walk,
  cacheDir: string | null,
  options: { signal: AbortSignal; onKeepFailed: (err: Error) => void },
): Promise<KeptSummary> {
  const compute = () => walkSummary(walk, { onCorrupt: 'skip', signal: options.signal });
  if (cacheDir === null) return { summary: await compute(), cached: false };
  const dir = realpathSync(walk.dir);
  const prefix = `${folderTag(dir)}-`;
  const file = join(cacheDir, `${prefix}${walkCacheKey(walk, dir, SUMMARY_VERSION)}.json`);
  const hit = readSummary(file, dir, walk.walkId);
  if (hit !== null) {
    for (const p of hit.problems) walk.problems.push(new WalkFormatError(p.code, p.message));
    return { summary: fromStored(hit), cached: true };
  }
  const summary = await compute();
  try {
    makeFolders(cacheDir);
    const out = new OutputFile(file, true);
    try {
      out.write(Buffer.from(JSON.stringify(toStored(summary, dir, walk)) + '\n'));
      out.commit();
    } catch (err) {
      out.discard();
      throw err;
    }
    removeOtherSummaries(cacheDir, prefix, file);
  } catch (err) {
    options.onKeepFailed(err as Error);
  }
  return { summary, cached: false };
}

/**
 * Removes the summaries of walk folders that are gone (a nightly job deletes its
 * oldest walk each night), so the cache holds one summary per walk folder there is.
 * Never fails the command: the cache may be read-only or shared.
 */
export function forgetRemovedWalks(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(cacheDir, name);
    try {
      const { dir } = JSON.parse(readFileSync(path, 'utf8')) as { dir?: unknown };
      if (typeof dir === 'string' && !existsSync(dir)) rmSync(path, { force: true });
    } catch {
      // unreadable or removed meanwhile: the next run tries again
    }
  }
}

/** Summaries of one walk folder share a name prefix, so a rewritten walk's older one is found without reading any. */
function folderTag(realDir: string): string {
  return createHash('sha256').update(realDir).digest('hex').slice(0, 16);
}

function readSummary(file: string, dir: string, walkId: string | null): z.infer<typeof SummaryFile> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = SummaryFile.safeParse(JSON.parse(text));
    // The key names the walk already; a summary of another walk under its name is still not this walk's.
    return parsed.success && parsed.data.dir === dir && parsed.data.walkId === walkId ? parsed.data : null;
  } catch {
    return null;
  }
}

function removeOtherSummaries(cacheDir: string, prefix: string, keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (name.startsWith(prefix) && name.endsWith('.json') && path !== keep) rmSync(path, { force: true });
  }
}

type StoredTally = z.input<typeof StoredTally>;

function storedTally(t: WalkSummary['totals']): StoredTally {
  return {
    entries: t.entries,
    files: t.files,
    dirs: t.dirs,
    apparentBytes: String(t.apparentBytes),
    allocatedBytes: t.allocatedBytes === null ? null : String(t.allocatedBytes),
  };
}

function toStored(s: WalkSummary, dir: string, walk: Walk): z.input<typeof SummaryFile> {
  return {
    format: FORMAT,
    version: SUMMARY_VERSION,
    dir,
    walkId: walk.walkId,
    created: new Date().toISOString(),
    problems: walk.problems.map((p) => ({ code: p.code, message: p.message })),
    compact: s.compact,
    totals: storedTally(s.totals),
    users: s.users.map((o) => ({ id: o.id, ...storedTally(o) })),
    groups: s.groups.map((o) => ({ id: o.id, ...storedTally(o) })),
    topDirectories: s.topDirectories.map((d) => ({ nameBase64: Buffer.from(d.nameBytes).toString('base64'), ...storedTally(d) })),
    atRoot: storedTally(s.atRoot),
  };
}

function fromStored(f: z.infer<typeof SummaryFile>): WalkSummary {
  return {
    compact: f.compact,
    totals: f.totals,
    users: f.users,
    groups: f.groups,
    topDirectories: f.topDirectories.map(({ nameBase64, ...t }) => ({ nameBytes: Buffer.from(nameBase64, 'base64'), ...t })),
    atRoot: f.atRoot,
  };
}
