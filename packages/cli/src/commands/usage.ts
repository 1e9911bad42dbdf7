import { otherRow, usageSummary, type OwnerUsage, type UsageGroup, type UsageSummary, type UsageTally } from '@pwalk-ts/reader';
import type { UsageArgs } from '../command-table/usage.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount } from '../format-units.js';
import { writeChunk, type CliIo } from '../io.js';
import { exactJson } from '../output/exact-json.js';
import { escapeControls } from '../output/terminal-text.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

type By = NonNullable<UsageArgs['by']>;

/** The cold part of an owner's data for the table: not read for more than a year. */
function coldBytes(owner: OwnerUsage): bigint {
  return owner.atime['1to3y'].apparentBytes + owner.atime.gt3y.apparentBytes;
}

export async function run(args: UsageArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  // The thread files' headers say --compact: refused before a pass over every entry, not after.
  if (walk.files.some((f) => !f.header.fullAttrs) && (args.by === 'user' || args.by === 'group' || args.by === 'atime')) {
    throw new UsageError(`this walk was made with --compact and has no ${args.by === 'atime' ? 'atimes' : 'owners'}`);
  }
  const summary = await usageSummary(walk, { largest: 0, onCorrupt: 'skip' });
  const all = rowsFor(args.by, summary);
  const rows: UsageGroup[] = args.top !== undefined && all.length > args.top ? [...all.slice(0, args.top), otherRow(all.slice(args.top))] : all;
  const owners = args.by === 'user' || args.by === 'group';
  const text = args.json ? rows.map((r) => jsonRow(r)).join('') : table(args.by, rows, summary.totals, owners);
  await writeChunk(io.stdout, text);
  return reportProblems(walk, io) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}

function rowsFor(by: By, s: UsageSummary): UsageGroup[] {
  switch (by) {
    case 'user':
      return s.byUser;
    case 'group':
      return s.byGroup;
    case 'ext':
      return s.byExtension;
    case 'mtime':
      return s.byMtimeAge;
    case 'atime':
      return s.byAtimeAge;
    case 'depth':
      return s.byDepth;
  }
}

/** The tally's members in a row of --json. */
function tallyFields(t: UsageTally): Record<string, unknown> {
  return { entries: t.entries, files: t.files, dirs: t.dirs, apparentBytes: t.apparentBytes, allocatedBytes: t.allocatedBytes };
}

function jsonRow(r: UsageGroup): string {
  const owner = 'atime' in r ? (r as OwnerUsage) : undefined;
  const atime =
    owner === undefined ? {} : { id: owner.id, atime: Object.fromEntries(Object.entries(owner.atime).map(([bucket, t]) => [bucket, tallyFields(t)])) };
  return exactJson({ key: r.key, label: r.label, ...tallyFields(r), ...atime }) + '\n';
}

function table(by: By, rows: readonly UsageGroup[], totals: UsageTally, owners: boolean): string {
  const header = ['apparent', 'allocated', 'files', 'entries', ...(owners ? ['not read 1 y+'] : []), by];
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(i < 2 ? 10 : 14))).join('  ') + '\n';
  const cells = (t: UsageTally, label: string, cold: bigint | undefined): string[] => [
    humanBytes(t.apparentBytes),
    t.allocatedBytes === null ? '-' : humanBytes(t.allocatedBytes),
    humanCount(t.files),
    humanCount(t.entries),
    ...(owners ? [cold === undefined ? '' : humanBytes(cold)] : []),
    label,
  ];
  return (
    line(header) +
    rows.map((r) => line(cells(r, escapeControls(r.label), 'atime' in r ? coldBytes(r as OwnerUsage) : undefined))).join('') +
    line(cells(totals, 'total', undefined))
  );
}
