import { ExitCode } from './exit-codes.js';
import { commandHelp, toolHelp } from './help-text.js';
import { processIo, type CliIo } from './io.js';
import { escapeControls } from './output/terminal-text.js';
import { toolVersion } from './tool-version.js';
import { isUserError } from './user-error.js';

const EXIT_CODES_HELP = `Exit codes: 0 ok; 1 finished with entry errors (or the walk read is incomplete or
damaged); 2 usage or fatal error; 130/143 interrupted by SIGINT/SIGTERM.
`;

/**
 * Runs one command line and returns the exit code. User errors (bad flags, a
 * missing root, a folder that is not a walk) print one line, never a stack trace.
 * A command's code is imported only once its arguments are valid.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write('pwalk-ts: missing ROOT: pwalk-ts ROOT [options] (see pwalk-ts --help)\n');
    return ExitCode.FATAL;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${toolVersion()}\n`);
    return ExitCode.OK;
  }
  // Perf: imported after --version, which so loads no zod (half of its startup).
  const [{ COMMANDS, DEFAULT_COMMAND }, { parseCommand, splitRawOperands }] = await Promise.all([import('./command-table/commands.js'), import('./args.js')]);
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(toolHelp(toolVersion(), COMMANDS, EXIT_CODES_HELP));
    return ExitCode.OK;
  }
  const named = COMMANDS.find((c) => c.name === first);
  const command = named ?? DEFAULT_COMMAND;
  const args = named === undefined ? argv : rest;
  // After `--` everything is an operand: `pwalk-ts --out W -- --help` walks a folder named --help;
  // so is every raw operand: `find W -name --help` looks for that name.
  const { flagsAndOperands } = splitRawOperands(args, command);
  const end = flagsAndOperands.indexOf('--');
  const flags = end === -1 ? flagsAndOperands : flagsAndOperands.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return ExitCode.OK;
  }
  try {
    const parsed = parseCommand(args, command);
    command.begin?.(parsed);
    const commandModule = await command.load();
    return await commandModule.run(parsed, io);
  } catch (err) {
    if (await isUserError(err)) {
      // The message may quote a hostile name or flag: its control characters must not split the one line.
      io.stderr.write(`pwalk-ts: ${escapeControls((err as Error).message)}\n`);
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
