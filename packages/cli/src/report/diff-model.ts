import { extensionName, type GrowthRow, type OwnerNames, type Walk, type WalkDiff } from '@pwalk-ts/reader';
import type { DiffJson } from './diff-schema.js';
import { largestFileRow } from './model-parts.js';
import { ownerLabel } from './owner-label.js';
import { pathFields } from './schema-parts.js';
import { walkReference } from './walk-reference.js';

function growth<K>(row: GrowthRow<K>) {
  return {
    oldBytes: row.oldBytes,
    newBytes: row.newBytes,
    deltaBytes: row.deltaBytes,
    oldFiles: row.oldFiles,
    newFiles: row.newFiles,
    deltaFiles: row.deltaFiles,
    oldEntries: row.oldEntries,
    newEntries: row.newEntries,
  };
}

function extensionFields(latin1Key: string): { extension: string; label: string } {
  const name = extensionName(latin1Key);
  return { extension: name.key, label: name.label };
}

/** The diff's JSON document (the `--json` output, and the data the HTML page is drawn from). */
export function diffJson(diff: WalkDiff, oldWalk: Walk, newWalk: Walk, names: OwnerNames, top: number, generatedAt: Date): DiffJson {
  const owner = (name: (id: number) => string) => (row: GrowthRow<number | null>) => ({ id: row.key, name: ownerLabel(row.key, name), ...growth(row) });
  const user = owner((id) => names.user(id));
  const group = owner((id) => names.group(id));
  const oldRoot = oldWalk.manifest?.rootAbsolute;
  const newRoot = newWalk.manifest?.rootAbsolute;
  return {
    format: 'pwalk-ts-diff',
    version: 1,
    generatedAt: generatedAt.toISOString(),
    top,
    old: { ...walkReference(oldWalk), totals: diff.old },
    new: { ...walkReference(newWalk), totals: diff.new },
    sameRoot: oldRoot !== undefined && newRoot !== undefined && oldRoot.equals(newRoot),
    netBytes: diff.new.bytes - diff.old.bytes,
    added: diff.added,
    deleted: diff.deleted,
    modified: { ...diff.modified, deltaBytes: diff.modified.newBytes - diff.modified.oldBytes },
    unchanged: diff.unchanged,
    directories: {
      grown: diff.directories.grown.map((d) => ({ ...pathFields(d.path, d.pathBytes), depth: d.depth, ...growth(d) })),
      shrunk: diff.directories.shrunk.map((d) => ({ ...pathFields(d.path, d.pathBytes), depth: d.depth, ...growth(d) })),
    },
    users: { grown: diff.users.grown.map(user), shrunk: diff.users.shrunk.map(user) },
    groups: { grown: diff.groups.grown.map(group), shrunk: diff.groups.shrunk.map(group) },
    extensions: {
      grown: diff.extensions.grown.map((r) => ({ ...extensionFields(r.key), ...growth(r) })),
      shrunk: diff.extensions.shrunk.map((r) => ({ ...extensionFields(r.key), ...growth(r) })),
    },
    largestNew: diff.largestNew.map((f) => {
      // A diff's new files list no allocated size or atime.
      const { allocatedBytes: _allocated, atime: _atime, ...row } = largestFileRow(f, names);
      return row;
    }),
  };
}
