import { PurgeRefusedError, UsageError } from './errors.js';

/**
 * Is this a mistake or a condition the user can act on (one line, exit 2) rather
 * than a bug? The reader's and walker's error classes are imported only here, on
 * the way out, so a command that never loads the walker does not load it to start.
 */
export async function isUserError(err: unknown): Promise<boolean> {
  if (err instanceof UsageError || err instanceof PurgeRefusedError) return true;
  if (!(err instanceof Error)) return false;
  const [{ WalkFormatError }, { WalkerError }] = await Promise.all([import('@pwalk-ts/reader'), import('@pwalk-ts/walker')]);
  return err instanceof WalkFormatError || err instanceof WalkerError;
}
