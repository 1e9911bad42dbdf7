// Hostile format-2 payloads: the reader-fuzz mutations rarely reach the item decoder
// (a block's CRC-32 catches them), so here each mutant's checksum is made right again
// and the decoder itself meets flipped bits, overwritten and cut items, and varints of
// 10 and more bytes (FORMAT.md 7.1) in place of lengths and fields. Every mutant either
// reads or raises a WalkFormatError with a code, the file and an offset, for both the
// readers (records) and a resume's view of the files (readWalkState): never another
// exception or a hang.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isBelowRoot, openWalk, readWalkFolder, readWalkState, WalkErrorCode, WalkFormatError } from '@pwalk-ts/reader';
import { mulberry32 } from '../../bench/corpus.mjs';
import { frameBlock, threadFileBlocks } from '../helpers/forged-frames.js';
import { runCliOk } from '../helpers/run-cli.js';
import { buildEdgeTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

const SECONDS = Number(process.env.PWALK_FUZZ_SECONDS ?? 5);
const SEED = Number(process.env.PWALK_FUZZ_SEED ?? 20261206);
const CODES = new Set<string>(Object.values(WalkErrorCode));

let base: string;
let walkDir: string;
let original: Buffer;

beforeAll(async () => {
  base = makeTempBase('frame-fuzz');
  buildEdgeTree(join(base, 'tree'));
  walkDir = join(base, 'walk');
  await runCliOk([join(base, 'tree'), '--out', walkDir, '--threads', '1', '--quiet']);
  original = readFileSync(join(walkDir, 'thread_0.bin'));
});
afterAll(() => removeTempBase(base));

function expectFormatError(err: unknown): void {
  if (!(err instanceof WalkFormatError)) throw err;
  expect(CODES.has(err.code)).toBe(true);
  expect(err.file).toBeDefined();
}

it(`format-2 items survive ${SECONDS} s of mutations with checksums made right (seed ${SEED})`, async () => {
  const random = mulberry32(SEED);
  const pick = (n: number): number => Math.floor(random() * n);
  const deadline = Date.now() + SECONDS * 1000;
  const mutant = join(base, 'mutant');
  let rounds = 0;
  while (Date.now() < deadline) {
    rounds++;
    const parts = threadFileBlocks(original);
    const victim = parts[pick(parts.length)]!;
    // A copy: the payload is a view of the original file, which every round starts from.
    let p = Buffer.from(victim.payload);
    const at = pick(p.length);
    switch (pick(5)) {
      case 0:
        p[at]! ^= 1 << pick(8);
        break;
      case 1:
        for (let i = at, n = 1 + pick(16); n > 0 && i < p.length; i++, n--) p[i] = pick(256);
        break;
      case 2: // a varint of 10 to 12 bytes where a length or field was
        p = Buffer.concat([p.subarray(0, at), Buffer.alloc(9 + pick(3), 0xff), Buffer.of(pick(128)), p.subarray(at)]);
        break;
      case 3:
        p = p.subarray(0, at);
        break;
      default:
        p = Buffer.concat([p.subarray(0, at), Buffer.of(pick(256), pick(256)), p.subarray(at)]);
    }
    victim.payload = p;
    if (pick(4) === 0) victim.records = pick(1 << 20);
    rmSync(mutant, { recursive: true, force: true });
    mkdirSync(mutant);
    writeFileSync(join(mutant, 'manifest.msgpack'), readFileSync(join(walkDir, 'manifest.msgpack')));
    writeFileSync(join(mutant, 'thread_0.bin'), Buffer.concat([original.subarray(0, 64), ...parts.map((b) => frameBlock(b.payload, b.records))]));
    try {
      const walk = await openWalk(mutant, { onCorrupt: 'throw' });
      for await (const e of walk.records()) expect(e.relativePathBytes).toBeDefined();
    } catch (err) {
      expectFormatError(err);
    }
    try {
      const state = readWalkState((await readWalkFolder(mutant, 'throw')).files);
      for (const d of state.pending) expect(d.rel.length === 0 || isBelowRoot(d.rel)).toBe(true);
    } catch (err) {
      expectFormatError(err);
    }
  }
  expect(rounds).toBeGreaterThan(20);
}, 60_000);
