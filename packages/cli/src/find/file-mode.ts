import { UsageError } from '../errors.js';

const S_IFMT = 0o170000;
const TYPE_LETTERS: ReadonlyMap<number, string> = new Map([
  [0o040000, 'd'],
  [0o120000, 'l'],
  [0o010000, 'p'],
  [0o140000, 's'],
  [0o020000, 'c'],
  [0o060000, 'b'],
  [0o100000, '-'],
]);

/** A mode as `ls -l` and find's %M show it: `drwxr-sr-t`. */
export function modeString(mode: number): string {
  const bit = (mask: number, letter: string): string => (mode & mask ? letter : '-');
  const special = (exec: number, flag: number, set: string): string => (mode & flag ? (mode & exec ? set : set.toUpperCase()) : bit(exec, 'x'));
  return (
    (TYPE_LETTERS.get(mode & S_IFMT) ?? '?') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  );
}

/** The permission bits a -perm MODE stands for: for a directory and for anything else (they differ only with `X`). */
export interface PermissionBits {
  readonly directory: number;
  readonly other: number;
}

/**
 * A -perm mode without its `-` or `/` prefix: octal (up to 07777) or symbolic as
 * chmod(1) writes it (`u=rwx,g+s,o-w`, `a+X`, `g=u`), applied to 0 with no umask, as
 * find does.
 */
export function parsePermissionMode(text: string): PermissionBits {
  const invalid = (): UsageError => new UsageError(`invalid mode '${text}'`);
  if (/^[0-7]+$/.test(text)) {
    const bits = parseInt(text, 8);
    if (bits > 0o7777) throw invalid();
    return { directory: bits, other: bits };
  }
  let directory = 0;
  let other = 0;
  for (const clause of text.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)$/.exec(clause);
    if (m === null) throw invalid();
    const who = whoMask(m[1]!);
    for (const [, op, perms] of m[2]!.matchAll(/([-+=])([rwxXst]*|[ugo])/g)) {
      directory = applyOperation(directory, who, op!, perms!, true);
      other = applyOperation(other, who, op!, perms!, false);
    }
  }
  return { directory, other };
}

/** The bits `u`, `g`, `o` and `a` (or none, meaning all) select, special bits included. */
function whoMask(who: string): number {
  if (who === '' || who.includes('a')) return 0o7777;
  let mask = 0;
  if (who.includes('u')) mask |= 0o4700;
  if (who.includes('g')) mask |= 0o2070;
  if (who.includes('o')) mask |= 0o1007;
  return mask;
}

function applyOperation(mode: number, who: number, op: string, perms: string, directory: boolean): number {
  let bits: number;
  if (perms === 'u' || perms === 'g' || perms === 'o') {
    // Copying another class's bits: `g=u` gives the group what the user has.
    const shift = perms === 'u' ? 6 : perms === 'g' ? 3 : 0;
    const rwx = (mode >> shift) & 7;
    bits = (rwx << 6) | (rwx << 3) | rwx;
  } else {
    bits = 0;
    if (perms.includes('r')) bits |= 0o444;
    if (perms.includes('w')) bits |= 0o222;
    // X: execute for a directory or what already has an execute bit (nothing, from 0).
    if (perms.includes('x') || (perms.includes('X') && (directory || (mode & 0o111) !== 0))) bits |= 0o111;
    if (perms.includes('s')) bits |= 0o6000;
    if (perms.includes('t')) bits |= 0o1000;
  }
  bits &= who;
  if (op === '+') return mode | bits;
  if (op === '-') return mode & ~bits;
  return (mode & ~who) | bits;
}
