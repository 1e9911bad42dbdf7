// FramePaths checks header paths a component at a time from their front coding; here it
// meets random front-coded sequences of paths of 'a', '.' and '/', and must say of
// each exactly what isBelowRoot says of the whole path, and of each name what a name
// is (one component).
import { expect, it } from 'vitest';
import { FramePaths } from '../src/format/frame-paths.js';
import { isBelowRoot } from '../src/format/relative-path.js';

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const text = (pick: (n: number) => number, most: number): string => Array.from({ length: pick(most + 1) }, () => 'aaaaa./'[pick(7)]!).join('');

it('agrees with isBelowRoot on thousands of front-coded headers, below the root or not, and with the name rule on their names', () => {
  const r = random(20261206);
  const pick = (n: number): number => Math.floor(r() * n);
  const seen = { below: 0, refused: 0 };
  for (let block = 0; block < 1000; block++) {
    // One block: each header's suffix and the name after it, laid out in order.
    const steps: { shared: number; suffix: string; name: string }[] = [];
    let path = '';
    for (let i = 0; i < 40; i++) {
      const shared = i === 0 ? 0 : pick(path.length + 1);
      const suffix = text(pick, 6);
      steps.push({ shared, suffix, name: text(pick, 3) });
      path = path.slice(0, shared) + suffix;
    }
    const payload = Buffer.from(steps.map((s) => s.suffix + s.name).join(''), 'latin1');
    const paths = new FramePaths(payload);
    let at = 0;
    path = '';
    for (const s of steps) {
      path = path.slice(0, s.shared) + s.suffix;
      const below = path === '' || isBelowRoot(Buffer.from(path, 'latin1'));
      expect(paths.enter(s.shared, at, s.suffix.length), JSON.stringify({ path, ...s })).toBe(below);
      seen[below ? 'below' : 'refused']++;
      // The cursor stops at a refused header: the rest of the block is not read.
      if (!below) break;
      at += s.suffix.length;
      const name = s.name === '' || s.name === '.' || s.name === '..' || s.name.includes('/') ? s.name === '' && path === '' : true;
      expect(paths.isName(at, at + s.name.length, path === ''), JSON.stringify({ path, name: s.name })).toBe(name);
      at += s.name.length;
    }
  }
  expect(Math.min(seen.below, seen.refused)).toBeGreaterThan(800);
});
