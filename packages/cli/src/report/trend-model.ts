import { sumTallies, type OwnerNames, type UsageTally, type Walk, type WalkSummary } from '@pwalk-ts/reader';
import { pathFields } from './schema-parts.js';
import type { TrendJson, TrendPoint } from './trend-schema.js';
import { walkReference } from './walk-reference.js';

/** One walk of the series and its summary. */
export interface TrendWalk {
  readonly walk: Walk;
  readonly summary: WalkSummary;
}

export interface TrendInputs {
  /** Sorted by walk start, oldest first. */
  readonly walks: readonly TrendWalk[];
  readonly names: OwnerNames;
  readonly top: number;
  readonly mixedRoots: boolean;
  readonly generatedAt: Date;
}

/** A row of a summary under the key that follows it from walk to walk. */
interface KeyedTally {
  readonly key: string;
  readonly tally: UsageTally;
}

function point(t: UsageTally, before: UsageTally | null): TrendPoint {
  return {
    entries: t.entries,
    files: t.files,
    dirs: t.dirs,
    bytes: t.apparentBytes,
    allocatedBytes: t.allocatedBytes,
    deltaBytes: before === null ? null : t.apparentBytes - before.apparentBytes,
    deltaFiles: before === null ? null : t.files - before.files,
  };
}

function zero(compact: boolean): UsageTally {
  return { entries: 0, files: 0, dirs: 0, apparentBytes: 0n, allocatedBytes: compact ? null : 0n };
}

/** Each walk's tallies in order, with the change from the one before. */
function points(tallies: readonly UsageTally[]): TrendPoint[] {
  return tallies.map((t, i) => point(t, i === 0 ? null : tallies[i - 1]!));
}

/**
 * The top N series by the latest walk (its rows come largest first) and one series
 * summing the rest in every walk, `rest` added (what belongs to no row); the rest is
 * left out when it is empty in every walk.
 */
function series(
  walks: readonly TrendWalk[],
  rows: (s: WalkSummary) => readonly KeyedTally[],
  top: number,
  rest: (s: WalkSummary) => readonly UsageTally[] = () => [],
): { key: string | null; points: TrendPoint[] }[] {
  const byWalk = walks.map(({ summary }) => new Map(rows(summary).map((r) => [r.key, r.tally])));
  const latest = rows(walks.at(-1)!.summary).filter((r) => r.tally.entries > 0);
  const kept = new Set(latest.slice(0, top).map((r) => r.key));
  const lines: { key: string | null; points: TrendPoint[] }[] = [...kept].map((key) => ({
    key,
    points: points(walks.map(({ summary }, i) => byWalk[i]!.get(key) ?? zero(summary.compact))),
  }));
  const others = walks.map(({ summary }, i) => {
    const outside = [...byWalk[i]!].filter(([key]) => !kept.has(key)).map(([, t]) => t);
    return sumTallies([zero(summary.compact), ...outside, ...rest(summary)]);
  });
  if (others.some((t) => t.entries > 0)) lines.push({ key: null, points: points(others) });
  return lines;
}

/** The trend's JSON document (the `--json` output, and the data the HTML page is drawn from). */
export function trendJson(t: TrendInputs): TrendJson {
  const latest = t.walks.at(-1)!.walk;
  const root = pathFields(latest.root.text, latest.root.bytes);
  const owners = (pick: (s: WalkSummary) => WalkSummary['users'], name: (id: number) => string) =>
    series(t.walks, (s) => pick(s).map((o) => ({ key: String(o.id), tally: o })), t.top).map((line) => ({
      id: line.key === null ? null : Number(line.key),
      name: line.key === null ? '(other)' : name(Number(line.key)),
      other: line.key === null,
      points: line.points,
    }));
  const directories = series(
    t.walks,
    (s) => s.topDirectories.map((d) => ({ key: Buffer.from(d.nameBytes).toString('latin1'), tally: d })),
    t.top,
    (s) => [s.atRoot],
  ).map((line) => {
    if (line.key === null) return { name: '(other)', other: true, points: line.points };
    const bytes = Buffer.from(line.key, 'latin1');
    const name = pathFields(bytes.toString('utf8'), bytes);
    return { name: name.path, ...(name.pathBase64 === undefined ? {} : { nameBase64: name.pathBase64 }), other: false, points: line.points };
  });
  const totals = points(t.walks.map((w) => w.summary.totals));
  return {
    format: 'pwalk-ts-trend',
    version: 1,
    generatedAt: t.generatedAt.toISOString(),
    top: t.top,
    root: root.path,
    ...(root.pathBase64 === undefined ? {} : { rootBase64: root.pathBase64 }),
    mixedRoots: t.mixedRoots,
    walks: t.walks.map((w, i) => ({ ...walkReference(w.walk), totals: totals[i]! })),
    topDirectories: directories,
    users: owners(
      (s) => s.users,
      (id) => t.names.user(id),
    ),
    groups: owners(
      (s) => s.groups,
      (id) => t.names.group(id),
    ),
  };
}
