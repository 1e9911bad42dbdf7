import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  'dry-run': flag.switch('change nothing: check every candidate on disk and log what would happen'),
  quarantine: flag.text(
    'DIR',
    "move each file into DIR under its path below the root (a link, then\nthe unlink of its name; DIR on the root's filesystem, owned by you,\nwritable by nobody else, made when missing); undone by --restore",
  ),
  delete: flag.switch('unlink each file'),
  log: flag.text(
    'FILE',
    'one JSON line per candidate, appended as it goes (required; a regular\nfile, made 0600 when missing, or your FIFO that something reads)',
  ),
  restore: flag.text('LOG', 'move every file a --quarantine run logged as moved back where it\nwas (a file in its place is never replaced); takes no WALK'),
  'max-files': flag.integer('N', 0, Number.MAX_SAFE_INTEGER, 'stop before more than N files are purged'),
  'max-bytes': flag.bytes('B', 'stop before more than B bytes (e.g. 500GB, 2TiB) are purged'),
  threads: flag.integer('N', 1, 1024, 'filesystem operations in flight (16-64 on NFS, Lustre, GPFS)', 4),
  quiet: flag.switch('no per-owner summary on stdout'),
};

export type PurgeArgs = ParsedArgs<typeof flags>;

/** The one action a purge takes on each candidate that still checks out. */
export type PurgeMode = { kind: 'dry-run' } | { kind: 'quarantine'; dir: string } | { kind: 'delete' };

export function purgeMode(args: PurgeArgs): PurgeMode {
  if (args.quarantine !== undefined) return { kind: 'quarantine', dir: args.quarantine };
  return args.delete ? { kind: 'delete' } : { kind: 'dry-run' };
}

export const purgeDefinition = defineCommand({
  name: 'purge',
  synopsis: 'purge WALK [EXPRESSION] (--dry-run | --quarantine DIR | --delete) --log FILE',
  summary: 'remove (or quarantine) the files a walk selected, each checked again on disk',
  description: `Purges the regular files and symbolic links of a complete walk that EXPRESSION
selects (find's language, as \`pwalk-ts find\` reads it; times count back from the
walk's start; no EXPRESSION selects them all). Directories are never removed. Each
candidate is checked again at action time, relative to its parent directory opened
from the walk's root one component at a time without following symbolic links: the
same device, inode and type, the same size, mtime, ctime and link count as the walk
saw, and the expression still true; a file read, changed, replaced, hard-linked or
gone since the walk is kept, and logged as such. Refused: a walk that is not
complete (or is damaged or --compact), a root that is now another directory or
filesystem; a candidate path that would leave the root fails.
  pwalk-ts purge --restore LOG [--log FILE]   moves a quarantine back.`,
  operands: { min: 0, max: 1, tooFew: 'give one walk folder: pwalk-ts purge WALK --delete --log FILE' },
  rawOperands: true,
  flagsAfterRawOperands: true,
  flags,
  check(args) {
    const modes = [args['dry-run'], args.quarantine !== undefined, args.delete].filter(Boolean).length;
    if (args.restore !== undefined) {
      if (args.positionals.length > 0 || args.rawOperands.length > 0 || modes > 0)
        throw new UsageError('--restore LOG takes no walk and no --dry-run, --quarantine or --delete');
      return;
    }
    if (args.positionals.length === 0) throw new UsageError('give one walk folder: pwalk-ts purge WALK --delete --log FILE');
    if (modes !== 1) throw new UsageError('give exactly one of --dry-run, --quarantine DIR, --delete');
    if (args.log === undefined) throw new UsageError('--log FILE is required: every candidate gets a line in it');
  },
  epilogue: `Exit codes: 0 every candidate purged or kept as checked; 1 some failed (errno in the
log) or --max-files/--max-bytes stopped it; 2 refused or usage error; 130/143 stopped
by SIGINT/SIGTERM between operations (the log holds every operation done). --restore:
1 when a file failed or was kept as changed, or a line of LOG was skipped (not a
purge log line: reported on stderr, the next lines read on).
`,
  load: () => import('../commands/purge.js'),
});
