import { prestartWalkerThreads } from '@pwalk-ts/walker/threads';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  threads: flag.integer(
    'N',
    1,
    1024,
    'filesystem calls in flight (default: the core count);\nabove the core count, each worker keeps several in\nflight: use 16-64 on NFS, Lustre or GPFS',
  ),
  out: flag.text('DIR', 'walk folder to create (default: ./pwalk-NAME-YYYYMMDD-HHMMSS)'),
  exclude: flag.list('GLOB', "leave out matching entries; repeatable. A pattern without '/'\nmatches names at any depth, one with '/' the path from ROOT"),
  'one-file-system': flag.switch('do not descend into other filesystems (like find -xdev)'),
  snapshots: flag.negated('leave out .snapshot directories'),
  'max-depth': flag.integer('N', 0, 1_000_000, 'record entries down to depth N (ROOT is depth 0)'),
  compact: flag.switch('record only type, size, mtime, inodes and path'),
  engine: flag.choice(
    ['auto', 'sync', 'async'],
    'auto: threads beyond the cores keep calls in flight only\non network filesystems (NFS, Lustre, GPFS, CIFS, Ceph,\nFUSE, ...); sync or async force the choice',
    'auto',
  ),
  queue: flag.text(
    'URL',
    "walk together with other hosts through the Redis at URL\n(redis://[user:password@]host[:port][/db], or\nrediss://... for TLS): this host seeds ROOT and walks;\nhosts running 'pwalk-ts worker --queue URL' join in.\n--out must be on a filesystem every host sees at the\nsame path. Exit 2 when Redis cannot be reached or is\nlost mid-walk (the walk folder is then marked failed)",
  ),
  quiet: flag.switch('print nothing but errors'),
};

export type WalkArgs = ParsedArgs<typeof flags>;

export const walkDefinition = defineCommand({
  name: 'walk',
  synopsis: '[walk] ROOT [options]',
  summary: 'walk ROOT into a walk folder (see pwalk-ts walk --help)',
  description: 'Walks ROOT with parallel worker threads and writes a walk folder.',
  operands: {
    min: 1,
    max: 1,
    tooFew: 'missing ROOT: pwalk-ts ROOT [options] (see pwalk-ts --help)',
    tooMany: 'one ROOT per walk (got several; quote patterns given to --exclude)',
  },
  flags,
  // Perf: the worker threads load their modules while this thread loads the walker's
  // (bench/RESULTS.md, "Start-up"). A multi-host walk scans in threads of its own.
  begin: (args) => {
    if (args.queue === undefined) prestartWalkerThreads(args.threads);
  },
  load: () => import('../commands/walk.js'),
});
