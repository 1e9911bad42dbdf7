import type { ReadStream, WriteStream } from 'node:tty';
import { decodeKeys, type Key } from './keys.js';

/** The alternate screen, no cursor, no autowrap (a long name is cut at the edge, never wrapped onto the next row). */
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[?7l';
/** Undoes ENTER and any attribute left on. */
const LEAVE = '\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l';

/**
 * The terminal while the browser owns it: raw input, the alternate screen. `restore`
 * gives it back as it was (main screen, cursor, autowrap, cooked input) and is safe to
 * call twice; it also runs on process exit, so even an unexpected error leaves the
 * terminal usable.
 */
export class TerminalSession {
  private active = false;
  private readonly onData = (chunk: string): void => {
    for (const key of decodeKeys(chunk)) this.keyHandler(key);
  };
  private readonly onResize = (): void => this.resizeHandler();
  private readonly onExit = (): void => this.restore();
  private keyHandler: (key: Key) => void = () => undefined;
  private resizeHandler: () => void = () => undefined;

  constructor(
    private readonly input: ReadStream,
    private readonly output: WriteStream,
  ) {}

  get columns(): number {
    return this.output.columns || 80;
  }

  get rows(): number {
    return this.output.rows || 24;
  }

  start(onKey: (key: Key) => void, onResize: () => void): void {
    this.keyHandler = onKey;
    this.resizeHandler = onResize;
    this.active = true;
    process.on('exit', this.onExit);
    this.input.setRawMode(true);
    this.input.setEncoding('utf8');
    this.input.on('data', this.onData);
    this.input.resume();
    this.output.on('resize', this.onResize);
    this.output.write(ENTER);
  }

  draw(frame: string): void {
    if (this.active) this.output.write(frame);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    this.output.write(LEAVE);
    this.output.off('resize', this.onResize);
    this.input.off('data', this.onData);
    this.input.setRawMode(false);
    this.input.pause();
    process.off('exit', this.onExit);
  }
}
