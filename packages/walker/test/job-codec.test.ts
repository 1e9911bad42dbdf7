// A batch of directories as job JSON, against encodings worked out by hand.
import { describe, expect, it } from 'vitest';
import type { Ancestor, DirectoryItem } from '../src/directory-item.js';
import { decodeDirs, encodeDirs, type EncodedDirs } from '../src/multi-host/job-codec.js';

const top: Ancestor = { ino: 10n, dev: 1n, up: null };
const middle: Ancestor = { ino: 11n, dev: 1n, up: top };
const items: DirectoryItem[] = [
  { rel: Buffer.from('d/e'), ino: 12n, dev: 1n, depth: 2, up: middle },
  // A name that is not UTF-8, an inode past 2^53, another device.
  { rel: Buffer.from([0x66, 0xff]), ino: 2n ** 64n - 1n, dev: 2n, depth: 2, up: middle },
  { rel: Buffer.from('top'), ino: 5, dev: 1, depth: 1, up: top },
  { rel: Buffer.alloc(0), ino: 2, dev: 1, depth: 0, up: null },
];
// 'd/e' = 64 2f 65 -> ZC9l; 66 ff -> Zv8=; 'top' -> dG9w. Each ancestor once, parents first.
const encoded: EncodedDirs = {
  d: [
    ['ZC9l', '12', '1', 2, 1],
    ['Zv8=', '18446744073709551615', '2', 2, 1],
    ['dG9w', '5', '1', 1, 0],
    ['', '2', '1', 0, -1],
  ],
  a: [
    ['10', '1', -1],
    ['11', '1', 0],
  ],
};

describe('job codec', () => {
  it('encodes paths as base64, inodes and devices as decimal, each ancestor once', () => {
    expect(encodeDirs(items)).toEqual(encoded);
  });

  it('decodes through JSON to the same directories, numbers as bigints, shared ancestors shared again', () => {
    const decoded = decodeDirs(JSON.parse(JSON.stringify(encodeDirs(items))) as EncodedDirs);
    expect(decoded.map((d) => [d.rel.toString('hex'), d.ino, d.dev, d.depth])).toEqual([
      ['642f65', 12n, 1n, 2],
      ['66ff', 2n ** 64n - 1n, 2n, 2],
      ['746f70', 5n, 1n, 1],
      ['', 2n, 1n, 0],
    ]);
    expect(decoded[0]!.up).toEqual({ ino: 11n, dev: 1n, up: { ino: 10n, dev: 1n, up: null } });
    expect(decoded[1]!.up).toBe(decoded[0]!.up);
    expect(decoded[2]!.up).toBe(decoded[0]!.up!.up);
    expect(decoded[3]!.up).toBeNull();
  });

  it('an empty batch is empty both ways', () => {
    expect(encodeDirs([])).toEqual({ d: [], a: [] });
    expect(decodeDirs({ d: [], a: [] })).toEqual([]);
  });
});
