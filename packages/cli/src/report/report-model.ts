import type { DirectoryTotal, ErrorSummary, OwnerNames, OwnerUsage, UsageSummary, Walk } from '@pwalk-ts/reader';
import { ageRows, largestFileRow, shareOf, usage } from './model-parts.js';
import type { ReportJson } from './report-schema.js';
import { pathFields } from './schema-parts.js';
import { walkReference } from './walk-reference.js';

/** What one report is made of: the reader SDK's figures for one walk. */
export interface ReportInputs {
  readonly walk: Walk;
  readonly summary: UsageSummary;
  readonly bySize: readonly DirectoryTotal[];
  readonly byFiles: readonly DirectoryTotal[];
  readonly topLevels: readonly { dir: DirectoryTotal; children: readonly DirectoryTotal[] }[];
  readonly drillDown: ReportJson['drillDown'];
  readonly errors: ErrorSummary;
  readonly names: OwnerNames;
  readonly top: number;
  readonly generatedAt: Date;
}

function directory(t: DirectoryTotal) {
  return {
    ...pathFields(t.path, t.pathBytes),
    depth: t.depth,
    entries: t.entries,
    files: t.files,
    dirs: t.dirs,
    apparentBytes: t.apparentBytes,
    allocatedBytes: t.allocatedBytes,
  };
}

function owner(o: OwnerUsage) {
  return {
    id: o.id,
    name: o.label,
    ...usage(o),
    atime: Object.fromEntries(Object.entries(o.atime).map(([bucket, t]) => [bucket, usage(t)])) as Record<keyof OwnerUsage['atime'], ReturnType<typeof usage>>,
  };
}

/** Owners by how much of their data nobody has read for a year or more, most first. */
function cold(owners: readonly OwnerUsage[], top: number) {
  return owners
    .map((o) => {
      const a = o.atime['1to3y'];
      const b = o.atime.gt3y;
      const allocated = a.allocatedBytes === null || b.allocatedBytes === null ? null : a.allocatedBytes + b.allocatedBytes;
      const apparentBytes = a.apparentBytes + b.apparentBytes;
      return {
        id: o.id,
        name: o.label,
        entries: a.entries + b.entries,
        files: a.files + b.files,
        dirs: a.dirs + b.dirs,
        apparentBytes,
        allocatedBytes: allocated,
        share: shareOf(apparentBytes, o.apparentBytes),
      };
    })
    .filter((r) => r.apparentBytes > 0n || r.files > 0)
    .sort((x, y) => (x.apparentBytes > y.apparentBytes ? -1 : x.apparentBytes < y.apparentBytes ? 1 : x.id - y.id))
    .slice(0, top);
}

/** The report's JSON document (the `--json` output, and the data the HTML page is drawn from). */
export function reportJson(r: ReportInputs): ReportJson {
  const s = r.summary;
  const m = r.walk.manifest;
  const durationMs = m === null || m.endTime === null ? null : Math.max(0, Math.round(m.endTime - m.startTime));
  const walked = m?.totals.entries ?? s.totals.entries;
  return {
    format: 'pwalk-ts-report',
    version: 1,
    generatedAt: r.generatedAt.toISOString(),
    top: r.top,
    walk: walkReference(r.walk),
    compact: s.compact,
    headline: {
      ...usage(s.totals),
      errors: r.errors.total,
      durationMs,
      entriesPerSecond: durationMs === null || durationMs === 0 ? null : Math.round((walked * 1000) / durationMs),
    },
    topDirectoriesBySize: r.bySize.map(directory),
    topDirectoriesByFiles: r.byFiles.map(directory),
    topLevels: r.topLevels.map(({ dir, children }) => ({
      ...pathFields(dir.path, dir.pathBytes),
      apparentBytes: dir.apparentBytes,
      files: dir.files,
      children: children.map((c) => ({ ...pathFields(c.path, c.pathBytes), apparentBytes: c.apparentBytes, files: c.files })),
    })),
    drillDown: r.drillDown,
    users: s.byUser.map(owner),
    groups: s.byGroup.map(owner),
    coldUsers: cold(s.byUser, r.top),
    coldGroups: cold(s.byGroup, r.top),
    mtimeAge: ageRows(s.byMtimeAge),
    atimeAge: ageRows(s.byAtimeAge),
    extensions: s.byExtension.map((g) => ({ extension: g.key, label: g.label, ...usage(g) })),
    largestFiles: s.largestFiles.map((f) => largestFileRow(f, r.names)),
    errors: {
      total: r.errors.total,
      byCode: r.errors.byCode.map((c) => ({ code: c.code, syscall: c.syscall, count: c.count })),
      samples: r.errors.samples.map((e) => ({ ...pathFields(e.path, e.pathBytes), syscall: e.syscall, code: e.code })),
    },
  };
}
