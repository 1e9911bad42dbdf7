/** A key as the browser acts on it: a printable character, or one of these names. */
export type Key = string;

const SEQUENCES: Record<string, Key> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[5~': 'pageup',
  '\x1b[6~': 'pagedown',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\x08': 'backspace',
  '\x03': 'ctrl-c',
  '\x1b': 'escape',
  '\t': 'tab',
};

/** An escape sequence (CSI or SS3), a lone ESC, or one character. */
// eslint-disable-next-line no-control-regex -- ESC starts the sequences this pattern splits
const TOKEN = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1bO[\s\S]|[\s\S]/gu;

/**
 * The keys in a chunk of terminal input (raw mode, UTF-8). Sequences the browser
 * does not know (function keys, mouse reports) come out as 'unknown', never as the
 * characters inside them, so a stray F5 does not sort by name.
 */
export function decodeKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  for (const [token] of chunk.matchAll(TOKEN)) {
    const named = SEQUENCES[token];
    if (named !== undefined) keys.push(named);
    else if (token.length > 1 && token.startsWith('\x1b')) keys.push('unknown');
    else if (token >= ' ') keys.push(token);
    else keys.push('unknown');
  }
  return keys;
}
