import type { WalkErrorCode } from '../format/errors.js';
import { WalkFormatError } from '../format/errors.js';

/** A reader worker thread's failure, sent as data: an Error's own fields do not survive postMessage. */
export interface ThreadFailure {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** A problem reading met (Walk.problems) in a worker thread, sent back as data. */
export interface ThreadProblem {
  readonly code: string;
  readonly message: string;
}

export function threadFailure(err: unknown): ThreadFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, code: e instanceof WalkFormatError ? e.code : undefined };
}

/** The Error a worker's failure stands for, with the code callers match on; `what` names the worker in any other error. */
export function threadFailureError(failure: ThreadFailure, what: string): Error {
  if (failure.name === 'WalkFormatError') return new WalkFormatError(failure.code as WalkErrorCode, failure.message);
  if (failure.name === 'RangeError') return new RangeError(failure.message);
  return new Error(`${what}: ${failure.message}`);
}

export function threadProblem(p: WalkFormatError): ThreadProblem {
  return { code: p.code, message: p.message };
}

export function problemFromThread(p: ThreadProblem): WalkFormatError {
  return new WalkFormatError(p.code as WalkErrorCode, p.message);
}
