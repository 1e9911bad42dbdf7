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

const BACKSLASH_X = 0x5c;

/**
 * Bytes of a name (or of a line holding names) for a terminal: C0 controls and DEL,
 * C1 controls whether UTF-8 encoded (0xC2 0x80-0x9F) or raw (a byte 0x80-0x9F that
 * cannot continue a UTF-8 character), each as \xNN, so no escape sequence in a name is
 * obeyed; every other byte passes unchanged. With `keepLineBreaks` a newline and a
 * tab pass too (a -printf format's own), which only lines, never the terminal, obey.
 */
export function escapeTerminalBytes(bytes: Uint8Array, keepLineBreaks: boolean): Buffer {
  const out: number[] = [];
  const hex = (b: number): void => {
    out.push(BACKSLASH_X, 0x78, ...Buffer.from(b.toString(16).padStart(2, '0')));
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b === 0x7f) {
      if (keepLineBreaks && (b === 0x0a || b === 0x09)) out.push(b);
      else hex(b);
    } else if (b === 0xc2 && i + 1 < bytes.length && bytes[i + 1]! >= 0x80 && bytes[i + 1]! <= 0x9f) {
      hex(b);
      hex(bytes[++i]!);
    } else if (b >= 0x80 && b <= 0x9f && (i === 0 || bytes[i - 1]! < 0x80)) hex(b);
    else out.push(b);
  }
  return Buffer.from(out);
}
