// diffWalks credits each walk's space as the walk is read, in the order its records
// are, not in path order: a hard-linked inode must still count once, in the
// directory of its smallest path, whichever link comes first in the thread file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffWalks, openWalk } from '@pwalk-ts/reader';
import { EntryType } from '@pwalk-ts/reader/format';
import { forgeWalk } from '../packages/reader/test/helpers/forged-walk.js';

const dir = mkdtempSync(join(tmpdir(), 'pwalk-diff-space-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Link {
  readonly prefix: string;
  readonly name: string;
  readonly nlink: number;
}

/**
 * Root /r holding directories z and a (in that record order), and inode 50 (100 bytes)
 * at each of `links` in the order given. Directories are 4096 bytes.
 */
function forge(name: string, format: 1 | 2, links: Link[]): string {
  const out = join(dir, name);
  forgeWalk(
    out,
    (rb) => {
      const add = (prefix: string, entry: string, ino: number, type: number, size: number, nlink: number): void => {
        rb.appendFields(Buffer.from(prefix), Buffer.from(entry), 0, entry.length, ino, 1, type, size, 1_000, 0, 0, 0o100644, nlink, 8, 7, 1_000, 1_000);
      };
      add('', '', 1, EntryType.dir, 4096, 4);
      add('', 'z', 2, EntryType.dir, 4096, 2);
      add('', 'a', 3, EntryType.dir, 4096, 2);
      for (const l of links) add(l.prefix, l.name, 50, EntryType.file, 100, l.nlink);
    },
    { format, capacity: 4096 },
  );
  return out;
}

describe('diff space credit in read order', () => {
  for (const format of [1, 2] as const) {
    for (const parallelSort of [false, true]) {
      it(`format ${format}, ${parallelSort ? 'new walk in a worker' : 'one thread'}: a hard link counts at its smallest path, whichever is read first`, async () => {
        // Old: z/f read before a/f, both links of inode 50. New: only z/f is left.
        const old = forge(`old-${format}-${parallelSort}`, format, [
          { prefix: 'z/', name: 'f', nlink: 2 },
          { prefix: 'a/', name: 'f', nlink: 2 },
        ]);
        const now = forge(`new-${format}-${parallelSort}`, format, [{ prefix: 'z/', name: 'f', nlink: 1 }]);
        const diff = await diffWalks(await openWalk(old), await openWalk(now), { parallelSort });
        // The inode counted once in each walk: in a in the old one (a/f < z/f), in z in the new one.
        expect([diff.old.bytes, diff.new.bytes]).toEqual([3n * 4096n + 100n, 3n * 4096n + 100n]);
        expect([diff.old.entries, diff.new.entries]).toEqual([4, 4]);
        expect(diff.directories.grown.map((d) => [d.path, d.deltaBytes, d.deltaFiles])).toEqual([['/r/z', 100n, 1]]);
        expect(diff.directories.shrunk.map((d) => [d.path, d.deltaBytes, d.deltaFiles])).toEqual([['/r/a', -100n, -1]]);
        expect(diff.deleted.files).toBe(1);
        expect(diff.modified.entries).toBe(0);
      });
    }
  }
});
