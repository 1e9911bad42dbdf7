import type { OwnerDirectory, WalkEntry } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { foldAscii } from './byte-text.js';
import { parseDateArgument } from './date-argument.js';
import { emacsRegExp } from './emacs-regex.js';
import type { EntryView } from './entry-view.js';
import { parsePermissionMode } from './file-mode.js';
import { globRegExp } from './glob.js';
import { compareBig, sizeTest, timeWindow, wholeArgument } from './numeric-argument.js';

/** What a test may ask about beyond the entry itself. */
export interface DirectoryListing {
  /** Whether a directory of the walk has no entries (find's -empty). */
  isEmptyDirectory(entry: WalkEntry): boolean;
}

export type EntryTest = (view: EntryView, listing: DirectoryListing) => boolean;

/** What parsing a test needs: the walk's start and the system's owners. */
export interface TestContext {
  readonly referenceMs: number;
  readonly owners: OwnerDirectory;
}

/** One test, made from its arguments. */
export interface TestDefinition {
  /** How many arguments it takes (0 or 1). */
  readonly arity: 0 | 1;
  /** Reads a field a --compact walk does not record (owner, mode, links, atime, ctime). */
  readonly needsFullAttributes: boolean;
  /** Asks `DirectoryListing.isEmptyDirectory`. */
  readonly needsListing?: boolean;
  make(argument: string, context: TestContext): EntryTest;
}

const TYPE_LETTERS: Readonly<Record<string, WalkEntry['type']>> = { f: 'file', d: 'dir', l: 'symlink', p: 'fifo', s: 'socket', c: 'char', b: 'block' };

function test(arity: 0 | 1, needsFullAttributes: boolean, make: TestDefinition['make'], needsListing = false): TestDefinition {
  return { arity, needsFullAttributes, needsListing, make };
}

function nameTest(subject: 'name' | 'path', foldCase: boolean): TestDefinition {
  return test(1, false, (pattern) => {
    const regex = globRegExp(pattern, foldCase);
    return subject === 'name' ? (v) => regex.test(v.name) : (v) => regex.test(v.path);
  });
}

function regexTest(foldCase: boolean, predicate: string): TestDefinition {
  return test(1, false, (expression) => {
    const regex = emacsRegExp(expression, foldCase, predicate);
    return foldCase ? (v) => regex.test(foldAscii(v.path)) : (v) => regex.test(v.path);
  });
}

type TimeField = 'mtime' | 'atime' | 'ctime';

function timeTest(field: TimeField, unitSeconds: number, predicate: string): TestDefinition {
  return test(1, field !== 'mtime', (text, { referenceMs }) => {
    const inWindow = timeWindow(predicate, text, unitSeconds, referenceMs);
    return (v) => inWindow(v.entry[field]!);
  });
}

function idTest(field: 'uid' | 'gid', predicate: string): TestDefinition {
  return test(1, true, (text) => {
    const argument = wholeArgument(predicate, text);
    return (v) => compareBig(argument, BigInt(v.entry[field]!));
  });
}

function ownerTest(field: 'uid' | 'gid'): TestDefinition {
  return test(1, true, (name, { owners }) => {
    const id = field === 'uid' ? owners.userId(name) : owners.groupId(name);
    const wanted = id ?? (/^\d+$/.test(name) ? Number(name) : undefined);
    if (wanted === undefined) {
      throw new UsageError(field === 'uid' ? `'${name}' is not the name of a known user` : `'${name}' is not the name of an existing group`);
    }
    return (v) => v.entry[field] === wanted;
  });
}

function typeTest(): TestDefinition {
  return test(1, false, (text) => {
    const types = new Set<WalkEntry['type']>();
    for (const letter of text.split(',')) {
      const type = TYPE_LETTERS[letter];
      if (type === undefined) {
        if (letter === 'D') continue; // Solaris doors: a walk on Linux records none.
        throw new UsageError(letter === '' ? `Arguments to -type should contain at least one letter` : `Unknown argument to -type: ${letter}`);
      }
      types.add(type);
    }
    if (types.size === 1) {
      const [only] = types;
      return (v) => v.entry.type === only;
    }
    return (v) => types.has(v.entry.type);
  });
}

function permTest(): TestDefinition {
  return test(1, true, (text) => {
    const prefix = text[0] === '-' || text[0] === '/' ? text[0] : '';
    if (text[0] === '+') throw new UsageError(`invalid mode '${text}'`);
    const bits = parsePermissionMode(text.slice(prefix.length));
    const wanted = (v: EntryView): number => (v.entry.type === 'dir' ? bits.directory : bits.other);
    if (prefix === '-') return (v) => (v.entry.mode! & wanted(v)) === wanted(v);
    // `/000` matches everything (find's documented exception).
    if (prefix === '/') return (v) => wanted(v) === 0 || (v.entry.mode! & wanted(v)) !== 0;
    return (v) => (v.entry.mode! & 0o7777) === wanted(v);
  });
}

/** Every test `pwalk-ts find` takes, by predicate. */
export const TESTS: Readonly<Record<string, TestDefinition>> = {
  '-name': nameTest('name', false),
  '-iname': nameTest('name', true),
  '-path': nameTest('path', false),
  '-ipath': nameTest('path', true),
  '-wholename': nameTest('path', false),
  '-iwholename': nameTest('path', true),
  '-regex': regexTest(false, '-regex'),
  '-iregex': regexTest(true, '-iregex'),
  '-type': typeTest(),
  '-size': test(1, false, (text) => {
    const matches = sizeTest(text);
    return (v) => matches(v.entry.size);
  }),
  '-empty': test(
    0,
    false,
    () => (v, listing) => (v.entry.type === 'file' ? v.entry.size === 0n : v.entry.type === 'dir' && listing.isEmptyDirectory(v.entry)),
    true,
  ),
  '-mtime': timeTest('mtime', 86_400, '-mtime'),
  '-atime': timeTest('atime', 86_400, '-atime'),
  '-ctime': timeTest('ctime', 86_400, '-ctime'),
  '-mmin': timeTest('mtime', 60, '-mmin'),
  '-amin': timeTest('atime', 60, '-amin'),
  '-cmin': timeTest('ctime', 60, '-cmin'),
  '-newermt': test(1, false, (text) => {
    const referenceMs = parseDateArgument(text);
    return (v) => v.entry.mtime * 1000 > referenceMs;
  }),
  '-user': ownerTest('uid'),
  '-group': ownerTest('gid'),
  '-uid': idTest('uid', '-uid'),
  '-gid': idTest('gid', '-gid'),
  '-nouser': test(
    0,
    true,
    (_, { owners }) =>
      (v) =>
        !owners.hasUser(v.entry.uid!),
  ),
  '-nogroup': test(
    0,
    true,
    (_, { owners }) =>
      (v) =>
        !owners.hasGroup(v.entry.gid!),
  ),
  '-links': test(1, true, (text) => {
    const argument = wholeArgument('-links', text);
    return (v) => compareBig(argument, BigInt(v.entry.nlink!));
  }),
  '-inum': test(1, false, (text) => {
    const argument = wholeArgument('-inum', text);
    return (v) => compareBig(argument, v.entry.inode);
  }),
  '-perm': permTest(),
  '-true': test(0, false, () => () => true),
  '-false': test(0, false, () => () => false),
};

/** find's predicates this find does not take, named in the message rather than called unknown. */
export const UNSUPPORTED = new Set([
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-delete',
  '-prune',
  '-quit',
  '-ls',
  '-fls',
  '-fprint',
  '-fprint0',
  '-fprintf',
  '-newer',
  '-anewer',
  '-cnewer',
  '-samefile',
  '-lname',
  '-ilname',
  '-readable',
  '-writable',
  '-executable',
  '-fstype',
  '-xtype',
  '-context',
  '-used',
  '-follow',
  '-xdev',
  '-mount',
  '-daystart',
  '-ignore_readdir_race',
  '-noleaf',
]);
