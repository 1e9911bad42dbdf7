// Format 2's encoder pinned byte for byte (FORMAT.md section 7): a fixed sequence of
// items through FrameBuffer, one layout with attributes and one compact, gives blocks
// whose SHA-256 is recorded here. Every branch of the encoder is in the sequence: small
// and large varints, numbers past 2^31 and 2^53, bigints past 2^63 (two's complement),
// times before 1970 and after 2106, attributes the same as the previous entry's and
// not, names as strings and as bytes (short, long, past 127 bytes, multibyte), whole
// paths, error records, end markers of the current directory and of another, and block
// ends. A change that makes the writer faster must leave these digests as they are.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntryType, FrameBuffer, Syscall } from '../src/format/index.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Every block the sequence gives, with `capacity`, as one hex SHA-256 (each block's length and record count in it too). */
function encode(fullAttrs: boolean, capacity: number): { digest: string; blocks: number } {
  const hash = createHash('sha256');
  let blocks = 0;
  const out = new FrameBuffer(
    (block, count) => {
      blocks++;
      hash.update(`${block.length} ${count}\n`).update(block);
    },
    { capacity, fullAttrs },
  );
  const root = new Uint8Array(0);
  out.appendFields(root, '', 0, 0, 2, 0, EntryType.dir, 4096, 1_700_000_000, 0, 0, 0o40755, 5, 8, 2049, 1_700_000_001, 1_700_000_002);
  out.markDescended();
  const top = bytes('');
  const dirs = ['a', 'a/b', 'a/b/c', 'a/bb', 'zz\xff\xfe'];
  let ino = 100;
  for (const [d, dir] of dirs.entries()) {
    const prefix = dir === '' ? top : bytes(`${dir}/`);
    const parent = 10 + d;
    for (let i = 0; i < 40; i++) {
      ino += i % 7 === 0 ? 2 ** 31 + i : 3;
      const name = i % 3 === 0 ? `f${i}` : bytes(`\0\0name-${i}-${'x'.repeat(i * 4)}`);
      const from = typeof name === 'string' ? 0 : 2;
      const to = typeof name === 'string' ? 0 : name.length;
      const mtime = i % 5 === 0 ? -86_400 * (i + 1) : i % 11 === 0 ? 5_000_000_000 + i : 1_600_000_000 + i * 97;
      out.appendFields(
        prefix,
        name,
        from,
        to,
        i === 13 ? 2n ** 64n - 3n : ino,
        parent,
        i % 9 === 0 ? EntryType.dir : EntryType.file,
        i % 4 === 0 ? 2 ** 53 + 2 * i : i * 1000,
        mtime,
        i % 6 === 0 ? 1000 + i : 1000,
        i % 8 === 0 ? 4_294_967_294 : 100,
        0o100644,
        1 + (i % 2),
        i % 10 === 0 ? 2n ** 60n : 8 * i,
        i % 12 === 0 ? 2n ** 63n + 5n : 2049,
        mtime + (i % 2 === 0 ? 3 : -2_000_000_000),
        mtime + i,
      );
      if (i % 9 === 0) out.markDescended();
    }
    out.appendFields(prefix, 'caf\u00e9-\u{1f600}-' + 'y'.repeat(150), 0, 0, ino + 1, parent, EntryType.file, 0, 0, 0, 0, 0o100600, 1, 0, 2049, 0, 0);
    out.appendError(0, parent, EntryType.unknown, Syscall.lstat, 'EACCES', prefix, bytes('unreadable'));
    if (d % 2 === 0) out.endDirectory(bytes(dir), parent);
  }
  out.appendError(77, 11, EntryType.dir, Syscall.scandir, 'ENOENT', bytes('a/b/gone'), new Uint8Array(0));
  out.markOwnRead();
  out.endDirectory(bytes('a/b'), 11);
  out.endDirectory(bytes(''), 2);
  out.flush();
  return { digest: hash.digest('hex'), blocks };
}

describe('FrameBuffer bytes', () => {
  it.each([
    [true, 1 << 20, 1, '50b2a7714ea5a884c864c377196c489ffc9983b618cf9a11dbedfbf2d15ab91b'],
    [true, 4096, 0, 'e3b0318547e7b14c3ebf3601d4e95803b04e415c81e3b77a7cbdbc4391ca167e'],
    [false, 1 << 20, 1, '8f71611f6915746313181baab507667e69d2c17bdd11b04e5ee1f744661172eb'],
    [false, 4096, 0, 'c885a21ca197cc0433204b44e98642d3d7f9b0799fa6cae33082b21237f20cbc'],
  ])('fullAttrs %s, blocks of %i bytes: the pinned bytes', (fullAttrs, capacity, blocks, digest) => {
    const got = encode(fullAttrs, capacity);
    if (blocks > 0) expect(got.blocks).toBe(blocks);
    else expect(got.blocks).toBeGreaterThan(3);
    expect(got.digest).toBe(digest);
  });
});
