import { escapeHtml, svgTitle } from './html-escape.js';

/** One bar: `value` sets its length, `text` is what a person reads, `tooltip` the exact figures. */
export interface ChartBar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
  readonly tooltip: string;
  /** A CSS class for its colour: cold data, growth, shrinkage. */
  readonly tone?: 'cold' | 'grow' | 'shrink';
}

const WIDTH = 760;
const LABEL_WIDTH = 270;
const VALUE_WIDTH = 100;
const ROW = 22;
const BAR = 15;

/** Long labels keep their end (the part of a path that names the directory); the tooltip has the whole. */
function shortLabel(label: string, max = 44): string {
  return label.length <= max ? label : `…${label.slice(label.length - max + 1)}`;
}

function barClass(bar: ChartBar): string {
  return bar.tone === undefined ? 'bar' : `bar ${bar.tone}`;
}

function svgOpen(height: number, label: string): string {
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">`;
}

function emptyChart(label: string): string {
  return `${svgOpen(ROW * 2, label)}<text class="muted" x="0" y="${ROW}">nothing to show</text></svg>`;
}

/** Horizontal bars, one per row, scaled to the largest value. */
export function barChart(bars: readonly ChartBar[], label: string): string {
  if (bars.length === 0) return emptyChart(label);
  const max = Math.max(...bars.map((b) => b.value), 1);
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const rows = bars.map((b, i) => {
    const y = i * ROW;
    const w = Math.max(1, (b.value / max) * span);
    return (
      `<g>${svgTitle([b.label, b.tooltip])}` +
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + BAR - 3}" text-anchor="end">${escapeHtml(shortLabel(b.label))}</text>` +
      `<rect class="${barClass(b)}" x="${LABEL_WIDTH}" y="${y + 2}" width="${w.toFixed(1)}" height="${BAR}" rx="2"/>` +
      `<text class="value" x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + BAR - 3}">${escapeHtml(b.text)}</text></g>`
    );
  });
  return `${svgOpen(bars.length * ROW + 4, label)}${rows.join('')}</svg>`;
}

/**
 * Bars that grow right for positive values and left for negative ones, from a
 * middle axis: growth and shrinkage on one scale.
 */
export function divergingBarChart(bars: readonly ChartBar[], label: string): string {
  if (bars.length === 0) return emptyChart(label);
  const max = Math.max(...bars.map((b) => Math.abs(b.value)), 1);
  // Growth only (the usual night) uses the whole width; both ways share it from the middle.
  const both = bars.some((b) => b.value < 0) && bars.some((b) => b.value > 0);
  const onlyShrink = !both && bars.every((b) => b.value <= 0);
  const span = WIDTH - LABEL_WIDTH;
  const axis = both ? LABEL_WIDTH + span / 2 : onlyShrink ? WIDTH - 6 : LABEL_WIDTH;
  const half = both ? span / 2 - VALUE_WIDTH * 0.75 : span - VALUE_WIDTH - 6;
  const rows = bars.map((b, i) => {
    const y = i * ROW;
    const w = Math.max(1, (Math.abs(b.value) / max) * half);
    const x = b.value < 0 ? axis - w : axis;
    const textX = b.value < 0 ? axis - w - 6 : axis + w + 6;
    return (
      `<g>${svgTitle([b.label, b.tooltip])}` +
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + BAR - 3}" text-anchor="end">${escapeHtml(shortLabel(b.label))}</text>` +
      `<rect class="${barClass(b)}" x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${BAR}" rx="2"/>` +
      `<text class="value" x="${textX.toFixed(1)}" y="${y + BAR - 3}" text-anchor="${b.value < 0 ? 'end' : 'start'}">${escapeHtml(b.text)}</text></g>`
    );
  });
  const height = bars.length * ROW + 4;
  return `${svgOpen(height, label)}<line class="axis" x1="${axis}" y1="0" x2="${axis}" y2="${height}"/>${rows.join('')}</svg>`;
}

const COLUMN_HEIGHT = 150;
const COLUMN_WIDTH = 360;

/** Vertical columns with their labels below: a histogram of a few buckets (ages). */
export function columnChart(bars: readonly ChartBar[], label: string): string {
  if (bars.length === 0) return emptyChart(label);
  const max = Math.max(...bars.map((b) => b.value), 1);
  const slot = COLUMN_WIDTH / bars.length;
  const top = 18;
  const cols = bars.map((b, i) => {
    const h = Math.max(b.value > 0 ? 1 : 0, (b.value / max) * COLUMN_HEIGHT);
    const x = i * slot + slot * 0.15;
    const cx = i * slot + slot / 2;
    return (
      `<g>${svgTitle([b.label, b.tooltip])}` +
      `<rect class="${barClass(b)}" x="${x.toFixed(1)}" y="${(top + COLUMN_HEIGHT - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" rx="2"/>` +
      `<text class="value" x="${cx.toFixed(1)}" y="${(top + COLUMN_HEIGHT - h - 4).toFixed(1)}" text-anchor="middle">${escapeHtml(b.text)}</text>` +
      `<text class="label" x="${cx.toFixed(1)}" y="${top + COLUMN_HEIGHT + 16}" text-anchor="middle">${escapeHtml(b.label)}</text></g>`
    );
  });
  return `<svg class="chart column" viewBox="0 0 ${COLUMN_WIDTH} ${top + COLUMN_HEIGHT + 24}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">${cols.join('')}</svg>`;
}

/** One line: a value per point of the x axis (null where it has none), each with its exact figures as tooltip. */
export interface LineSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly tooltips: readonly string[];
  /** The series that sums the rest: drawn grey and dashed. */
  readonly other?: boolean;
}

/** A point of the x axis: where it is (ms since 1970, so uneven gaps show) and its label. */
export interface LinePoint {
  readonly at: number;
  readonly label: string;
}

const LINE_HEIGHT = 240;
const LINE_LEFT = 78;
const LINE_RIGHT = 16;
const LINE_TOP = 10;
const LINE_AXIS = 22;
const LINE_COLOURS = 8;
const LEGEND_ROW = 18;
const MAX_X_LABELS = 8;

/**
 * Lines over time, one per series, on a shared scale from 0: points placed by time,
 * y gridlines labelled by `axisText`, a dot per point whose tooltip is its exact
 * figures, and a legend below.
 */
export function lineChart(x: readonly LinePoint[], series: readonly LineSeries[], label: string, axisText: (value: number) => string): string {
  if (x.length === 0 || series.length === 0) return emptyChart(label);
  const first = x[0]!.at;
  const span = x.at(-1)!.at - first;
  const plotWidth = WIDTH - LINE_LEFT - LINE_RIGHT;
  const px = (at: number) => LINE_LEFT + (span === 0 ? plotWidth / 2 : ((at - first) / span) * plotWidth);
  const max = Math.max(...series.flatMap((s) => s.values), 1);
  const py = (v: number) => LINE_TOP + LINE_HEIGHT - (v / max) * LINE_HEIGHT;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = py(max * f).toFixed(1);
    return `<line class="grid" x1="${LINE_LEFT}" y1="${y}" x2="${WIDTH - LINE_RIGHT}" y2="${y}"/><text class="value" x="${LINE_LEFT - 6}" y="${y}" dy="4" text-anchor="end">${escapeHtml(axisText(max * f))}</text>`;
  });
  const every = Math.ceil(x.length / MAX_X_LABELS);
  // The latest point is always labelled; labels at either edge stay inside the chart.
  const anchor = (at: number) => (span === 0 ? 'middle' : at === first ? 'start' : at === first + span ? 'end' : 'middle');
  const xLabels = x
    .map((p, i) =>
      (x.length - 1 - i) % every === 0
        ? `<text class="label" x="${px(p.at).toFixed(1)}" y="${LINE_TOP + LINE_HEIGHT + 16}" text-anchor="${anchor(p.at)}">${escapeHtml(p.label)}</text>`
        : '',
    )
    .join('');
  const tone = (s: LineSeries, i: number) => (s.other === true ? 'other' : `c${i % LINE_COLOURS}`);
  const lines = series.map((s, i) => {
    const path = s.values.map((v, j) => `${px(x[j]!.at).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    const dots = s.values.map(
      (v, j) =>
        `<circle class="dot ${tone(s, i)}" cx="${px(x[j]!.at).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3.5">${svgTitle([`${s.label}, ${x[j]!.label}`, s.tooltips[j]!])}</circle>`,
    );
    return `<g class="series" data-series="${escapeHtml(s.label)}"><polyline class="line ${tone(s, i)}" points="${path}"/>${dots.join('')}</g>`;
  });
  const legendTop = LINE_TOP + LINE_HEIGHT + LINE_AXIS + 8;
  const perRow = 3;
  const legend = series.map((s, i) => {
    const lx = LINE_LEFT + (i % perRow) * (plotWidth / perRow);
    const ly = legendTop + Math.floor(i / perRow) * LEGEND_ROW;
    return `<g><rect class="swatch ${tone(s, i)}" x="${lx.toFixed(1)}" y="${ly}" width="12" height="12" rx="2"/><text class="label" x="${(lx + 17).toFixed(1)}" y="${ly + 10}">${escapeHtml(shortLabel(s.label, 34))}</text></g>`;
  });
  const height = legendTop + Math.ceil(series.length / perRow) * LEGEND_ROW;
  return `${svgOpen(height, label)}${grid.join('')}${xLabels}${lines.join('')}${legend.join('')}</svg>`;
}
