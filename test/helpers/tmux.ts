// A real terminal for the full-screen tests: tmux on a server of its own, its socket in
// the test's folder (-S), so the tests never touch anybody's sessions and leave no socket; a pane of a fixed size running a script; its
// screen read with capture-pane. Waits poll the screen for what is expected (no fixed
// sleeps), so a slow, loaded machine only makes a test slower.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const POLL_MS = 50;

/** Why the tmux tests cannot run here, or null. */
export function tmuxSkipReason(): string | null {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'tmux is not installed (apt-get install tmux)';
  }
}

export class TmuxPane {
  private readonly socket: string;

  /**
   * Starts `script` (sh) in a `columns` x `rows` pane with `env` set. The shell then
   * sleeps, so the screen the script left can be read (tmux's remain-on-exit would
   * scroll a line of it away for its 'Pane is dead' line).
   */
  constructor(folder: string, name: string, script: string, columns: number, rows: number, env: Record<string, string> = {}) {
    this.socket = join(folder, `${name}.tmux`);
    const file = join(folder, `${name}.sh`);
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`)
      .join('');
    writeFileSync(file, `${exports}${script}\nexec sleep 3600\n`);
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(columns), '-y', String(rows), `sh ${file}`]);
  }

  tmux(args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', stdio: 'pipe' });
  }

  /** The screen as text, one line per row (without trailing spaces, as capture-pane gives them). */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'main']).replace(/\n$/, '');
  }

  /** The screen with its attributes and colours as escape sequences. */
  screenWithAttributes(): string {
    return this.tmux(['capture-pane', '-p', '-e', '-t', 'main']);
  }

  /** A pane variable: #{alternate_on}, #{cursor_flag}, #{pane_title}... */
  show(format: string): string {
    return this.tmux(['display-message', '-p', '-t', 'main', format]).trimEnd();
  }

  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'main', ...keys]);
  }

  /** Types text as it is (no key names). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'main', '-l', text]);
  }

  resize(columns: number, rows: number): void {
    this.tmux(['resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows)]);
  }

  /** Polls the screen until `test` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(test: (screen: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Waits for a line of the screen to contain `text`. */
  waitForText(text: string, timeoutMs?: number): Promise<string> {
    return this.waitFor((s) => s.includes(text), JSON.stringify(text), timeoutMs);
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }
}
