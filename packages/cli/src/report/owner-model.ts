import type { OwnerDirectoryUsage, OwnerNames, OwnerReport, PerOwnerUsage, Walk } from '@pwalk-ts/reader';
import { ageRows, largestFileRow, shareOf, usage } from './model-parts.js';
import type { OwnerIndexJson, OwnerReportJson } from './owner-schema.js';
import { pathFields } from './schema-parts.js';
import { walkReference } from './walk-reference.js';

/** What the per-owner documents are made of: the reader's figures for every owner of one walk. */
export interface OwnerInputs {
  readonly walk: Walk;
  readonly usage: PerOwnerUsage;
  readonly names: OwnerNames;
  readonly top: number;
  readonly minBytes: bigint;
  readonly generatedAt: Date;
}

function directory(d: OwnerDirectoryUsage) {
  return { ...pathFields(d.path, d.pathBytes), depth: d.depth, ...usage(d), coldBytes: d.coldBytes };
}

/** One owner's JSON document (and the data their page is drawn from). */
export function ownerReportJson(r: OwnerInputs, o: OwnerReport): OwnerReportJson {
  const whole = r.usage.totals;
  return {
    format: 'pwalk-ts-owner-report',
    version: 1,
    generatedAt: r.generatedAt.toISOString(),
    top: r.top,
    walk: walkReference(r.walk),
    owner: { kind: r.usage.by, id: o.id, name: o.name },
    headline: {
      ...usage(o.totals),
      share: shareOf(o.totals.apparentBytes, whole.apparentBytes),
      walkApparentBytes: whole.apparentBytes,
      walkFiles: whole.files,
    },
    largestDirectories: o.largestDirectories.map(directory),
    largestFiles: o.largestFiles.map((f) => largestFileRow(f, r.names)),
    mtimeAge: ageRows(o.byMtimeAge),
    atimeAge: ageRows(o.byAtimeAge),
    cold: { ...usage(o.cold), share: shareOf(o.cold.apparentBytes, o.totals.apparentBytes) },
    coldestDirectories: o.coldestDirectories.map(directory),
  };
}

/** The index of every owner written; `files` gives each owner's file name in DIR without extension. */
export function ownerIndexJson(r: OwnerInputs, files: ReadonlyMap<number, string>): OwnerIndexJson {
  const whole = r.usage.totals;
  return {
    format: 'pwalk-ts-owner-index',
    version: 1,
    generatedAt: r.generatedAt.toISOString(),
    walk: walkReference(r.walk),
    kind: r.usage.by,
    minBytes: r.minBytes,
    totals: usage(whole),
    owners: r.usage.owners.map((o) => ({
      id: o.id,
      name: o.name,
      html: `${files.get(o.id)!}.html`,
      json: `${files.get(o.id)!}.json`,
      ...usage(o.totals),
      share: shareOf(o.totals.apparentBytes, whole.apparentBytes),
      coldBytes: o.cold.apparentBytes,
    })),
    omitted: { owners: r.usage.omitted.owners, ...usage(r.usage.omitted) },
  };
}
