import type { OwnerNames } from '@pwalk-ts/reader';
import { isoDateTime } from '../format-date.js';
import { humanBytes, humanCount } from '../format-units.js';
import { terminalName } from '../output/terminal-name.js';
import { escapeControls } from '../output/terminal-text.js';
import { rowNewest, type SizeKind } from './rows.js';
import type { BrowseIndex, ChildRow, DirectoryInfo } from './index-read.js';

const TYPE_LETTER: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', fifo: 'p', socket: 's', char: 'c', block: 'b', unknown: '?' };

/** `drwxr-s--T` from the type and st_mode, as ls shows it. */
function modeText(type: string, mode: number): string {
  const bit = (mask: number, letter: string): string => (mode & mask ? letter : '-');
  const special = (exec: number, flag: number, on: string, off: string): string => (mode & flag ? (mode & exec ? on : off) : bit(exec, 'x'));
  return (
    (TYPE_LETTER[type] ?? '?') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's', 'S') +
    bit(0o40, 'r') +
    bit(0o20, 'w') +
    special(0o10, 0o2000, 's', 'S') +
    bit(0o4, 'r') +
    bit(0o2, 'w') +
    special(0o1, 0o1000, 't', 'T')
  );
}

function amountText(bytes: number | bigint): string {
  return `${humanBytes(bytes)} (${humanCount(bytes)} bytes)`;
}

function timeText(seconds: number | null): string {
  return seconds === null || !Number.isFinite(seconds) ? '-' : isoDateTime(seconds);
}

/** The `i` overlay: everything the walk recorded of one entry, and a directory's totals. */
export function entryInfoLines(row: ChildRow, path: Buffer, names: OwnerNames): string[] {
  const lines = [
    `path       ${terminalName(path)}`,
    `type       ${row.type}`,
    `size       ${amountText(row.size)}`,
    `disk usage ${row.allocated === null ? '- (a --compact walk)' : amountText(row.allocated)}`,
    `mode       ${row.mode === null ? '-' : `${modeText(row.type, row.mode)} (${(row.mode & 0o7777).toString(8).padStart(4, '0')})`}`,
    `owner      ${row.uid === null ? '-' : `${escapeControls(names.user(row.uid))} (${row.uid})`}`,
    `group      ${row.gid === null ? '-' : `${escapeControls(names.group(row.gid))} (${row.gid})`}`,
    `links      ${row.nlink ?? '-'}${row.counted ? '' : ' (counted in the totals at another of its paths)'}`,
    `inode      ${row.inode}    device ${row.dev ?? '-'}`,
    `modified   ${timeText(row.mtime)}`,
    `accessed   ${timeText(row.atime)}`,
    `changed    ${timeText(row.ctime)}`,
  ];
  const dir = row.dir;
  if (dir !== undefined) {
    lines.push(
      '',
      `below it   ${humanCount(dir.entries)} entries, ${humanCount(dir.files)} files, ${humanCount(dir.dirs)} directories (itself included)`,
      `           apparent ${amountText(dir.apparent)}`,
      `           disk usage ${dir.allocated === null ? '-' : amountText(dir.allocated)}`,
      `newest     ${timeText(rowNewest(row))}`,
    );
  }
  return lines;
}

/**
 * The `u` overlay: bytes per owner of everything below `dir` (its children, theirs and
 * so on; a hard-linked file once), read from the index's child runs, so it costs one
 * read of that subtree's part of the index, never of the walk. Hard links count where
 * the totals count them, so a link whose counted path is outside adds nothing.
 */
export function ownerLines(index: BrowseIndex, dir: DirectoryInfo, path: Buffer, kind: SizeKind, names: OwnerNames): string[] {
  const owners = new Map<number | null, { bytes: bigint; entries: number }>();
  const stack = [dir];
  while (stack.length > 0) {
    for (const row of index.children(stack.pop()!)) {
      if (row.dir !== undefined) stack.push(row.dir);
      if (!row.counted) continue;
      let tally = owners.get(row.uid);
      if (tally === undefined) owners.set(row.uid, (tally = { bytes: 0n, entries: 0 }));
      tally.bytes += BigInt(kind === 'allocated' && row.allocated !== null ? row.allocated : row.size);
      tally.entries++;
    }
  }
  const total = [...owners.values()].reduce((sum, t) => sum + t.bytes, 0n);
  const lines = [`${terminalName(path)}: ${humanBytes(total)} ${kind === 'allocated' ? 'disk usage' : 'apparent'} below it`, ''];
  const ranked = [...owners.entries()].sort((a, b) => (a[1].bytes > b[1].bytes ? -1 : a[1].bytes < b[1].bytes ? 1 : 0));
  for (const [uid, t] of ranked) {
    const share = total === 0n ? 0 : Number((t.bytes * 1000n) / total) / 10;
    const who = uid === null ? '(unknown: a --compact walk)' : `${escapeControls(names.user(uid))} (${uid})`;
    lines.push(
      `${humanBytes(t.bytes).padStart(10)}  ${`${share.toFixed(1)}%`.padStart(6)}  ${humanCount(t.entries).padStart(11)} ${t.entries === 1 ? 'entry  ' : 'entries'}  ${who}`,
    );
  }
  if (ranked.length === 0) lines.push('(nothing below it)');
  return lines;
}
