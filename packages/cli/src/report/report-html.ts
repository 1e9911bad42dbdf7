import { exactBytes, humanBytes, humanCount, humanDuration } from '../format-units.js';
import { exactJson } from '../output/exact-json.js';
import { cell, dateCell, htmlPage, metrics, note, pair, subheading, table, type Cell, type Metric, type Section } from './html-page.js';
import type { ReportJson } from './report-schema.js';
import { barChart, columnChart, type ChartBar } from './svg-charts.js';
import { treemap, type TreemapNode } from './treemap.js';
import { drillDownIndex } from './drill-down.js';
import { DRILL_DOWN_CSS, DRILL_DOWN_SCRIPT, drillDownSection } from './drill-down-page.js';
import { walkLine } from './walk-line.js';

type Bytes = bigint | number;
export type Usage = { entries: Bytes; files: Bytes; dirs: Bytes; apparentBytes: Bytes; allocatedBytes: Bytes | null };

export function usageTooltip(u: Usage): string {
  const allocated = u.allocatedBytes === null ? '' : `, ${exactBytes(u.allocatedBytes)} allocated`;
  return `${exactBytes(u.apparentBytes)}${allocated}; ${humanCount(u.files)} files, ${humanCount(u.dirs)} dirs, ${humanCount(u.entries)} entries`;
}

export function sizeBars<R extends Usage>(rows: readonly R[], label: (r: R) => string, tone?: (r: R) => ChartBar['tone']): ChartBar[] {
  return rows.map((r) => ({ label: label(r), value: Number(r.apparentBytes), text: humanBytes(r.apparentBytes), tooltip: usageTooltip(r), tone: tone?.(r) }));
}

export const USAGE_HEAD = ['size', 'allocated', 'files', 'dirs'];

export function usageCells(u: Usage) {
  return [
    cell(humanBytes(u.apparentBytes), exactBytes(u.apparentBytes), String(u.apparentBytes)),
    u.allocatedBytes === null ? cell('-') : cell(humanBytes(u.allocatedBytes), exactBytes(u.allocatedBytes), String(u.allocatedBytes)),
    cell(humanCount(u.files), undefined, String(u.files)),
    cell(humanCount(u.dirs), undefined, String(u.dirs)),
  ];
}

/** A share (0 to 1) as a percentage, sorted by its exact millionths. */
export function percent(share: number | bigint): string {
  return `${(Number(share) * 100).toFixed(1)}%`;
}

export function shareCell(share: number | bigint): Cell {
  return cell(percent(share), undefined, String(Math.round(Number(share) * 1e6)));
}

export function largestFilesTable(rows: ReportJson['largestFiles']): string {
  return table(
    ['path', 'size', 'allocated', 'user', 'group', 'modified', 'accessed'],
    rows.map((f) => [
      cell(f.path),
      cell(humanBytes(f.size), exactBytes(f.size), String(f.size)),
      f.allocatedBytes === null ? cell('-') : cell(humanBytes(f.allocatedBytes), exactBytes(f.allocatedBytes), String(f.allocatedBytes)),
      cell(f.user),
      cell(f.group),
      dateCell(f.mtime),
      dateCell(f.atime),
    ]),
    'no regular files',
  );
}

const COLD = new Set(['1to3y', 'gt3y']);

export function ageCharts(rows: ReportJson['mtimeAge'], what: string): string {
  const tone = (r: { bucket: string }): ChartBar['tone'] => (COLD.has(r.bucket) ? 'cold' : undefined);
  return pair(
    subheading(`${what}: bytes`) +
      columnChart(
        rows.map((r) => ({ label: r.label, value: Number(r.apparentBytes), text: humanBytes(r.apparentBytes), tooltip: usageTooltip(r), tone: tone(r) })),
        `${what} by bytes`,
      ),
    subheading(`${what}: files`) +
      columnChart(
        rows.map((r) => ({ label: r.label, value: Number(r.files), text: humanCount(r.files), tooltip: usageTooltip(r), tone: tone(r) })),
        `${what} by files`,
      ),
  );
}

/** The headline figures of a set of entries: files, directories, entries, apparent and allocated bytes. */
export function usageMetrics(u: Usage): Metric[] {
  const out: Metric[] = [
    { metric: 'files', label: 'Files', text: humanCount(u.files), exact: `${humanCount(u.files)} regular files` },
    { metric: 'dirs', label: 'Directories', text: humanCount(u.dirs), exact: `${humanCount(u.dirs)} directories` },
    { metric: 'entries', label: 'Entries', text: humanCount(u.entries), exact: `${humanCount(u.entries)} entries of every type` },
    { metric: 'apparentBytes', label: 'Size (apparent)', text: humanBytes(u.apparentBytes), exact: exactBytes(u.apparentBytes) },
  ];
  if (u.allocatedBytes !== null)
    out.push({ metric: 'allocatedBytes', label: 'Allocated', text: humanBytes(u.allocatedBytes), exact: exactBytes(u.allocatedBytes) });
  return out;
}

function headline(r: ReportJson): Metric[] {
  const h = r.headline;
  const out = usageMetrics(h);
  out.push({ metric: 'errors', label: 'Errors', text: humanCount(h.errors), exact: `${humanCount(h.errors)} entries could not be read` });
  if (h.durationMs !== null)
    out.push({ metric: 'durationMs', label: 'Walk took', text: humanDuration(Number(h.durationMs)), exact: `${humanCount(h.durationMs)} ms` });
  if (h.entriesPerSecond !== null) {
    out.push({
      metric: 'entriesPerSecond',
      label: 'Rate',
      text: `${humanCount(h.entriesPerSecond)}/s`,
      exact: `${humanCount(h.entriesPerSecond)} entries per second`,
    });
  }
  return out;
}

function treemapNodes(r: ReportJson): TreemapNode[] {
  const drill = drillDownIndex(r.drillDown);
  return r.topLevels.map((t) => {
    const children: TreemapNode[] = t.children.map((c) => ({
      label: c.path.slice(c.path.lastIndexOf('/') + 1),
      value: Number(c.apparentBytes),
      tooltip: [c.path, `${exactBytes(c.apparentBytes)}; ${humanCount(c.files)} files`],
      dir: drill.get(c.path),
    }));
    const rest = BigInt(t.apparentBytes) - t.children.reduce((s, c) => s + BigInt(c.apparentBytes), 0n);
    // Only beside subdirectories: a directory without any is one plain box.
    if (rest > 0n && children.length > 0) children.push({ label: '(rest)', value: Number(rest), tooltip: [exactBytes(rest)] });
    return {
      label: `${t.path.slice(t.path.lastIndexOf('/') + 1)} ${humanBytes(t.apparentBytes)}`,
      value: Number(t.apparentBytes),
      tooltip: [t.path, `${exactBytes(t.apparentBytes)}; ${humanCount(t.files)} files`],
      children,
      dir: drill.get(t.path),
    };
  });
}

/** The report as a self-contained HTML page, drawn from its JSON document (so both always agree). */
export function reportHtml(r: ReportJson): string {
  const top = Number(r.top);
  const ownerTable = (rows: ReportJson['users'], head: string) =>
    table(
      [head, ...USAGE_HEAD, 'not read 1 y+'],
      rows.slice(0, top).map((o) => {
        const cold = BigInt(o.atime['1to3y'].apparentBytes) + BigInt(o.atime.gt3y.apparentBytes);
        return [cell(o.name, `id ${o.id}`), ...usageCells(o), cell(humanBytes(cold), exactBytes(cold), String(cold))];
      }),
      r.compact ? 'this walk was made with --compact: no owners recorded' : 'none',
    );
  const coldTable = (rows: ReportJson['coldUsers'], head: string) =>
    table(
      [head, 'cold size', 'cold files', 'share of theirs'],
      rows.map((c) => [
        cell(c.name, `id ${c.id}`),
        cell(humanBytes(c.apparentBytes), exactBytes(c.apparentBytes), String(c.apparentBytes)),
        cell(humanCount(c.files), undefined, String(c.files)),
        shareCell(c.share),
      ]),
      r.compact ? 'this walk was made with --compact: no access times recorded' : 'no data unread for a year or more',
    );
  const dirTable = (rows: ReportJson['topDirectoriesBySize']) =>
    table(
      ['directory', ...USAGE_HEAD],
      rows.map((d) => [cell(d.path, `depth ${d.depth}`), ...usageCells(d)]),
    );
  const sections: Section[] = [
    {
      id: 'summary',
      title: 'Summary',
      body: metrics(headline(r)) + note(`Hard-linked files count once. Ages are measured from the walk's start. Hover any figure for its exact value.`),
    },
    {
      id: 'directories',
      title: 'Top directories',
      body:
        subheading('Top levels (area is size; click a box or a row to open it, a name above to go back)') +
        drillDownSection(treemap(treemapNodes(r), 'top-level directories by size')) +
        subheading('By size (everything below each directory)') +
        barChart(
          sizeBars(r.topDirectoriesBySize, (d) => d.path),
          'largest directories',
        ) +
        dirTable(r.topDirectoriesBySize) +
        subheading('By file count') +
        barChart(
          r.topDirectoriesByFiles.map((d) => ({ label: d.path, value: Number(d.files), text: `${humanCount(d.files)} files`, tooltip: usageTooltip(d) })),
          'directories with the most files',
        ) +
        dirTable(r.topDirectoriesByFiles),
    },
    {
      id: 'owners',
      title: 'Usage by owner',
      body:
        subheading('Users') +
        barChart(
          sizeBars(r.users.slice(0, top), (o) => o.name),
          'users by size',
        ) +
        ownerTable(r.users, 'user') +
        subheading('Groups') +
        barChart(
          sizeBars(r.groups.slice(0, top), (o) => o.name),
          'groups by size',
        ) +
        ownerTable(r.groups, 'group'),
    },
    {
      id: 'ages',
      title: 'Age',
      body:
        note('Modification time (mtime) and last access time (atime), by age at the walk. Purple: a year or older.') +
        ageCharts(r.mtimeAge, 'Last modified') +
        (r.atimeAge.length === 0 ? note('This walk was made with --compact: no access times recorded.') : ageCharts(r.atimeAge, 'Last accessed')),
    },
    {
      id: 'cold',
      title: 'Cold data by owner',
      body:
        note('Data nobody has read for a year or more (atime), per owner: candidates for archive.') +
        subheading('Users') +
        barChart(
          sizeBars(
            r.coldUsers,
            (c) => c.name,
            () => 'cold',
          ),
          'cold data by user',
        ) +
        coldTable(r.coldUsers, 'user') +
        subheading('Groups') +
        barChart(
          sizeBars(
            r.coldGroups,
            (c) => c.name,
            () => 'cold',
          ),
          'cold data by group',
        ) +
        coldTable(r.coldGroups, 'group'),
    },
    {
      id: 'extensions',
      title: 'Extensions',
      body:
        barChart(
          sizeBars(r.extensions.slice(0, top), (e) => e.label),
          'extensions by size',
        ) +
        table(
          ['extension', ...USAGE_HEAD],
          r.extensions.map((e) => [cell(e.label), ...usageCells(e)]),
          'no regular files',
        ),
    },
    {
      id: 'largest',
      title: 'Largest files',
      body: largestFilesTable(r.largestFiles),
    },
    {
      id: 'errors',
      title: 'Errors',
      body:
        r.errors.total === 0
          ? note('Every entry was read.')
          : table(
              ['error', 'call', 'count'],
              r.errors.byCode.map((c) => [cell(c.code), cell(c.syscall), cell(humanCount(c.count), undefined, String(c.count))]),
            ) +
            subheading(`First ${r.errors.samples.length} by path`) +
            table(
              ['path', 'call', 'error'],
              r.errors.samples.map((e) => [cell(e.path), cell(e.syscall), cell(e.code)]),
            ),
    },
  ];
  return htmlPage({
    title: `Capacity report: ${r.walk.root}`,
    subtitle: walkLine(r.walk),
    sections,
    json: exactJson(r),
    css: DRILL_DOWN_CSS,
    script: DRILL_DOWN_SCRIPT,
    footer: `pwalk-ts report, ${r.generatedAt}, from walk ${r.walk.walkId ?? r.walk.walk}. Sizes: apparent = sum of st_size; allocated = st_blocks x 512.`,
  });
}
