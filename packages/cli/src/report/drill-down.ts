import type { RolledUpDirectories } from '@pwalk-ts/reader';
import type { ReportJson } from './report-schema.js';
import { pathFields } from './schema-parts.js';

/** A directory is in the drill-down when it holds at least 1/1000 of the walk's bytes or of its files. */
const SHARE_DIVISOR = 1000n;

type DrillDownRow = ReportJson['drillDown'][number];

/**
 * The drill-down's rows from every directory's totals: those holding at least 0.1% of
 * the root's apparent bytes or regular files. A directory's totals include its
 * subdirectories', so every ancestor of a row is a row too: the rows are a tree,
 * written root first, then each parent's rows largest first, depth by depth.
 */
export function drillDownRows(directories: RolledUpDirectories): DrillDownRow[] {
  const kept = directories.atLeastShare(SHARE_DIVISOR);
  kept.sort(
    (a, b) =>
      a.depth - b.depth ||
      (a.apparentBytes > b.apparentBytes ? -1 : a.apparentBytes < b.apparentBytes ? 1 : Buffer.compare(a.relativePathBytes, b.relativePathBytes)),
  );
  const index = new Map<string, number>();
  const rows: DrillDownRow[] = [];
  for (const t of kept) {
    const key = Buffer.from(t.relativePathBytes).toString('latin1');
    const slash = key.lastIndexOf('/');
    const parent = t.depth === 0 ? null : index.get(slash < 0 ? '' : key.slice(0, slash));
    // A directory whose parent has no record (a damaged walk) cannot be reached by clicking: left out.
    if (parent === undefined) continue;
    index.set(key, rows.length);
    const nameBytes = t.depth === 0 ? Buffer.from(t.pathBytes) : Buffer.from(t.relativePathBytes).subarray(slash + 1);
    const { path: name, pathBase64 } = pathFields(nameBytes.toString('utf8'), nameBytes);
    rows.push({
      name,
      ...(pathBase64 === undefined ? {} : { nameBase64: pathBase64 }),
      parent,
      entries: t.entries,
      files: t.files,
      dirs: t.dirs,
      apparentBytes: t.apparentBytes,
      allocatedBytes: t.allocatedBytes,
    });
  }
  return rows;
}

/** Each drill-down row's whole path as text (as the JSON's other rows give it), to its index. */
export function drillDownIndex(rows: ReportJson['drillDown']): Map<string, number> {
  const paths: string[] = [];
  const index = new Map<string, number>();
  rows.forEach((row, i) => {
    const parent = row.parent === null ? null : paths[Number(row.parent)]!;
    const path = parent === null ? row.name : parent.endsWith('/') ? parent + row.name : `${parent}/${row.name}`;
    paths.push(path);
    index.set(path, i);
  });
  return index;
}
