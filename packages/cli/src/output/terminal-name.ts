import { escapeInvalidUtf8 } from '@pwalk-ts/reader';
import { escapeControls } from './terminal-text.js';

/**
 * A name's bytes for a terminal: invalid UTF-8 bytes and control characters as \xNN,
 * so a hostile name shows what it holds and is never obeyed. Apart from
 * terminal-text.ts, which main.ts loads before any command, so --version loads no SDK.
 */
export function terminalName(bytes: Uint8Array): string {
  return escapeControls(escapeInvalidUtf8(bytes));
}
