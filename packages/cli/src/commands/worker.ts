import { z } from 'zod';
import { joinMultiHostWalk, WalkerError, WalkerErrorCode } from '@pwalk-ts/walker';
import { integerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { startProgress } from '../progress-reporter.js';

export const WORKER_HELP = `Usage: pwalk-ts worker --queue URL [options]

Joins a multi-host walk: the oldest walk in progress on the Redis at URL (one
started with 'pwalk-ts ROOT --queue URL --out DIR' on another host), or, when
there is none, the next one to start. Walks with this host's threads, writes
this host's thread files into the walk folder (which must be on a filesystem
every host sees at the same path), and exits when the walk ends.

Options:
  --queue URL          redis://[user:password@]host[:port][/db], or rediss://...
                       for TLS (required)
  --threads N          filesystem calls in flight on this host (default: the
                       core count; 16-64 on NFS, Lustre or GPFS)
  --quiet              print nothing but errors

Exit codes: 0 the walk ended (complete, or interrupted by its seeding host);
2 bad usage, Redis unreachable or lost, or the walk failed; 130/143 this host
left on SIGINT/SIGTERM (after committing the directories it was reading; the
walk goes on without it).
`;

const options = {
  queue: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const schema = z.object({
  positionals: z.array(z.string()).max(0, 'worker takes no ROOT: the walk it joins names it'),
  queue: z.string({ message: 'needs the URL of the Redis of the walk to join: pwalk-ts worker --queue redis://HOST:PORT' }),
  threads: integerFlag(1, 1024).optional(),
  quiet: z.boolean().default(false),
});

export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommand(argv, options, schema);
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
  const progress = startProgress(io, () => joined.progress(), args.quiet);
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
      io.stderr.write(`pwalk-ts: walk failed: ${outcome.message ?? 'unknown reason'}\n`);
      return ExitCode.FATAL;
  }
}
