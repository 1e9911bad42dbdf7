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
