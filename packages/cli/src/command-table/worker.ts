import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  queue: flag.text('URL', 'redis://[user:password@]host[:port][/db], or rediss://...\nfor TLS (required)', {
    required: 'needs the URL of the Redis of the walk to join: pwalk-ts worker --queue redis://HOST:PORT',
  }),
  threads: flag.integer('N', 1, 1024, 'filesystem calls in flight on this host (default: the\ncore count; 16-64 on NFS, Lustre or GPFS)'),
  quiet: flag.switch('print nothing but errors'),
};

export type WorkerArgs = ParsedArgs<typeof flags>;

export const workerDefinition = defineCommand({
  name: 'worker',
  synopsis: 'worker --queue URL [options]',
  summary: 'join a multi-host walk (see pwalk-ts worker --help)',
  description:
    "Joins a multi-host walk: the oldest walk in progress on the Redis at URL (one\nstarted with 'pwalk-ts ROOT --queue URL --out DIR' on another host), or, when\nthere is none, the next one to start. Walks with this host's threads, writes\nthis host's thread files into the walk folder (which must be on a filesystem\nevery host sees at the same path), and exits when the walk ends.",
  operands: { min: 0, max: 0, tooFew: 'worker takes no ROOT: the walk it joins names it' },
  flags,
  epilogue:
    'Exit codes: 0 the walk ended (complete, or interrupted by its seeding host);\n2 bad usage, Redis unreachable or lost, or the walk failed; 130/143 this host\nleft on SIGINT/SIGTERM (after committing the directories it was reading; the\nwalk goes on without it).\n',
  load: () => import('../commands/worker.js'),
});
