// Claimed shares (block-share.ts): threads that read the walk's blocks in order, each at
// its own pace, take every block exactly once between them, whatever the interleaving.
import { describe, expect, it } from 'vitest';
import { blockTaker, newClaims } from '../src/sdk/block-share.js';

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('claimed block shares', () => {
  for (const threads of [1, 2, 3, 5]) {
    it(`give every block to exactly one of ${threads} readers, at any pace`, () => {
      for (let seed = 1; seed <= 50; seed++) {
        const next = random(seed * threads);
        const blocks = 1 + Math.floor(next() * 200);
        const claims = newClaims();
        const readers = Array.from({ length: threads }, () => ({ take: blockTaker({ claims })!, at: 0, took: [] as number[] }));
        // Each step one reader still reading comes to its next block: threads far apart, close together, one far behind.
        while (readers.some((r) => r.at < blocks)) {
          const reading = readers.filter((r) => r.at < blocks);
          const r = reading[Math.floor(next() * reading.length)]!;
          if (r.take()) r.took.push(r.at);
          r.at++;
        }
        const taken = readers.flatMap((r) => r.took).sort((a, b) => a - b);
        expect(taken, `seed ${seed}`).toEqual(Array.from({ length: blocks }, (_, i) => i));
      }
    });
  }

  it('go to whichever reader comes first to the next block no one took', () => {
    const claims = newClaims();
    const first = blockTaker({ claims })!;
    const second = blockTaker({ claims })!;
    const read = (take: () => boolean, blocks: number): boolean[] => Array.from({ length: blocks }, () => take());
    // The first reads alone (the second still starting), the second catches up and passes it, then the first again.
    expect(read(first, 10)).toEqual(Array(10).fill(true));
    expect(read(second, 15)).toEqual([...Array(10).fill(false), ...Array(5).fill(true)]);
    expect(read(first, 8)).toEqual([...Array(5).fill(false), ...Array(3).fill(true)]);
    expect(read(second, 3)).toEqual(Array(3).fill(false));
  });

  it('are refused with a bad every-Nth share as before', () => {
    expect(() => blockTaker({ index: 2, of: 2 })).toThrow(RangeError);
  });
});
