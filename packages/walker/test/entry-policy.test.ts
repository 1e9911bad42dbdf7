// The entry policy on its own, against expectations worked out by hand: every rule a
// scanner route leaves to it (--exclude, --no-snapshots, --max-depth,
// --one-file-system, the bind-mount loop check, error records, counters). No
// filesystem and no child process: the record buffer is a recorder of appendError calls
// and of the marks a resume reads (a directory stacked, a directory's own read failing).
import { describe, expect, it } from 'vitest';
import { EntryType, Syscall, type FrameBuffer } from '@pwalk-ts/reader/format';
import type { DirectoryItem } from '../src/directory-item.js';
import { createEntryFilter } from '../src/entry-filter.js';
import { EntryPolicy } from '../src/entry-policy.js';
import { scannedBytes } from '../src/scan-totals.js';
import type { WalkSettings } from '../src/settings.js';

interface ErrorCall {
  ino: number | bigint;
  parentIno: number | bigint;
  type: number;
  syscall: number;
  code: string;
  path: string;
}

const ROOT_DEV = 5n;

function setup(options: Partial<Pick<WalkSettings, 'exclude' | 'snapshots' | 'oneFileSystem' | 'maxDepth'>> = {}) {
  const settings = { exclude: [], snapshots: true, oneFileSystem: false, maxDepth: Infinity, ...options } as unknown as WalkSettings;
  const errors: ErrorCall[] = [];
  /** Each mark, and how many records had been recorded (stacked directories and errors) when it came. */
  const marks: string[] = [];
  const stack: DirectoryItem[] = [];
  const out = {
    appendError(ino: number | bigint, parentIno: number | bigint, type: number, syscall: number, code: string, prefix: Buffer, name: string | Buffer): void {
      errors.push({ ino, parentIno, type, syscall, code, path: prefix.toString() + name.toString() });
    },
    markDescended(): void {
      marks.push(`descended ${stack[stack.length - 1]!.rel.toString()}`);
    },
    markOwnRead(): void {
      marks.push(`own read ${errors[errors.length - 1]!.path}`);
    },
  } as unknown as FrameBuffer;
  let onErrorCalls = 0;
  const policy = new EntryPolicy(settings, out, createEntryFilter(settings), stack, () => void onErrorCalls++, ROOT_DEV);
  return { policy, stack, errors, marks, onErrorCalls: () => onErrorCalls };
}

const root: DirectoryItem = { rel: Buffer.alloc(0), ino: 2n, dev: ROOT_DEV, depth: 0, up: null };
const a: DirectoryItem = { rel: Buffer.from('a'), ino: 10n, dev: ROOT_DEV, depth: 1, up: { ino: 2n, dev: ROOT_DEV, up: null } };
const ab: DirectoryItem = { rel: Buffer.from('a/b'), ino: 11, dev: 5, depth: 2, up: { ino: 10n, dev: ROOT_DEV, up: { ino: 2n, dev: ROOT_DEV, up: null } } };

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe('entry policy: --exclude', () => {
  it('excludes nothing without patterns', () => {
    const { policy } = setup();
    const ctx = policy.context(ab);
    expect(policy.excluded(ctx, 'x.log')).toBe(false);
    expect(policy.excludedBytes(ctx, Buffer.from('x.log'), 0, 5)).toBe(false);
  });

  it('matches a pattern without "/" against names at any depth and one with "/" against the path from the root', () => {
    const { policy } = setup({ exclude: ['node_modules', '/a/b/*.log'] });
    const inRoot = policy.context(root);
    const inAb = policy.context(ab);
    expect(policy.excluded(inRoot, 'node_modules')).toBe(true);
    expect(policy.excluded(inAb, 'node_modules')).toBe(true);
    expect(policy.excluded(inAb, 'x.log')).toBe(true);
    expect(policy.excluded(inRoot, 'x.log')).toBe(false);
    expect(policy.excluded(inAb, 'x.txt')).toBe(false);
    // The bytes form reads the name from start to end of a larger buffer, as the native listing holds it.
    const raw = Buffer.from('..x.log..');
    expect(policy.excludedBytes(inAb, raw, 2, 7)).toBe(true);
    expect(policy.excludedBytes(inRoot, raw, 2, 7)).toBe(false);
  });
});

describe('entry policy: --no-snapshots', () => {
  it('leaves out directories named exactly .snapshot, as a string or as bytes', () => {
    const { policy } = setup({ snapshots: false });
    expect(policy.skipsDirectory('.snapshot')).toBe(true);
    expect(policy.skipsDirectory(Buffer.from('.snapshot'))).toBe(true);
    expect(policy.skipsDirectory('.snapshots')).toBe(false);
    expect(policy.skipsDirectory(Buffer.from('snapshot'))).toBe(false);
  });

  it('keeps them by default', () => {
    const { policy } = setup();
    expect(policy.skipsDirectory('.snapshot')).toBe(false);
  });
});

describe('entry policy: descending', () => {
  it('stacks a subdirectory with its path, depth and ancestors', () => {
    const { policy, stack } = setup();
    const ctx = policy.context(a);
    policy.descend(ctx, 'b', 5, 11);
    expect(stack).toEqual([{ rel: Buffer.from('a/b'), ino: 11, dev: 5, depth: 2, up: { ino: 10n, dev: ROOT_DEV, up: a.up } }]);
    policy.descend(policy.context(root), Buffer.from([0xff]), ROOT_DEV, 12n);
    expect(stack[1]!.rel).toEqual(Buffer.from([0xff]));
    expect(stack[1]!.depth).toBe(1);
  });

  it("--max-depth 2 reads the root and depth 1, so only the root's subdirectories are stacked", () => {
    const { policy, stack, marks } = setup({ maxDepth: 2 });
    expect(policy.rootItem(EntryType.dir, ROOT_DEV, 2n)).toEqual(root);
    policy.descend(policy.context(root), 'a', ROOT_DEV, 10n);
    policy.descend(policy.context(a), 'b', ROOT_DEV, 11n);
    expect(stack.map((d) => d.rel.toString())).toEqual(['a']);
    expect(marks).toEqual(['descended a']);
  });

  it('--max-depth 0 records the root alone; a root that is not a directory is not read', () => {
    expect(setup({ maxDepth: 0 }).policy.rootItem(EntryType.dir, ROOT_DEV, 2n)).toBeNull();
    expect(setup().policy.rootItem(EntryType.file, ROOT_DEV, 2n)).toBeNull();
  });

  it("--one-file-system stacks only directories on the root's device, whether it comes as a number or a bigint", () => {
    const { policy, stack, marks } = setup({ oneFileSystem: true });
    const ctx = policy.context(root);
    policy.descend(ctx, 'mnt', 6, 2);
    policy.descend(ctx, 'same', 5, 13);
    policy.descend(ctx, 'samebig', 5n, 14n);
    expect(stack.map((d) => d.rel.toString())).toEqual(['same', 'samebig']);
    // Only the directories stacked are marked: a resume reads exactly those again.
    expect(marks).toEqual(['descended same', 'descended samebig']);
  });

  it('without --one-file-system another device is descended', () => {
    const { policy, stack } = setup();
    policy.descend(policy.context(root), 'mnt', 6, 2);
    expect(stack).toHaveLength(1);
  });

  it('a bind mount of an ancestor is an ELOOP error record, not a directory to read', () => {
    const { policy, stack, errors, marks, onErrorCalls } = setup();
    // a/b/loop is the root again (dev 5, inode 2), the number and bigint forms compared alike.
    policy.descend(policy.context(ab), 'loop', 5, 2);
    // a/b/self is a/b itself.
    policy.descend(policy.context(ab), 'self', 5n, 11n);
    expect(stack).toEqual([]);
    expect(errors).toEqual([
      { ino: 2, parentIno: 11, type: EntryType.dir, syscall: Syscall.scandir, code: 'ELOOP', path: 'a/b/loop' },
      { ino: 11n, parentIno: 11, type: EntryType.dir, syscall: Syscall.scandir, code: 'ELOOP', path: 'a/b/self' },
    ]);
    expect(policy.totals.errors).toBe(2);
    expect(onErrorCalls()).toBe(2);
    expect(marks).toEqual([]);
  });
});

describe('entry policy: error records', () => {
  it('records entry errors with the syscall and path they belong to', () => {
    const { policy, errors, marks } = setup();
    policy.rootFailed(errno('EACCES'));
    policy.readFailed(ab, errno('EACCES'));
    policy.readFailed(ab, errno('ENAMETOOLONG'), Syscall.open);
    policy.statFailed(policy.context(a), errno('EIO'), 'f');
    policy.vanished(policy.context(root), Buffer.from('gone'));
    expect(errors).toEqual([
      { ino: 0, parentIno: 0, type: EntryType.unknown, syscall: Syscall.lstat, code: 'EACCES', path: '' },
      { ino: 11, parentIno: 10n, type: EntryType.dir, syscall: Syscall.scandir, code: 'EACCES', path: 'a/b' },
      { ino: 11, parentIno: 10n, type: EntryType.dir, syscall: Syscall.open, code: 'ENAMETOOLONG', path: 'a/b' },
      { ino: 0, parentIno: 10n, type: EntryType.unknown, syscall: Syscall.lstat, code: 'EIO', path: 'a/f' },
      { ino: 0, parentIno: 2n, type: EntryType.unknown, syscall: Syscall.lstat, code: 'ENOENT', path: 'gone' },
    ]);
    expect(policy.totals.errors).toBe(5);
    // A directory's own read failing is marked (a resume keeps or sets it aside with the directory).
    expect(marks).toEqual(['own read a/b', 'own read a/b']);
  });

  it('throws any other error on, unrecorded: it stops the walk', () => {
    const { policy, errors } = setup();
    const fatal = errno('EMFILE');
    expect(() => policy.statFailed(policy.context(a), fatal, 'f')).toThrow(fatal);
    expect(() => policy.readFailed(a, new Error('no code'))).toThrow('no code');
    expect(errors).toEqual([]);
    expect(policy.totals.errors).toBe(0);
  });
});

describe('entry policy: counters', () => {
  it('counts entries by type, directories read, and the exact byte sum past 2^53', () => {
    const { policy } = setup();
    policy.read();
    policy.read();
    policy.count(100, EntryType.file);
    policy.count(4096n, EntryType.dir);
    policy.count(2n ** 60n, EntryType.file);
    policy.count(2 ** 52 - 1, EntryType.file);
    policy.count(2 ** 52 - 1, EntryType.symlink);
    const t = policy.totals;
    expect({ entries: t.entries, dirsRead: t.dirsRead, files: t.files, dirEntries: t.dirEntries, errors: t.errors }).toEqual({
      entries: 5,
      dirsRead: 2,
      files: 3,
      dirEntries: 1,
      errors: 0,
    });
    expect(scannedBytes(t)).toBe(100n + 4096n + 2n ** 60n + 2n * (2n ** 52n - 1n));
  });
});
