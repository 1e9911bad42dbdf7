import { isoDate } from '../format-date.js';
import { escapeHtml, scriptSafeJson } from './html-escape.js';

/** One cell: `text` is shown, `title` is the exact figure on hover, `sort` the exact key the table sorts on. */
export interface Cell {
  readonly text: string;
  readonly title?: string;
  readonly sort?: string;
  readonly numeric?: boolean;
  /** A link to another page beside this one (a file name relative to it). */
  readonly href?: string;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

/** A headline figure: `metric` names it for scripts and tests (data-metric), `exact` is its tooltip. */
export interface Metric {
  readonly metric: string;
  readonly label: string;
  readonly text: string;
  readonly exact: string;
}

export function metrics(items: readonly Metric[]): string {
  const cards = items.map(
    (m) =>
      `<div class="metric"><div class="metric-label">${escapeHtml(m.label)}</div>` +
      `<div class="metric-value" data-metric="${escapeHtml(m.metric)}" title="${escapeHtml(m.exact)}">${escapeHtml(m.text)}</div></div>`,
  );
  return `<div class="metrics">${cards.join('')}</div>`;
}

export function cell(text: string, title?: string, sort?: string): Cell {
  return { text, title, sort, numeric: sort !== undefined };
}

/** A cell linking to the page `href` beside this one. */
export function linkCell(text: string, href: string, title?: string): Cell {
  return { text, title, href };
}

/** A paragraph holding one link to the page `href` beside this one. */
export function linkLine(text: string, href: string): string {
  return `<p><a href="${escapeHtml(encodeURIComponent(href))}">${escapeHtml(text)}</a></p>`;
}

/** A time's cell: its date, with the exact seconds as title and sort key; '-' when there is none. */
export function dateCell(seconds: number | bigint | null): Cell {
  return seconds === null ? cell('-') : cell(isoDate(seconds), String(seconds), String(seconds));
}

/** A table whose columns sort when their header is clicked (by the cells' exact `sort` keys). */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[], empty = 'none'): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const th = head.map((h, i) => `<th${rows[0]![i]?.numeric === true ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        '<tr>' +
        r
          .map((c) => {
            const attrs =
              (c.numeric === true ? ' class="num"' : '') +
              (c.title === undefined ? '' : ` title="${escapeHtml(c.title)}"`) +
              (c.sort === undefined ? '' : ` data-sort="${escapeHtml(c.sort)}"`);
            const text = escapeHtml(c.text);
            return `<td${attrs}>${c.href === undefined ? text : `<a href="${escapeHtml(encodeURIComponent(c.href))}">${text}</a>`}</td>`;
          })
          .join('') +
        '</tr>',
    )
    .join('');
  return `<table class="sortable"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Two charts side by side on a wide screen, stacked on a narrow one or on paper. */
export function pair(left: string, right: string): string {
  return `<div class="pair"><div>${left}</div><div>${right}</div></div>`;
}

export function subheading(text: string): string {
  return `<h3>${escapeHtml(text)}</h3>`;
}

export function note(text: string): string {
  return `<p class="muted">${escapeHtml(text)}</p>`;
}

const CSS = `
:root{--fg:#1d2330;--muted:#5d6675;--line:#dfe3ea;--bg:#f6f7f9;--card:#fff;--bar:#3f6fb5;--cold:#8c5bb8;--grow:#c0504d;--shrink:#4f9a5b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#22304a;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:0;color:#c9d3e6;word-break:break-all}
main{max-width:1120px;margin:0 auto;padding:16px 20px 40px}
nav{margin:0 0 12px;font-size:13px}
nav a{color:#3f6fb5;margin-right:12px;text-decoration:none}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0;break-inside:avoid}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px;color:var(--muted);font-weight:600}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
.metric{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.metric-label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.metric-value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:820px){.pair{grid-template-columns:1fr}}
svg.chart{width:100%;height:auto;display:block;margin:4px 0 10px}
svg.column{max-width:520px}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg text.value{fill:var(--muted)}
svg text.muted{fill:var(--muted)}
.bar{fill:var(--bar)}.bar.cold{fill:var(--cold)}.bar.grow{fill:var(--grow)}.bar.shrink{fill:var(--shrink)}
.axis{stroke:#999;stroke-width:1}
.tile{stroke:#fff;stroke-width:1.5}.tile.inner{stroke-width:1;opacity:.55}
.grid{stroke:#e6e9ef;stroke-width:1}
.c0{stroke:#3f6fb5;fill:#3f6fb5}.c1{stroke:#e08a2c;fill:#e08a2c}.c2{stroke:#4f9a5b;fill:#4f9a5b}.c3{stroke:#c0504d;fill:#c0504d}.c4{stroke:#8c5bb8;fill:#8c5bb8}.c5{stroke:#2b9aa0;fill:#2b9aa0}.c6{stroke:#b5792f;fill:#b5792f}.c7{stroke:#d46ea8;fill:#d46ea8}.other{stroke:#8a93a3;fill:#8a93a3}
/* after the colours, which set fill too: a line is never filled, a dot is ringed */
.line{fill:none;stroke-width:2}.line.other{stroke-dasharray:5 4}.dot{stroke:#fff;stroke-width:1}
.t0{fill:#3f6fb5}.t1{fill:#e08a2c}.t2{fill:#4f9a5b}.t3{fill:#c0504d}.t4{fill:#8c5bb8}.t5{fill:#2b9aa0}.t6{fill:#b5792f}.t7{fill:#6b7a90}
svg text.tile-label{fill:#fff;font-weight:600}svg text.tile-label.small{font-weight:400;font-size:10px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{word-break:break-all}
th{background:#eef1f5;cursor:pointer;user-select:none;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;word-break:normal}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:12px;margin-top:20px}
@media print{body{background:#fff;font-size:11px}header{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}header p{color:#333}
nav{display:none}main{max-width:none;padding:0}section{border:none;padding:6px 0;margin:8px 0}th{background:#eee}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;

// Sorts a table by a clicked column: exact integer keys compare as BigInt (sizes pass 2^53), others as text.
const SCRIPT = `
(function(){
  function key(td){var s=td.getAttribute('data-sort');return s===null?td.textContent:s;}
  function cmp(a,b){
    if(/^-?\\d+$/.test(a)&&/^-?\\d+$/.test(b)){var x=BigInt(a),y=BigInt(b);return x<y?-1:x>y?1:0;}
    return a.localeCompare(b);
  }
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('th').forEach(function(th,i){
      var desc=true;
      th.addEventListener('click',function(){
        var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        desc=!desc;
        rows.sort(function(r,s){var c=cmp(key(r.cells[i]),key(s.cells[i]));return desc?-c:c;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
`;

/**
 * One self-contained HTML document: inline CSS, a small inline script (table
 * sorting, and the page's own script after it) and the report's JSON in a data element; it loads nothing from the
 * network, so it works opened from disk or attached to an e-mail, and prints.
 */
export function htmlPage(page: {
  title: string;
  subtitle: string;
  sections: readonly Section[];
  json: string;
  footer: string;
  css?: string;
  script?: string;
}): string {
  const nav = page.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections = page.sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.body}</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}${page.css ?? ''}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.subtitle)}</p></header>
<main>
<nav>${nav}</nav>
${sections}
<footer>${escapeHtml(page.footer)}</footer>
</main>
<script type="application/json" id="pwalk-data">${scriptSafeJson(page.json)}</script>
<script>${SCRIPT}${page.script ?? ''}</script>
</body>
</html>
`;
}
