import { joinMultiHostWalk, WalkerError, WalkerErrorCode } from '@pwalk-ts/walker';
import type { WorkerArgs } from '../command-table/worker.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { startProgress } from '../progress-reporter.js';
import { escapeControls } from '../output/terminal-text.js';

export async function run(args: WorkerArgs, io: CliIo): Promise<number> {
  let joined;
  try {
    joined = await joinMultiHostWalk({
      queue: args.queue,
      threads: args.threads,
      onWaiting: (queue) => {
        if (!args.quiet) io.stderr.write(`pwalk-ts: no walk in progress on ${queue}; waiting for one to start\n`);
      },
    });
  } catch (err) {
    if (err instanceof WalkerError && err.code === WalkerErrorCode.BAD_OPTIONS) throw new UsageError(err.message);
    throw err;
  }
  if (!args.quiet) io.stderr.write(`pwalk-ts: joined walk ${joined.walkId} of ${joined.info.root} -> ${joined.info.out}\n`);
  let signal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => () => {
    if (signal === null) {
      signal = sig;
      if (!args.quiet) io.stderr.write(`\npwalk-ts: ${sig}: committing the directories in progress, then leaving the walk (again to abort)\n`);
      joined.leave();
    } else {
      io.stderr.write(`pwalk-ts: ${sig} again: aborting; the walk redelivers this host's unfinished directories\n`);
      process.exit(sig === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM);
    }
  };
  const off = [io.onSignal('SIGINT', onSignal('SIGINT')), io.onSignal('SIGTERM', onSignal('SIGTERM'))];
  const progress = await startProgress(io, () => joined.progress(), args.quiet);
  const outcome = await joined.result;
  progress.stop();
  for (const f of off) f();
  switch (outcome.ending) {
    case 'complete':
    case 'interrupted':
      if (!args.quiet) io.stderr.write(`pwalk-ts: walk ${joined.walkId} ${outcome.ending === 'complete' ? 'complete' : `interrupted by its seeding host`}\n`);
      return ExitCode.OK;
    case 'left':
      return signal === 'SIGTERM' ? ExitCode.SIGTERM : ExitCode.SIGINT;
    case 'lost':
    case 'failed':
      io.stderr.write(`pwalk-ts: walk failed: ${escapeControls(outcome.message ?? 'unknown reason')}\n`);
      return ExitCode.FATAL;
  }
}
