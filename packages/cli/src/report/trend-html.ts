import { exactBytes, humanBytes, humanCount, humanSignedBytes, humanSignedCount } from '../format-units.js';
import { exactJson } from '../output/exact-json.js';
import { cell, htmlPage, metrics, note, table, type Cell, type Section } from './html-page.js';
import { divergingBarChart, lineChart, type LinePoint, type LineSeries } from './svg-charts.js';
import type { TrendJson, TrendPoint } from './trend-schema.js';
import { walkLine, walkStartText } from './walk-line.js';

/** A point's exact figures, the tooltip of its dot on a chart. */
function pointTooltip(p: TrendPoint): string {
  const change =
    p.deltaBytes === null
      ? 'first walk'
      : `${humanSignedBytes(BigInt(p.deltaBytes))} (${exactBytes(p.deltaBytes)}), ${humanSignedCount(p.deltaFiles!)} files since the walk before`;
  return `${exactBytes(p.bytes)}; ${humanCount(p.files)} files, ${humanCount(p.entries)} entries; ${change}`;
}

function bytesSeries(label: string, points: readonly TrendPoint[], other = false): LineSeries {
  return { label, values: points.map((p) => Number(p.bytes)), tooltips: points.map(pointTooltip), other };
}

function changeCell(delta: number | bigint | null): Cell {
  return delta === null ? cell('-') : cell(humanSignedBytes(BigInt(delta)), exactBytes(delta), String(delta));
}

function bytesCell(bytes: number | bigint): Cell {
  return cell(humanBytes(bytes), exactBytes(bytes), String(bytes));
}

/** A series' latest figures, its change last night and over the whole series. */
function seriesRow(name: string, points: readonly TrendPoint[]): Cell[] {
  const last = points.at(-1)!;
  const whole = BigInt(last.bytes) - BigInt(points[0]!.bytes);
  return [
    cell(name),
    bytesCell(last.bytes),
    changeCell(last.deltaBytes),
    changeCell(points.length > 1 ? whole : null),
    cell(humanCount(last.files), undefined, String(last.files)),
  ];
}

const SERIES_HEAD = ['bytes now', 'last change', 'change over the series', 'files now'];

function seriesSection(
  id: string,
  title: string,
  what: string,
  x: readonly LinePoint[],
  rows: readonly { name: string; other: boolean; points: TrendPoint[] }[],
  explain: string,
): Section {
  const chart = lineChart(
    x,
    rows.map((r) => bytesSeries(r.name, r.points, r.other)),
    `${title}: bytes per walk`,
    (v) => humanBytes(Math.round(v)),
  );
  return {
    id,
    title,
    body:
      note(explain) +
      chart +
      table(
        [what, ...SERIES_HEAD],
        rows.map((r) => seriesRow(r.name, r.points)),
        'no data',
      ),
  };
}

/** The trend as a self-contained HTML page, drawn from its JSON document (so both always agree). */
export function trendHtml(t: TrendJson): string {
  const totals = t.walks.map((w) => w.totals);
  const last = totals.at(-1)!;
  const first = totals[0]!;
  // A walk a night reads best by date; several walks on one day need their times.
  const days = t.walks.map((w) => walkStartText(w.startTime).slice(0, 10));
  const oneADay = new Set(days).size === days.length;
  const x: LinePoint[] = t.walks.map((w, i) => ({ at: Number(w.startTime), label: oneADay ? days[i]! : walkStartText(w.startTime).slice(5, 16) }));
  const whole = BigInt(last.bytes) - BigInt(first.bytes);
  const headline = metrics([
    { metric: 'bytes', label: 'Size now', text: humanBytes(last.bytes), exact: exactBytes(last.bytes) },
    { metric: 'files', label: 'Files now', text: humanCount(last.files), exact: `${humanCount(last.entries)} entries` },
    {
      metric: 'lastDeltaBytes',
      label: 'Last change',
      text: last.deltaBytes === null ? '-' : humanSignedBytes(BigInt(last.deltaBytes)),
      exact: last.deltaBytes === null ? 'one walk' : `${exactBytes(BigInt(last.bytes) - BigInt(last.deltaBytes))} -> ${exactBytes(last.bytes)}`,
    },
    {
      metric: 'seriesDeltaBytes',
      label: 'Change over the series',
      text: humanSignedBytes(whole),
      exact: `${exactBytes(first.bytes)} -> ${exactBytes(last.bytes)}`,
    },
    {
      metric: 'walks',
      label: 'Walks',
      text: humanCount(t.walks.length),
      exact: `${walkStartText(t.walks[0]!.startTime)} to ${walkStartText(t.walks.at(-1)!.startTime)}`,
    },
  ]);
  const totalCharts =
    lineChart(x, [bytesSeries('total bytes', totals)], 'Total bytes per walk', (v) => humanBytes(Math.round(v))) +
    lineChart(x, [{ label: 'files', values: totals.map((p) => p.files as number), tooltips: totals.map(pointTooltip) }], 'Files per walk', (v) =>
      humanCount(Math.round(v)),
    );
  const growth = divergingBarChart(
    t.walks.slice(1).map((w) => ({
      label: walkStartText(w.startTime),
      value: Number(w.totals.deltaBytes),
      text: humanSignedBytes(BigInt(w.totals.deltaBytes!)),
      tooltip: pointTooltip(w.totals),
      tone: BigInt(w.totals.deltaBytes!) < 0n ? 'shrink' : 'grow',
    })),
    'Change between consecutive walks',
  );
  const walksTable = table(
    ['walk started', 'status', 'bytes', 'change', 'files', 'file change', 'entries', 'walk folder'],
    t.walks.map((w) => [
      cell(walkStartText(w.startTime), undefined, String(w.startTime)),
      cell(w.status),
      bytesCell(w.totals.bytes),
      changeCell(w.totals.deltaBytes),
      cell(humanCount(w.totals.files), undefined, String(w.totals.files)),
      w.totals.deltaFiles === null ? cell('-') : cell(humanSignedCount(w.totals.deltaFiles), undefined, String(w.totals.deltaFiles)),
      cell(humanCount(w.totals.entries), undefined, String(w.totals.entries)),
      cell(w.walk),
    ]),
  );
  const sections: Section[] = [
    { id: 'capacity', title: 'Capacity', body: headline + totalCharts },
    { id: 'growth', title: 'Growth per walk', body: note('Change in bytes since the walk before.') + growth },
    seriesSection(
      'directories',
      'Top directories',
      'directory',
      x,
      t.topDirectories,
      `The root's ${t.top} largest directories by the latest walk, each with everything below it; (other) is the rest, the root's own files included.`,
    ),
    seriesSection('users', 'Users', 'user', x, t.users, `The ${t.top} users owning the most bytes in the latest walk; (other) is everyone else.`),
    seriesSection('groups', 'Groups', 'group', x, t.groups, `The ${t.top} groups owning the most bytes in the latest walk; (other) is every other group.`),
    { id: 'walks', title: 'Walks', body: walksTable },
  ];
  return htmlPage({
    title: `Capacity trend of ${t.root}`,
    subtitle: `${humanCount(t.walks.length)} walks: ${walkLine(t.walks[0]!)}  ->  ${walkLine(t.walks.at(-1)!)}${t.mixedRoots ? ' (walks of different roots)' : ''}`,
    sections,
    json: exactJson(t),
    footer: `pwalk-ts trend, ${t.generatedAt}. Sizes are st_size sums (apparent), each hard-linked file once. Hover a point or a figure for its exact value.`,
  });
}
