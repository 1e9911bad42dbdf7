import { UsageError } from '../errors.js';

/** Refuses --cache-dir with --no-cache (`sql`, `trend`): a folder for a cache that is not used. */
export function checkCacheFlags(args: { cache: boolean; 'cache-dir'?: string }): void {
  if (!args.cache && args['cache-dir'] !== undefined) throw new UsageError('--no-cache and --cache-dir exclude each other');
}
