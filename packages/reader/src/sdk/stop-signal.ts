import { WalkErrorCode, WalkFormatError } from '../format/errors.js';

/** Reading stops here when the caller's signal fired: the generators' finally blocks then remove what they made. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw stoppedError(signal);
}

/** What reading throws when the caller's signal fired. */
export function stoppedError(signal: AbortSignal): WalkFormatError {
  return new WalkFormatError(WalkErrorCode.ABORTED, 'reading stopped', { cause: signal.reason });
}
