import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { snappyUncompress } from 'hyparquet';
import { snappyCompress as referenceCompress } from 'hyparquet-writer/src/snappy.js';
import { describe, expect, it } from 'vitest';
import { snappyCompress } from '../src/snappy-compress.js';

/** Inputs that reach every tag: short and long literals (1..4 length bytes), short and long copies, runs, incompressible tails. */
function inputs(): [string, Uint8Array][] {
  const text = readFileSync(new URL(import.meta.url), 'utf8');
  return [
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(7)],
    ['below the 15-byte margin', randomBytes(14)],
    ['random 300 kB (a 3-byte literal length)', randomBytes(300_000)],
    ['random 17 MB (a 4-byte literal length)', randomBytes(17_000_000)],
    ['zeros', new Uint8Array(200_000)],
    ['a short period', Buffer.from('abc'.repeat(50_000))],
    ['text repeated past the 64 KiB offset limit', Buffer.from(text.repeat(100))],
    ['text then random', Buffer.concat([Buffer.from(text), randomBytes(70_000), Buffer.from(text)])],
  ];
}

describe('snappyCompress', () => {
  for (const [name, input] of inputs()) {
    it(`${name}: decompresses to the input, byte for byte what hyparquet-writer's own codec writes`, () => {
      const compressed = snappyCompress(input);
      const out = new Uint8Array(input.length);
      snappyUncompress(compressed, out);
      expect(Buffer.compare(out, input)).toBe(0);
      expect(Buffer.compare(compressed, referenceCompress(input))).toBe(0);
    });
  }

  it('returns its own copy: a later call does not change an earlier result', () => {
    const first = snappyCompress(Buffer.from('first '.repeat(100)));
    const kept = Buffer.from(first);
    snappyCompress(randomBytes(5000));
    expect(Buffer.compare(first, kept)).toBe(0);
  });
});
