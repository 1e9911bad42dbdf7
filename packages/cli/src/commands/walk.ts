import { basename, join, resolve } from 'node:path';
import { startMultiHostWalk, startWalk, WalkerError, WalkerErrorCode } from '@pwalk-ts/walker';
import type { WalkArgs } from '../command-table/walk.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount, humanDuration } from '../format-units.js';
import type { CliIo } from '../io.js';
import { startProgress } from '../progress-reporter.js';
import { escapeControls } from '../output/terminal-text.js';

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
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => () => {
    signals++;
    if (signals === 1) {
      if (!args.quiet) io.stderr.write(`\npwalk-ts: ${signal}: finishing the directories in progress (again to abort)\n`);
      run.interrupt(signal);
    } else {
      io.stderr.write(`pwalk-ts: ${signal} again: aborting; ${out} is incomplete\n`);
      process.exit(signal === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM);
    }
  };
  const off = [io.onSignal('SIGINT', onSignal('SIGINT')), io.onSignal('SIGTERM', onSignal('SIGTERM'))];
  const progress = startProgress(io, () => run.progress(), args.quiet);
  const result = await run.result;
  progress.stop();
  for (const f of off) f();

  const t = result.manifest.totals;
  const elapsed = (result.manifest.endTime ?? Date.now()) - result.manifest.startTime;
  const rate = elapsed > 0 ? Math.round((t.entries * 1000) / elapsed) : t.entries;
  if (result.status === 'failed') {
    const folder = result.recorded ? 'is marked failed' : 'could not be marked failed';
    io.stderr.write(`pwalk-ts: walk failed: ${escapeControls(String(result.message))}; ${out} ${folder} (what was written reads with pwalk-ts cat)\n`);
    return ExitCode.FATAL;
  }
  if (!args.quiet || result.status !== 'complete' || result.errors > 0) {
    const summary =
      `${humanCount(t.entries)} entries (${humanCount(t.files)} files, ${humanCount(t.dirs)} dirs, ${humanBytes(t.bytes as bigint)}) ` +
      `in ${humanDuration(elapsed)} (${humanCount(rate)}/s), ${humanCount(result.errors)} errors`;
    const state = result.status === 'interrupted' ? ` [${result.message}]` : '';
    io.stderr.write(`pwalk-ts: ${summary}${state} -> ${out}\n`);
    if (result.errors > 0) io.stderr.write(`pwalk-ts: list them with: pwalk-ts cat ${out} --errors\n`);
  }
  if (result.status === 'interrupted') return result.signal === 'SIGTERM' ? ExitCode.SIGTERM : ExitCode.SIGINT;
  return result.errors > 0 ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}

/** pwalk-NAME-YYYYMMDD-HHMMSS in the current folder, NAME from the root's last component. */
export function defaultOut(root: string, at: Date): string {
  const name = basename(resolve(root)).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return join('.', `pwalk-${name}-${stamp}`);
}
