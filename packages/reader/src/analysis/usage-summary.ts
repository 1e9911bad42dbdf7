import { AGE_BUCKETS, ageBucketIndex, type AgeBucket } from './age-buckets.js';
import { countOption } from './count-option.js';
import { extensionName } from './extension.js';
import type { LargestFile } from './largest-files.js';
import { resolveOwnerNames, type OwnerNames } from './owner-names.js';
import { UsageAccumulator, type OwnerAccumulator, type UsagePart } from './usage-accumulator.js';
import { byBytesDesc, sumTallies, TallyAccumulator, type UsageTally } from './usage-tally.js';
import { frameRowsOfBlock, type EntryBlock } from '../sdk/entry-block.js';
import type { RootPath } from '../sdk/root-path.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** One row of a group-by: a tally with the group's key (stable, for joins) and label (for people). */
export interface UsageGroup extends UsageTally {
  readonly key: string;
  readonly label: string;
}

/** A user's or group's usage: key 'uid:N' or 'gid:N', label the name (or N when it has none). */
export interface OwnerUsage extends UsageGroup {
  readonly id: number;
  /** The same entries by last access time ('cold data': e.g. `atime.gt3y`), every bucket present. */
  readonly atime: Record<AgeBucket, UsageTally>;
}

/** An extension's row: key as in extensionName, plus the exact (ASCII-lower-cased) bytes. */
export interface ExtensionUsage extends UsageGroup {
  readonly bytes: Uint8Array;
}

export interface UsageSummary {
  /** Milliseconds since 1970: the time ages are measured from (the walk's start). */
  readonly walkStart: number;
  /** True for a --compact walk: no owners, atimes, block counts or link counts were recorded. */
  readonly compact: boolean;
  readonly totals: UsageTally;
  /** Largest apparent size first (ties: smaller id first). Empty in a --compact walk. */
  readonly byUser: OwnerUsage[];
  readonly byGroup: OwnerUsage[];
  /** Regular files only; largest apparent size first (ties: key bytes order); key '' is files without an extension. */
  readonly byExtension: ExtensionUsage[];
  /** Every bucket in AGE_BUCKETS order, zeros included; key is the AgeBucket. */
  readonly byMtimeAge: UsageGroup[];
  /** As byMtimeAge; empty in a --compact walk (no atimes recorded). */
  readonly byAtimeAge: UsageGroup[];
  /** Depth 0 (the root) to the deepest; key and label are the depth. */
  readonly byDepth: UsageGroup[];
  /** The largest regular files, largest first, ties in path byte order. */
  readonly largestFiles: LargestFile[];
}

export interface UsageSummaryOptions extends Pick<RecordsOptions, 'onCorrupt'> {
  /** How many of the largest files to keep (default 20). */
  largest?: number;
  /** Owner names (default: resolveOwnerNames(), once per call); NUMERIC_OWNER_NAMES for none. */
  names?: OwnerNames;
  /** The reference time for ages, ms since 1970 (default: the walk's start time; the time of the call when the walk has no manifest). */
  now?: number;
  /** Keep the top N extensions and sum the rest into one row with key '/other' (default: every extension). */
  extensions?: number;
}

/** Row key of the rows beyond a top N, summed: extensions beyond `options.extensions`, owners beyond `usage --top` ('/' is in no extension, owner keys are uid:N or gid:N). */
export const OTHER_EXTENSIONS_KEY = '/other';

/** The row that stands for `rest`, the rows beyond a top N: their sum, keyed OTHER_EXTENSIONS_KEY. */
export function otherRow(rest: readonly UsageGroup[]): UsageGroup {
  return { key: OTHER_EXTENSIONS_KEY, label: `(other: ${rest.length})`, ...sumTallies(rest) };
}

export async function usageSummary(walk: Walk, options: UsageSummaryOptions = {}): Promise<UsageSummary> {
  const acc = new UsageSummaryAccumulator(walk, options);
  for await (const block of walk.entryBlocks({ onCorrupt: options.onCorrupt })) acc.addBlock(block);
  return acc.summary();
}

/** usageSummary fed a block of entries at a time, for a pass that feeds other analyses too (report-summaries.ts). */
export class UsageSummaryAccumulator {
  readonly #acc: UsageAccumulator;
  readonly #names: Promise<OwnerNames>;
  readonly #walkStart: number;
  readonly #extensionRows: number | undefined;
  readonly #root: RootPath;

  constructor(walk: Walk, options: Omit<UsageSummaryOptions, 'onCorrupt'> = {}) {
    const keep = countOption('usageSummary', 'largest', options.largest ?? 20);
    this.#extensionRows = options.extensions === undefined ? undefined : countOption('usageSummary', 'extensions', options.extensions);
    // Names resolve while the records stream.
    this.#names = options.names !== undefined ? Promise.resolve(options.names) : resolveOwnerNames();
    this.#walkStart = options.now ?? walk.manifest?.startTime ?? Date.now();
    this.#acc = new UsageAccumulator(ageBucketIndex(this.#walkStart), keep);
    this.#root = walk.root;
  }

  addBlock(block: EntryBlock): void {
    // Perf: one synchronous loop per block, over its columns when it has them (no entry objects).
    const acc = this.#acc;
    const rows = frameRowsOfBlock(block);
    if (rows !== undefined) acc.addRows(rows);
    else for (const e of block.entries) acc.add(e);
  }

  /** What was counted so far, as data: a part of a pass read by several threads (report-summaries.ts). */
  part(): UsagePart {
    return this.#acc.part();
  }

  /** Adds another thread's part (before summary()). */
  addPart(part: UsagePart): void {
    this.#acc.addPart(part);
  }

  /** The summary; call once, after the last batch. */
  async summary(): Promise<UsageSummary> {
    const acc = this.#acc;
    const compact = acc.compact;
    const largestFiles = acc.finish(this.#root);

    const resolved = await this.#names;
    const ageRows = (tallies: TallyAccumulator[]): UsageGroup[] =>
      AGE_BUCKETS.map(({ bucket, label }, i) => ({ key: bucket, label, ...tallies[i]!.toTally(compact) }));
    const ownerRows = (owners: Map<number, OwnerAccumulator>, prefix: 'uid' | 'gid', name: (id: number) => string): OwnerUsage[] =>
      [...owners]
        .map(([id, owner]) => ({
          key: `${prefix}:${id}`,
          label: name(id),
          id,
          ...owner.tally.toTally(compact),
          atime: Object.fromEntries(AGE_BUCKETS.map(({ bucket }, i) => [bucket, owner.atime[i]!.toTally(compact)])) as Record<AgeBucket, UsageTally>,
        }))
        .sort((a, b) => byBytesDesc(a, b) || a.id - b.id);

    return {
      walkStart: this.#walkStart,
      compact,
      totals: acc.totals.toTally(compact),
      byUser: ownerRows(acc.users, 'uid', (id) => resolved.user(id)),
      byGroup: ownerRows(acc.groups, 'gid', (id) => resolved.group(id)),
      byExtension: extensionRowsOf(acc.extensions, compact, this.#extensionRows),
      byMtimeAge: ageRows(acc.mtimeAges),
      byAtimeAge: compact ? [] : ageRows(acc.atimeAges),
      byDepth: Array.from(acc.depths, (tally, depth) => ({
        key: String(depth),
        label: String(depth),
        ...(tally ?? new TallyAccumulator()).toTally(compact),
      })),
      largestFiles,
    };
  }
}

function extensionRowsOf(extensions: Map<string, TallyAccumulator>, compact: boolean, top: number | undefined): ExtensionUsage[] {
  // An extension whose only file moved to a smaller hard-link name holds nothing: no row.
  const rows = [...extensions]
    .filter(([, tally]) => tally.entries > 0)
    .map(([latin1Key, tally]) => ({ ...extensionName(latin1Key), ...tally.toTally(compact) }))
    .sort((a, b) => byBytesDesc(a, b) || Buffer.compare(a.bytes, b.bytes));
  if (top === undefined || rows.length <= top) return rows;
  return [...rows.slice(0, top), { ...otherRow(rows.slice(top)), bytes: new Uint8Array(0) }];
}
