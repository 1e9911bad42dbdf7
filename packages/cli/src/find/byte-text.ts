/**
 * Names and paths are matched as their bytes, as GNU find matches them in the C
 * locale: each byte is one latin1 character of a string, so a JavaScript RegExp sees
 * exactly one character per byte, whatever the bytes are (invalid UTF-8 included).
 */
export function latin1(bytes: Uint8Array, start = 0): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start);
}

/** ASCII letters folded to lower case and nothing else: the C locale's case folding (-iname, -ipath, -iregex). */
export function foldAscii(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

/** A character of a latin1 string as it goes into a RegExp source, escaped as \xNN or \uNNNN. */
export function regexLiteral(char: string): string {
  const code = char.charCodeAt(0);
  return /[A-Za-z0-9_]/.test(char) ? char : code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The C locale's character classes as RegExp set members over bytes. */
export const CHARACTER_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\x09-\\x0d\\x20',
  blank: '\\x09\\x20',
  punct: '\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};
