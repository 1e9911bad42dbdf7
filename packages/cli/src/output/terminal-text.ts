/**
 * Text of a name (a path, an extension, an owner) for a line of human output.
 * Names are hostile input: a newline in one would split a table row, an ESC
 * sequence would move the cursor or recolour the terminal. Each control character
 * shows as \xNN (as invalid UTF-8 bytes already do in extension labels), so one
 * name stays on one line and nothing in it is obeyed. Self-contained (no module
 * constant): the report page's script takes it by its source (drill-down-page.ts).
 */
export function escapeControls(text: string): string {
  // C0 controls, DEL and C1 controls: line ends, tabs, and the escape sequences a terminal obeys.
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
