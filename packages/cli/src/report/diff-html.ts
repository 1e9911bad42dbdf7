import { exactBytes, humanBytes, humanCount, humanSignedBytes, humanSignedCount } from '../format-units.js';
import type { DiffJson } from './diff-schema.js';
import { exactJson } from '../output/exact-json.js';
import { cell, dateCell, htmlPage, metrics, note, pair, subheading, table, type Cell, type Section } from './html-page.js';
import { divergingBarChart, type ChartBar } from './svg-charts.js';
import { walkLine } from './walk-line.js';

interface GrowthLike {
  deltaBytes: bigint | number;
  oldBytes: bigint | number;
  newBytes: bigint | number;
  deltaFiles: number | bigint;
  oldFiles: number | bigint;
  newFiles: number | bigint;
}

function growthTooltip(r: GrowthLike): string {
  return `${exactBytes(r.oldBytes)} -> ${exactBytes(r.newBytes)} (${humanSignedBytes(BigInt(r.deltaBytes))}); files ${humanCount(r.oldFiles)} -> ${humanCount(r.newFiles)}`;
}

function growthBars<R extends GrowthLike>(rows: { grown: R[]; shrunk: R[] }, label: (r: R) => string): ChartBar[] {
  return [...rows.grown, ...[...rows.shrunk].reverse()].map((r) => ({
    label: label(r),
    value: Number(r.deltaBytes),
    text: humanSignedBytes(BigInt(r.deltaBytes)),
    tooltip: growthTooltip(r),
    tone: BigInt(r.deltaBytes) < 0n ? 'shrink' : 'grow',
  }));
}

function growthCells(r: GrowthLike): Cell[] {
  return [
    cell(humanSignedBytes(BigInt(r.deltaBytes)), exactBytes(r.deltaBytes), String(r.deltaBytes)),
    cell(humanBytes(r.oldBytes), exactBytes(r.oldBytes), String(r.oldBytes)),
    cell(humanBytes(r.newBytes), exactBytes(r.newBytes), String(r.newBytes)),
    cell(humanSignedCount(r.deltaFiles), undefined, String(r.deltaFiles)),
    cell(humanCount(r.newFiles), undefined, String(r.newFiles)),
  ];
}

const GROWTH_HEAD = ['change', 'before', 'after', 'files change', 'files after'];

function growthSection<R extends GrowthLike>(
  id: string,
  title: string,
  rows: { grown: R[]; shrunk: R[] },
  nameHead: string,
  name: (r: R) => string,
  explain: string,
  /** Long names (paths) get full-width tables, one above the other. */
  wide = false,
): Section {
  const grown =
    subheading('Grew most') +
    table(
      [nameHead, ...GROWTH_HEAD],
      rows.grown.map((r) => [cell(name(r)), ...growthCells(r)]),
      'nothing grew',
    );
  const shrunk =
    subheading('Shrank most') +
    table(
      [nameHead, ...GROWTH_HEAD],
      rows.shrunk.map((r) => [cell(name(r)), ...growthCells(r)]),
      'nothing shrank',
    );
  const body = note(explain) + divergingBarChart(growthBars(rows, name), `${title}: growth and shrinkage`) + (wide ? grown + shrunk : pair(grown, shrunk));
  return { id, title, body };
}

/** The diff as a self-contained HTML page, drawn from its JSON document (so both always agree). */
export function diffHtml(d: DiffJson): string {
  const tally = (t: { files: number | bigint; bytes: bigint | number }, what: string) => `${humanCount(t.files)} files ${what}, ${humanBytes(t.bytes)}`;
  const summary =
    metrics([
      { metric: 'netBytes', label: 'Net change', text: humanSignedBytes(BigInt(d.netBytes)), exact: exactBytes(d.netBytes) },
      { metric: 'oldBytes', label: 'Before', text: humanBytes(d.old.totals.bytes), exact: exactBytes(d.old.totals.bytes) },
      { metric: 'newBytes', label: 'After', text: humanBytes(d.new.totals.bytes), exact: exactBytes(d.new.totals.bytes) },
      { metric: 'addedFiles', label: 'New files', text: humanCount(d.added.files), exact: tally(d.added, 'new') },
      { metric: 'addedBytes', label: 'New bytes', text: humanBytes(d.added.bytes), exact: exactBytes(d.added.bytes) },
      { metric: 'deletedFiles', label: 'Deleted files', text: humanCount(d.deleted.files), exact: tally(d.deleted, 'deleted') },
      { metric: 'deletedBytes', label: 'Deleted bytes', text: humanBytes(d.deleted.bytes), exact: exactBytes(d.deleted.bytes) },
      { metric: 'modifiedFiles', label: 'Modified files', text: humanCount(d.modified.files), exact: `${humanCount(d.modified.entries)} entries` },
      {
        metric: 'modifiedDeltaBytes',
        label: 'Modified: change',
        text: humanSignedBytes(BigInt(d.modified.deltaBytes)),
        exact: `${exactBytes(d.modified.oldBytes)} -> ${exactBytes(d.modified.newBytes)}`,
      },
      { metric: 'newFilesTotal', label: 'Files after', text: humanCount(d.new.totals.files), exact: `${humanCount(d.old.totals.files)} before` },
    ]) +
    table(
      ['', 'entries', 'files', 'directories', 'bytes'],
      (
        [
          ['new', d.added],
          ['deleted', d.deleted],
          ['unchanged', d.unchanged],
        ] as const
      ).map(([what, t]) => [
        cell(what),
        cell(humanCount(t.entries), undefined, String(t.entries)),
        cell(humanCount(t.files), undefined, String(t.files)),
        cell(humanCount(t.dirs), undefined, String(t.dirs)),
        cell(humanBytes(t.bytes), exactBytes(t.bytes), String(t.bytes)),
      ]),
    ) +
    note(
      'New, deleted and modified compare paths (modified: same path, size or mtime changed; a new hard link is a new file). ' +
        'Totals and growth count space as du does: each hard-linked file once.' +
        (d.sameRoot ? '' : ' The two walks have different roots: this compares two trees.'),
    );
  const sections: Section[] = [
    { id: 'summary', title: 'Summary', body: summary },
    growthSection(
      'directories',
      'Directories',
      d.directories,
      'directory',
      (r) => r.path,
      'Recursive size change of each directory (everything below it), top ' + d.top + ' each way.',
      true,
    ),
    growthSection('users', 'Users', d.users, 'user', (r) => r.name, 'Space by file owner.'),
    growthSection('groups', 'Groups', d.groups, 'group', (r) => r.name, 'Space by group.'),
    growthSection('extensions', 'Extensions', d.extensions, 'extension', (r) => r.label, 'Regular files by extension.'),
    {
      id: 'largest-new',
      title: 'Largest new files',
      body: table(
        ['path', 'size', 'user', 'group', 'modified'],
        d.largestNew.map((f) => [cell(f.path), cell(humanBytes(f.size), exactBytes(f.size), String(f.size)), cell(f.user), cell(f.group), dateCell(f.mtime)]),
        'no new files',
      ),
    },
  ];
  return htmlPage({
    title: `Changes in ${d.new.root}`,
    subtitle: `${walkLine(d.old)}  ->  ${walkLine(d.new)}`,
    sections,
    json: exactJson(d),
    footer: `pwalk-ts diff, ${d.generatedAt}. Sizes are st_size sums (apparent). Hover a figure for its exact value.`,
  });
}
