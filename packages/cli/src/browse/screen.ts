import { isoDate } from '../format-date.js';
import { humanBytes, humanCount, shortCount } from '../format-units.js';
import { terminalName } from '../output/terminal-name.js';
import { escapeControls } from '../output/terminal-text.js';
import type { Browser } from './browser.js';
import type { ChildRow } from './index-read.js';
import { directoryBytes, rowBytes, rowEntries, rowFiles, rowNewest } from './rows.js';

/** What the header says of the walk. */
export interface WalkHeader {
  readonly root: Buffer;
  /** When the walk started (ms since 1970), null when its manifest is missing. */
  readonly started: number | null;
  /** 'complete', else what is wrong: 'INCOMPLETE', 'INTERRUPTED', 'FAILED', with ', DAMAGED' when blocks were lost. */
  readonly status: string;
}

const RESET = '\x1b[0m';
const INVERSE = '\x1b[7m';
const BOLD = '\x1b[1m';
/** Only with colour (not under NO_COLOR): directories blue, bars green. */
const DIR_COLOUR = '\x1b[34m';
const BAR_COLOUR = '\x1b[32m';
const BAR_WIDTH = 10;
/** Size, share, bar, files, entries, newest, flag: the columns before the name. */
const FIXED_WIDTH = 9 + 1 + 6 + 1 + (BAR_WIDTH + 2) + 1 + 6 + 1 + 6 + 1 + 10 + 1 + 2;
const SMALLEST = { columns: 40, rows: 8 };

export const HELP_LINES = [
  'up/k down/j PgUp PgDn Home End    move',
  'Enter/l/right    open the directory     Backspace/h/left    up to the parent',
  's c m n   sort by size, count, newest mtime, name (again: reverse)',
  'a         apparent size (st_size) or disk usage (st_blocks x 512)',
  'u         owners of the selected directory: bytes per user below it',
  'i         everything recorded of the selected entry',
  '/         go to a path (absolute, or relative to this directory)',
  'q         quit (Ctrl-C too)',
  '',
  'H  hard-linked: counted once, at its first path in byte order',
  '   ("link" in the share column where it is counted at another path)',
  '@  neither a file nor a directory',
  'Control characters and bytes that are not UTF-8 in names show as \\xNN.',
];

/** Cuts or pads `text` to exactly `width` characters (code points). */
function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '~' : text + ' '.repeat(width - chars.length);
}

function share(part: number | bigint, whole: number | bigint): number {
  const w = Number(whole);
  return w > 0 ? Number(part) / w : 0;
}

function flagOf(row: ChildRow): string {
  if (row.type !== 'dir' && row.nlink !== null && row.nlink > 1) return 'H';
  return row.type === 'file' || row.type === 'dir' ? ' ' : '@';
}

/**
 * The whole screen for the browser's state, as one string of cursor moves and text
 * (every line rewritten, so a resize or a stray byte never leaves debris). Sets the
 * browser's page size and scrolls its list so the selection is in view.
 */
export function renderScreen(b: Browser, header: WalkHeader, columns: number, rows: number, colour: boolean): string {
  const lines: string[] = [];
  const paint = (codes: string, text: string): string => (codes === '' ? text : `${codes}${text}${RESET}`);
  const bar = (text: string): string => paint(INVERSE, fit(text, columns));
  if (columns < SMALLEST.columns || rows < SMALLEST.rows) {
    lines.push(fit(`terminal too small (${columns}x${rows}): pwalk-ts browse needs ${SMALLEST.columns}x${SMALLEST.rows}; q quits`, columns));
    return frame(lines, rows);
  }
  const started = header.started === null ? 'walked at an unknown date' : `walked ${isoDate(Math.floor(header.started / 1000))}`;
  // The status first: a long root is what gets cut.
  lines.push(bar(` pwalk-ts browse  ${header.status}, ${started}  ${terminalName(header.root)}`));
  const list = b.current;
  const kind = b.sizeKind;
  const total = directoryBytes(list.dir, kind);
  lines.push(
    fit(
      ` ${terminalName(b.pathOf(list.dir.key))}  ${humanBytes(total)} ${kind === 'allocated' ? 'disk usage' : 'apparent'}, ` +
        `${humanCount(list.dir.files)} files, ${humanCount(list.dir.entries)} entries`,
      columns,
    ),
  );
  const body = rows - 4;
  b.pageRows = Math.max(1, body - 1);
  if (b.overlay !== null && b.overlay.kind !== 'jump') {
    const title = b.overlay.kind === 'help' ? 'keys' : b.overlay.title;
    const text = b.overlay.kind === 'help' ? HELP_LINES : b.overlay.lines;
    lines.push(paint(BOLD, fit(` ${title} (any key closes)`, columns)));
    for (let i = 0; i < body; i++) lines.push(fit(i < text.length ? ` ${text[i]}` : '', columns));
  } else {
    lines.push(
      paint(
        BOLD,
        fit(
          `${'size'.padStart(9)} ${'share'.padStart(6)} ${'bar'.padEnd(BAR_WIDTH + 2)} ${'files'.padStart(6)} ${'entrs'.padStart(6)} ${'newest'.padEnd(10)}   name`,
          columns,
        ),
      ),
    );
    if (list.selected < list.top) list.top = list.selected;
    if (list.selected >= list.top + body) list.top = list.selected - body + 1;
    list.top = Math.max(0, Math.min(list.top, Math.max(0, list.rows.length - body)));
    const largest = list.rows.reduce<number | bigint>((max, r) => {
      const size = rowBytes(r, kind);
      return size > max ? size : max;
    }, 0);
    for (let i = 0; i < body; i++) {
      const row = list.rows[list.top + i];
      if (row === undefined) {
        lines.push(fit(list.rows.length === 0 && i === 0 ? '   (empty directory)' : '', columns));
        continue;
      }
      const selected = list.top + i === list.selected;
      const bytes = rowBytes(row, kind);
      lines.push(rowLine(row, bytes, share(bytes, largest), share(bytes, total), columns, colour && !selected, selected));
    }
  }
  const order = `sort: ${b.sort}${b.reverse ? ' (reversed)' : ''}  sizes: ${kind === 'allocated' ? 'disk usage' : 'apparent'}`;
  const position = list.rows.length === 0 ? '0/0' : `${list.selected + 1}/${list.rows.length}`;
  if (b.overlay?.kind === 'jump') lines.push(paint(INVERSE, fit(` go to: ${escapeControls(b.overlay.text)}_`, columns)));
  else if (b.message !== null) lines.push(paint(INVERSE, fit(` ${escapeControls(b.message)}`, columns)));
  else lines.push(bar(` ${position}  ${order}  ? help  q quit`));
  return frame(lines, rows);
}

function rowLine(row: ChildRow, bytes: number | bigint, ofLargest: number, ofParent: number, columns: number, colour: boolean, selected: boolean): string {
  // A hard link counted at another path: its size shows, but it is no share of this directory.
  const filled = row.counted ? Math.round(ofLargest * BAR_WIDTH) : 0;
  const barText = '#'.repeat(filled) + ' '.repeat(BAR_WIDTH - filled);
  const newest = rowNewest(row);
  const name = terminalName(row.name) + (row.dir !== undefined ? '/' : '');
  const cells = [
    humanBytes(bytes).padStart(9),
    (row.counted ? `${(ofParent * 100).toFixed(1)}%` : 'link').padStart(6),
    `[${colour ? `${BAR_COLOUR}${barText}${RESET}` : barText}]`,
    shortCount(rowFiles(row)).padStart(6),
    shortCount(rowEntries(row)).padStart(6),
    (Number.isFinite(newest) ? isoDate(newest) : '-').padEnd(10),
    flagOf(row),
  ].join(' ');
  const nameText = fit(name, Math.max(1, columns - FIXED_WIDTH));
  const line = `${cells} ${colour && row.dir !== undefined ? `${DIR_COLOUR}${nameText}${RESET}` : nameText}`;
  return selected ? `${INVERSE}${line}${RESET}` : line;
}

/**
 * Positions every line explicitly, erasing it first. (Erasing after the text would
 * take the last column with it: without autowrap the cursor stays on that column.)
 */
function frame(lines: readonly string[], rows: number): string {
  let out = '';
  for (let r = 0; r < rows; r++) out += `\x1b[${r + 1};1H${RESET}\x1b[2K${lines[r] ?? ''}${RESET}`;
  return out;
}
