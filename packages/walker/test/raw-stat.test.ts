// appendRawStat (the walker's native route) against appendBigStats (its
// TypeScript routes): the same entries must give the same bytes, block boundaries
// included, whether a name arrives as a string or as raw bytes.
import type { BigIntStats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EntryType, RecordBuffer } from '@pwalk-ts/reader/format';
import { RAW_STAT_HEAD, RawStatOffset, appendRawStat } from '../src/raw-stat.js';

interface Stat {
  ino: bigint;
  dev: bigint;
  size: bigint;
  blocks: bigint;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

const BASE: Stat = {
  ino: 11n,
  dev: 2049n,
  size: 1234n,
  blocks: 8n,
  mode: 0o100644,
  uid: 1000,
  gid: 100,
  nlink: 1,
  atimeNs: 1_700_000_100_000_000_000n,
  mtimeNs: 1_700_000_000_500_000_000n,
  ctimeNs: 1_700_000_000_999_999_999n,
};

function floorSeconds(ns: bigint): bigint {
  const q = ns / 1_000_000_000n;
  return ns < 0n && q * 1_000_000_000n !== ns ? q - 1n : q;
}

/** What lstatSync(..., { bigint: true }) would return (the encoder reads only these fields). */
function bigStats(s: Stat): BigIntStats {
  const ms = (ns: bigint): bigint => ns / 1_000_000n; // Node's bigint ms truncate toward zero
  return {
    ino: s.ino,
    dev: s.dev,
    size: s.size,
    blocks: s.blocks,
    mode: BigInt(s.mode),
    uid: BigInt(s.uid),
    gid: BigInt(s.gid),
    nlink: BigInt(s.nlink),
    atimeNs: s.atimeNs,
    mtimeNs: s.mtimeNs,
    ctimeNs: s.ctimeNs,
    atimeMs: ms(s.atimeNs),
    mtimeMs: ms(s.mtimeNs),
    ctimeMs: ms(s.ctimeNs),
  } as unknown as BigIntStats;
}

/** The packed entry the native addon writes for `s` and `name` (layout in src/raw-stat.ts). */
function rawEntry(s: Stat, name: Uint8Array): Buffer {
  const b = Buffer.alloc(RAW_STAT_HEAD + name.length, 0xee);
  b.writeUInt16LE(name.length, RawStatOffset.nameLength);
  b.writeUInt16LE(0, 2);
  b.writeInt32LE(0, RawStatOffset.errno);
  b.writeBigUInt64LE(s.ino, RawStatOffset.ino);
  b.writeBigUInt64LE(s.dev, RawStatOffset.dev);
  b.writeBigUInt64LE(s.size, RawStatOffset.size);
  b.writeBigUInt64LE(s.blocks, RawStatOffset.blocks);
  b.writeUInt32LE(s.mode, RawStatOffset.mode);
  b.writeUInt32LE(s.uid, RawStatOffset.uid);
  b.writeUInt32LE(s.gid, RawStatOffset.gid);
  b.writeUInt32LE(s.nlink, RawStatOffset.nlink);
  b.writeBigInt64LE(floorSeconds(s.atimeNs), RawStatOffset.atime);
  b.writeBigInt64LE(floorSeconds(s.mtimeNs), RawStatOffset.mtime);
  b.writeBigInt64LE(floorSeconds(s.ctimeNs), RawStatOffset.ctime);
  b.set(name, RawStatOffset.name);
  return b;
}

interface Item {
  stat: Stat;
  prefix: Buffer;
  /** The name as the TypeScript route holds it: a string when it is UTF-8, else bytes. */
  name: string | Buffer;
}

/** Encodes the items both ways and returns every block each way wrote. */
function encodeBoth(items: readonly Item[], options: { capacity?: number; fullAttrs?: boolean } = {}): { big: Buffer[]; raw: Buffer[] } {
  const big: Buffer[] = [];
  const raw: Buffer[] = [];
  const a = new RecordBuffer((block) => big.push(Buffer.from(block)), options);
  const b = new RecordBuffer((block) => raw.push(Buffer.from(block)), options);
  // One listing buffer for all, as the addon returns one per directory: entries back to back.
  const listing = Buffer.concat(items.map((it) => rawEntry(it.stat, typeof it.name === 'string' ? Buffer.from(it.name) : it.name)));
  const view = new DataView(listing.buffer, listing.byteOffset, listing.byteLength);
  let off = 0;
  for (const it of items) {
    const type = EntryType.file;
    a.appendBigStats(bigStats(it.stat), type, 7n, it.prefix, it.name);
    appendRawStat(b, listing, view, off, type, 7, it.prefix);
    off += RAW_STAT_HEAD + listing.readUInt16LE(off);
  }
  a.flush();
  b.flush();
  return { big, raw };
}

const EDGE: [string, Partial<Stat>][] = [
  ['plain', {}],
  ['size at the u32 sentinel', { size: 0xffffffffn }],
  ['size past 2^53', { size: 2n ** 62n + 3n }],
  ['inode 2^64 - 1', { ino: 2n ** 64n - 1n }],
  ['inode just past 2^53', { ino: 2n ** 53n + 1n }],
  ['dev and blocks 64-bit', { dev: 2n ** 63n + 5n, blocks: 2n ** 60n }],
  ['mtime -1 ns', { mtimeNs: -1n }],
  ['times far before 1970', { atimeNs: -315_360_000_000_000_001n, mtimeNs: -2_000_000_000n, ctimeNs: -1_500_000_000n }],
  ['mtime after 2106', { mtimeNs: 5_000_000_000_999_999_999n }],
  ['32-bit owners and nlink', { uid: 4_294_967_294, gid: 4_000_000_000, nlink: 70_000 }],
  ['a directory mode', { mode: 0o40755 }],
];

describe('appendRawStat writes what appendBigStats writes', () => {
  it.each(EDGE)('%s', (_name, over) => {
    const items: Item[] = [{ stat: { ...BASE, ...over }, prefix: Buffer.from('d/'), name: 'f' }];
    for (const fullAttrs of [true, false]) {
      const { big, raw } = encodeBoth(items, { fullAttrs });
      expect(raw).toEqual(big);
    }
  });

  it('names: non-UTF-8 bytes, long names (past the short-copy loop), multi-byte UTF-8, empty prefix', () => {
    const items: Item[] = [
      { stat: BASE, prefix: Buffer.alloc(0), name: 'top' },
      { stat: BASE, prefix: Buffer.from('a/'), name: Buffer.from([0x6e, 0xff, 0xfe, 0x80]) },
      { stat: BASE, prefix: Buffer.from('a/'), name: 'x'.repeat(255) },
      { stat: BASE, prefix: Buffer.from('a/'), name: 'é'.repeat(127) + 'a' },
      { stat: BASE, prefix: Buffer.from('a/'), name: '日'.repeat(85) },
      { stat: BASE, prefix: Buffer.from('a/'), name: '\u{1F600}emoji' },
    ];
    const { big, raw } = encodeBoth(items);
    expect(raw).toHaveLength(1);
    expect(raw).toEqual(big);
  });

  it('a path past 64 KiB (PATH32)', () => {
    const prefix = Buffer.from('p'.repeat(70_000) + '/');
    const { big, raw } = encodeBoth([
      { stat: BASE, prefix, name: 'leaf' },
      { stat: BASE, prefix, name: Buffer.from([0xff]) },
    ]);
    expect(raw).toEqual(big);
  });

  it('ends blocks at the same records when string names need fewer bytes than their worst case', () => {
    // Multi-byte names: a string's worst case (3 bytes per UTF-16 unit) overshoots
    // its real size; blocks must still end where the raw bytes end them.
    const items: Item[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = i % 3 === 0 ? `é${'ü'.repeat(i % 40)}-${i}` : i % 3 === 1 ? `${'日'.repeat(i % 30)}${i}` : `plain-${i}`;
      items.push({ stat: { ...BASE, ino: BigInt(i + 100), size: BigInt(i) }, prefix: Buffer.from('dir/sub/'), name });
    }
    for (const capacity of [4096, 9000, 65_536]) {
      const { big, raw } = encodeBoth(items, { capacity });
      expect(raw.length).toBeGreaterThan(1);
      expect(raw.map((b) => b.length)).toEqual(big.map((b) => b.length));
      expect(Buffer.concat(raw).equals(Buffer.concat(big))).toBe(true);
    }
  });
});
