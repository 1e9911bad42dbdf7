import { WalkFormatError } from '@pwalk-ts/reader';
import { TOOL_VERSION, WalkerError } from '@pwalk-ts/walker';
import { catCommand, CAT_HELP } from './commands/cat.js';
import { diffCommand, DIFF_HELP } from './commands/diff.js';
import { duCommand, DU_HELP } from './commands/du.js';
import { exportCommand, EXPORT_HELP } from './commands/export.js';
import { infoCommand, INFO_HELP } from './commands/info.js';
import { reportCommand, REPORT_HELP } from './commands/report.js';
import { largestCommand, LARGEST_HELP } from './commands/largest.js';
import { sqlCommand, SQL_HELP } from './commands/sql.js';
import { walkCommand, WALK_HELP } from './commands/walk.js';
import { workerCommand, WORKER_HELP } from './commands/worker.js';
import { usageCommand, USAGE_HELP } from './commands/usage.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { escapeControls } from './output/terminal-text.js';

const HELP = `pwalk-ts ${TOOL_VERSION}: parallel filesystem metadata walker

Usage:
  pwalk-ts ROOT [options]          walk ROOT into a walk folder (see pwalk-ts walk --help)
  pwalk-ts info WALK               summary and verification of a walk folder
  pwalk-ts cat WALK [options]      every record, as ndjson or csv
  pwalk-ts du WALK [options]       space below each directory, hard links once
  pwalk-ts worker --queue URL      join a multi-host walk (see pwalk-ts worker --help)
  pwalk-ts usage WALK --by KEY     space by user, group, ext, mtime, atime or depth
  pwalk-ts largest WALK [--top N]  the largest files
  pwalk-ts export WALK -o FILE     every entry to a Parquet file (typed, exact)
  pwalk-ts sql WALK "QUERY"        a SQL query (DuckDB) over the views entries, errors
  pwalk-ts report WALK [options]   capacity report: HTML with charts, JSON
  pwalk-ts diff OLD NEW [options]  what changed between two walks (HTML, JSON)

Exit codes: 0 ok; 1 finished with entry errors (or the walk read is incomplete or
damaged); 2 usage or fatal error; 130/143 interrupted by SIGINT/SIGTERM.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;
const COMMANDS: Record<string, { run: Command; help: string }> = {
  walk: { run: walkCommand, help: WALK_HELP },
  info: { run: infoCommand, help: INFO_HELP },
  cat: { run: catCommand, help: CAT_HELP },
  du: { run: duCommand, help: DU_HELP },
  worker: { run: workerCommand, help: WORKER_HELP },
  usage: { run: usageCommand, help: USAGE_HELP },
  largest: { run: largestCommand, help: LARGEST_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  sql: { run: sqlCommand, help: SQL_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  diff: { run: diffCommand, help: DIFF_HELP },
};

/**
 * Runs one command line and returns the exit code. User errors (bad flags, a
 * missing root, a folder that is not a walk) print one line, never a stack trace.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write('pwalk-ts: missing ROOT: pwalk-ts ROOT [options] (see pwalk-ts --help)\n');
    return ExitCode.FATAL;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${TOOL_VERSION}\n`);
    return ExitCode.OK;
  }
  const named = COMMANDS[first];
  const command = named ?? COMMANDS.walk!;
  const args = named === undefined ? argv : rest;
  // After `--` everything is an operand: `pwalk-ts --out W -- --help` walks a folder named --help.
  const end = args.indexOf('--');
  const flags = end === -1 ? args : args.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) {
    io.stdout.write(command.help);
    return ExitCode.OK;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof WalkerError || err instanceof WalkFormatError) {
      // The message may quote a hostile name or flag: its control characters must not split the one line.
      io.stderr.write(`pwalk-ts: ${escapeControls(err.message)}\n`);
      return ExitCode.FATAL;
    }
    if ((err as NodeJS.ErrnoException | null)?.code === 'EPIPE') return ExitCode.OK;
    throw err;
  }
}

/** The bin's entry: process streams and signals; an unexpected error is a bug and shows its stack. */
export async function main(argv: string[]): Promise<number> {
  const io = processIo();
  // A reader that goes away (`| head`) is not an error: the next writeChunk throws the
  // stream's EPIPE, the command unwinds through its cleanup, and run() returns OK. The
  // listener only keeps the error from being thrown as unhandled.
  process.stdout.on('error', () => undefined);
  try {
    return await run(argv, io);
  } catch (err) {
    io.stderr.write(`pwalk-ts: internal error (please report): ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.FATAL;
  }
}
