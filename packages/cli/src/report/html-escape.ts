import { escapeControls } from '../output/terminal-text.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML or SVG, in element content or a quoted attribute. File, user and
 * group names are hostile input: a name like `<script>` must show as text, never
 * run. Control characters (a newline in a name) show as \xNN, as on a terminal, so
 * one name stays on one line.
 */
export function escapeHtml(text: string): string {
  return escapeControls(text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!));
}

/**
 * An SVG `<title>` (the tooltip) of several lines. Each line is escaped on its
 * own and the lines are joined by real line ends: a line end inside a name still
 * shows as \x0a, but the tooltip's own line breaks are not escaped with it.
 */
export function svgTitle(lines: readonly string[]): string {
  return `<title>${lines.map(escapeHtml).join('\n')}</title>`;
}

/**
 * JSON text made safe inside a `<script type="application/json">` element: `<`
 * cannot open `</script>` or `<!--`, and U+2028/U+2029 cannot end a line of script.
 * JSON.parse of the element's text gives back the same value.
 */
export function scriptSafeJson(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
