import { basename, join, resolve } from 'node:path';
import { startMultiHostWalk, startWalk, WalkerError, WalkerErrorCode } from '@pwalk-ts/walker';
import type { WalkArgs } from '../command-table/walk.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { superviseWalk } from '../supervise-walk.js';

export async function run(args: WalkArgs, io: CliIo): Promise<number> {
  const root = args.positionals[0]!;
  const out = resolve(io.cwd, args.out ?? defaultOut(root, new Date()));
  let run;
  try {
    const walkOptions = {
      root,
      out,
      threads: args.threads,
      exclude: args.exclude,
      oneFileSystem: args['one-file-system'],
      snapshots: args.snapshots,
      maxDepth: args['max-depth'] ?? null,
      compact: args.compact,
      engine: args.engine,
    };
    // Perf: a single-host walk never loads the multi-host code (BullMQ, ioredis).
    run = args.queue === undefined ? startWalk(walkOptions) : await startMultiHostWalk(walkOptions, args.queue);
  } catch (err) {
    if (err instanceof WalkerError && err.code === WalkerErrorCode.BAD_OPTIONS) throw new UsageError(err.message);
    throw err;
  }
  return superviseWalk(run, out, args.quiet, io);
}

/** pwalk-NAME-YYYYMMDD-HHMMSS in the current folder, NAME from the root's last component. */
export function defaultOut(root: string, at: Date): string {
  const name = basename(resolve(root)).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return join('.', `pwalk-${name}-${stamp}`);
}
