/** C0 controls, DEL and C1 controls: line ends, tabs, and the escape sequences a terminal obeys. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text of a name (a path, an extension, an owner) for a line of human output.
 * Names are hostile input: a newline in one would split a table row, an ESC
 * sequence would move the cursor or recolour the terminal. Each control character
 * shows as \xNN (as invalid UTF-8 bytes already do in extension labels), so one
 * name stays on one line and nothing in it is obeyed.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
