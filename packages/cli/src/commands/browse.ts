import type { ReadStream, WriteStream } from 'node:tty';
import { resolveOwnerNames, WalkFormatError, type Walk, type WalkErrorCode } from '@pwalk-ts/reader';
import { Browser } from '../browse/browser.js';
import { openBrowseIndex, type OpenedIndex } from '../browse/index-cache.js';
import { renderScreen, type WalkHeader } from '../browse/screen.js';
import { TerminalSession } from '../browse/terminal.js';
import type { BrowseArgs } from '../command-table/browse.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { abortOnSignals } from '../signal-abort.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: BrowseArgs, io: CliIo): Promise<number> {
  const input = process.stdin as ReadStream;
  const output = io.stdout as WriteStream;
  // Checked before anything is read: a cron job or a pipe gets one line, not a screen of escapes.
  if (!input.isTTY || !output.isTTY) throw new UsageError('browse needs a terminal on stdin and stdout (over ssh: ssh -t); for a script, use du, usage or sql');
  const walk = await openWalkForReading(args.positionals[0]!);
  const abort = abortOnSignals(io);
  try {
    let opened: OpenedIndex;
    try {
      opened = await openBrowseIndex(walk, abort.signal, () => io.stderr.write(`pwalk-ts: indexing ${walk.dir} for browse (once per walk)...\n`));
    } catch (err) {
      if (abort.received() === null) throw err;
      io.stderr.write(`pwalk-ts: browse: ${abort.received()}: stopped\n`);
      return abort.exitCode();
    }
    const { index } = opened;
    // A cached index met the walk's damage when it was built: it is the walk's damage still.
    if (!opened.built) for (const p of index.problems) walk.problems.push(new WalkFormatError(p.code as WalkErrorCode, p.message));
    const root = index.directory('');
    if (root === undefined) {
      // Nothing was read: a damaged walk says why (exit 1); a walk with no damage and no record is a fatal error.
      if (!reportProblems(walk, io)) throw new UsageError(`${walk.dir} holds no record to browse`);
      io.stderr.write(`pwalk-ts: ${walk.dir} holds no record to browse\n`);
      return ExitCode.ENTRY_ERRORS;
    }
    const browser = new Browser(index, root, walk.root.bytes, await resolveOwnerNames());
    const header = walkHeader(walk);
    const colour = !process.env['NO_COLOR'];
    const session = new TerminalSession(input, output);
    const code = await new Promise<number>((resolve) => {
      const finish = (exit: number): void => {
        session.restore();
        resolve(exit);
      };
      const redraw = (): void => session.draw(renderScreen(browser, header, session.columns, session.rows, colour));
      browser.onSlowStep = redraw;
      abort.onAbort(() => finish(abort.exitCode()));
      session.start((key) => {
        const outcome = browser.press(key);
        if (outcome === 'quit') finish(ExitCode.OK);
        else if (outcome === 'interrupt') finish(ExitCode.SIGINT);
        else redraw();
      }, redraw);
      redraw();
    });
    index.close();
    const problems = reportProblems(walk, io);
    return code === ExitCode.OK && problems ? ExitCode.ENTRY_ERRORS : code;
  } finally {
    abort.off();
  }
}

function walkHeader(walk: Walk): WalkHeader {
  const damaged = walk.problems.length > 0 ? ', DAMAGED (listed on quitting)' : '';
  return {
    root: walk.root.bytes,
    started: walk.manifest?.startTime ?? null,
    status: walk.status === 'complete' ? `complete${damaged}` : `${walk.status.toUpperCase()}${damaged}`,
  };
}
