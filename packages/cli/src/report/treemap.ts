import { escapeHtml, svgTitle } from './html-escape.js';

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A box of the treemap; `children` are drawn inside it (one level deep). */
export interface TreemapNode {
  readonly label: string;
  readonly value: number;
  /** Lines under the label in the tooltip: exact figures, the whole path. */
  readonly tooltip: readonly string[];
  readonly children?: readonly TreemapNode[];
  /** The node's row in the report's drill-down, when it has one: a click opens it there. */
  readonly dir?: number;
}

// worst, squarify and fitLabel are self-contained: the page's drill-down takes them by
// their source (drill-down-page.ts), so it lays out and labels boxes as this file does.

/** The worst aspect ratio of a row of areas laid along a side of length `side` (Bruls, Huizing, van Wijk). */
export function worst(row: readonly number[], side: number): number {
  let sum = 0;
  let max = 0;
  let min = Infinity;
  for (const a of row) {
    sum += a;
    if (a > max) max = a;
    if (a < min) min = a;
  }
  const s2 = sum * sum;
  const w2 = side * side;
  return Math.max((w2 * max) / s2, s2 / (w2 * min));
}

/**
 * Squarified treemap layout: rectangles for `values` (largest first, all > 0)
 * that fill `rect` with areas in proportion and aspect ratios close to 1. Returns
 * one rectangle per value, in the same order.
 */
export function squarify(values: readonly number[], rect: Rect): Rect[] {
  const total = values.reduce((s, v) => s + v, 0);
  if (total <= 0 || rect.w <= 0 || rect.h <= 0) return values.map(() => ({ x: rect.x, y: rect.y, w: 0, h: 0 }));
  const scale = (rect.w * rect.h) / total;
  const areas = values.map((v) => v * scale);
  const out: Rect[] = [];
  let free = { ...rect };
  let row: number[] = [];
  const layRow = (): void => {
    const sum = row.reduce((s, a) => s + a, 0);
    if (free.w >= free.h) {
      const colW = sum / free.h;
      let y = free.y;
      for (const a of row) {
        const h = a / colW;
        out.push({ x: free.x, y, w: colW, h });
        y += h;
      }
      free = { x: free.x + colW, y: free.y, w: free.w - colW, h: free.h };
    } else {
      const rowH = sum / free.w;
      let x = free.x;
      for (const a of row) {
        const w = a / rowH;
        out.push({ x, y: free.y, w, h: rowH });
        x += w;
      }
      free = { x: free.x, y: free.y + rowH, w: free.w, h: free.h - rowH };
    }
    row = [];
  };
  for (const area of areas) {
    const side = Math.min(free.w, free.h);
    if (row.length > 0 && worst([...row, area], side) > worst(row, side)) layRow();
    row.push(area);
  }
  if (row.length > 0) layRow();
  return out;
}

/** The treemap's size and parts, for the page's drill-down too. */
export const TREEMAP_LAYOUT = { width: 760, height: 300, header: 16, palette: 8 } as const;
const WIDTH = TREEMAP_LAYOUT.width;
const HEIGHT = TREEMAP_LAYOUT.height;
const HEADER = TREEMAP_LAYOUT.header;
const PALETTE = TREEMAP_LAYOUT.palette;

/** What of `text` fits as a label in a box `w` wide and `h` high (about 6.4 px a character), or null when no label fits. */
export function fitLabel(w: number, h: number, text: string): string | null {
  if (w < 40 || h < 13) return null;
  const chars = Math.floor((w - 6) / 6.4);
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

function label(r: Rect, text: string, cls: string, y: number): string {
  const shown = fitLabel(r.w, r.h, text);
  if (shown === null) return '';
  return `<text class="${cls}" x="${(r.x + 3).toFixed(1)}" y="${y.toFixed(1)}">${escapeHtml(shown)}</text>`;
}

/** A box's group: a click opens its directory in the drill-down when it has one. */
function group(node: TreemapNode): string {
  return node.dir === undefined ? '<g>' : `<g class="drill" data-dir="${node.dir}">`;
}

/**
 * The top levels of a tree as nested boxes: each node a coloured box with its
 * label, its children laid out inside it below the label. Every box has a tooltip
 * with its exact figures.
 */
export function treemap(nodes: readonly TreemapNode[], ariaLabel: string): string {
  const shown = nodes.filter((n) => n.value > 0).sort((a, b) => b.value - a.value);
  const rects = squarify(
    shown.map((n) => n.value),
    { x: 0, y: 0, w: WIDTH, h: HEIGHT },
  );
  const parts = shown.map((node, i) => {
    const r = rects[i]!;
    const tone = `t${i % PALETTE}`;
    let inner = '';
    const kids = (node.children ?? []).filter((c) => c.value > 0).sort((a, b) => b.value - a.value);
    if (kids.length > 0 && r.w > 24 && r.h > HEADER + 12) {
      const box = { x: r.x + 2, y: r.y + HEADER, w: r.w - 4, h: r.h - HEADER - 2 };
      const kidRects = squarify(
        kids.map((k) => k.value),
        box,
      );
      inner = kids
        .map((k, j) => {
          const kr = kidRects[j]!;
          return (
            `${group(k)}${svgTitle([k.label, ...k.tooltip])}` +
            `<rect class="tile inner ${tone}" x="${kr.x.toFixed(1)}" y="${kr.y.toFixed(1)}" width="${kr.w.toFixed(1)}" height="${kr.h.toFixed(1)}"/>` +
            `${label(kr, k.label, 'tile-label small', kr.y + 11)}</g>`
          );
        })
        .join('');
    }
    return (
      `${group(node)}${svgTitle([node.label, ...node.tooltip])}` +
      `<rect class="tile ${tone}" x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}"/>` +
      `${label(r, node.label, 'tile-label', r.y + 12)}</g>${inner}`
    );
  });
  return `<svg class="chart treemap" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(ariaLabel)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
