import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** SIGINT and SIGTERM as an AbortSignal, for commands that stop cleanly between steps (export, sql). */
export interface SignalAbort {
  readonly signal: AbortSignal;
  /** The signal received, or null. */
  readonly received: () => NodeJS.Signals | null;
  /** 130 or 143 for the signal received. */
  readonly exitCode: () => number;
  /** Also runs `handler` on a signal (e.g. to interrupt a running query). */
  readonly onAbort: (handler: () => void) => void;
  /** Removes the handlers. */
  readonly off: () => void;
}

export function abortOnSignals(io: CliIo): SignalAbort {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handlers: (() => void)[] = [];
  const on = (signal: NodeJS.Signals) => (): void => {
    if (received !== null) return;
    received = signal;
    controller.abort(signal);
    for (const h of handlers) h();
  };
  const off = [io.onSignal('SIGINT', on('SIGINT')), io.onSignal('SIGTERM', on('SIGTERM'))];
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received === 'SIGTERM' ? ExitCode.SIGTERM : ExitCode.SIGINT),
    onAbort: (handler) => handlers.push(handler),
    off: () => off.forEach((f) => f()),
  };
}

/**
 * Runs a command's reading with SIGINT/SIGTERM as its AbortSignal (for cat and diff,
 * whose path sort spills runs to a temporary folder): after a signal, whatever the
 * reading throws is the stop, said in one line, and the exit code is 130 or 143; the
 * reader's generators have removed their runs on the way out.
 */
export async function stopOnSignals(io: CliIo, command: string, body: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const abort = abortOnSignals(io);
  try {
    return await body(abort.signal);
  } catch (err) {
    if (abort.received() === null) throw err;
    io.stderr.write(`pwalk-ts: ${command}: ${abort.received()}: stopped\n`);
    return abort.exitCode();
  } finally {
    abort.off();
  }
}
