import type { WalkEntry } from '@pwalk-ts/reader';
import { entryToNdjson } from '../output/record-formats.js';
import { escapeTerminalBytes } from '../output/terminal-text.js';
import type { FindAction } from './expression-parser.js';
import type { PrintfSource } from './printf-format.js';

const NEWLINE = Buffer.from('\n');
const NUL = Buffer.from('\0');

/**
 * What `pwalk-ts find` writes for the actions an expression runs: -print and -print0
 * the path's exact bytes, -printf its format, or with --json one ndjson object per
 * entry acted on (as `cat --format ndjson`). Kept in memory until `take()`. On a
 * terminal, -print and -printf show a name's control characters as \xNN (GNU find
 * quotes them there too), so a file name cannot send the terminal an escape sequence;
 * -print0 and --json are for programs and stay exact.
 */
export class FindOutput {
  private parts: Buffer[] = [];
  /** Bytes held since the last take(). */
  size = 0;
  /** Whether an action has run on the entry being evaluated (`startEntry` clears it). */
  acted = false;

  constructor(
    private readonly json: boolean,
    private readonly source: PrintfSource,
    private readonly terminal = false,
  ) {}

  startEntry(): void {
    this.acted = false;
  }

  /** The `ActionSink` of `FindExpression.evaluate`. */
  readonly act = (action: FindAction, entry: WalkEntry): void => {
    if (this.json) {
      if (!this.acted) this.emit(entryToNdjson(entry));
    } else if (action.kind === 'printf') {
      const line = action.format.render(entry, this.source);
      this.emit(this.terminal ? escapeTerminalBytes(line, true) : line);
    } else {
      const path = Buffer.from(entry.pathBytes.buffer, entry.pathBytes.byteOffset, entry.pathBytes.byteLength);
      this.emit(this.terminal && action.kind === 'print' ? escapeTerminalBytes(path, false) : path);
      this.emit(action.kind === 'print' ? NEWLINE : NUL);
    }
    this.acted = true;
  };

  /** Everything held, as one Buffer; the output is empty afterwards. */
  take(): Buffer {
    const chunk = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    return chunk;
  }

  private emit(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
  }
}
