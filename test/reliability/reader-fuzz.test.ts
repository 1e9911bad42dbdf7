// Hostile input to the reader: a seeded mutation loop over a real walk folder
// (flipped bits, overwritten ranges, cut files, grown length fields, swapped
// blocks, garbage manifests). For every mutant the reader either reads, yielding
// only records that are in the original walk, or raises a WalkFormatError with a
// code, a file and an offset: never another exception, a hang or an invented
// record. The budget is a few seconds here; `pnpm fuzz` runs it for longer.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWalk, WalkErrorCode, WalkFormatError, type WalkEntry } from '@pwalk-ts/reader';
import { runCliOk } from '../helpers/run-cli.js';
import { mulberry32 } from '../../bench/corpus.mjs';
import { buildEdgeTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

const SECONDS = Number(process.env.PWALK_FUZZ_SECONDS ?? 6);
const SEED = Number(process.env.PWALK_FUZZ_SEED ?? 20261122);
const CODES = new Set<string>(Object.values(WalkErrorCode));

function fingerprint(e: WalkEntry): string {
  return [
    Buffer.from(e.relativePathBytes).toString('base64'),
    e.type,
    e.size,
    e.mtime,
    e.inode,
    e.parentInode,
    e.blocks,
    e.mode,
    e.uid,
    e.gid,
    e.nlink,
    e.dev,
    e.atime,
    e.ctime,
  ].join('|');
}

let base: string;
let walkDir: string;
let files: Map<string, Buffer>;
let original: Set<string>;

describe('reader fuzzing', () => {
  beforeAll(async () => {
    base = makeTempBase('fuzz');
    const tree = join(base, 'tree');
    buildEdgeTree(tree);
    walkDir = join(base, 'walk');
    // Several threads: several thread files to damage, besides the manifest.
    await runCliOk([tree, '--threads', '3', '--out', walkDir, '--quiet']);
    files = new Map(readdirSync(walkDir).map((n) => [n, readFileSync(join(walkDir, n))]));
    const walk = await openWalk(walkDir);
    original = new Set();
    for await (const e of walk.records()) original.add(fingerprint(e));
    expect(original.size).toBeGreaterThan(20);
  });
  afterAll(() => removeTempBase(base));

  it(`survives ${SECONDS} s of seeded mutations (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const pick = (n: number): number => Math.floor(random() * n);
    const names = [...files.keys()];
    const mutant = join(base, 'mutant');
    const deadline = Date.now() + SECONDS * 1000;
    let rounds = 0;
    const outcomes = new Map<string, number>();
    while (Date.now() < deadline) {
      rounds++;
      rmSync(mutant, { recursive: true, force: true });
      mkdirSync(mutant);
      for (const [name, bytes] of files) writeFileSync(join(mutant, name), bytes);
      const victim = names[pick(names.length)]!;
      const bytes = Buffer.from(files.get(victim)!);
      let damaged: Buffer = bytes;
      switch (pick(6)) {
        case 0: // flip one bit
          if (bytes.length > 0) bytes[pick(bytes.length)]! ^= 1 << pick(8);
          break;
        case 1: // overwrite a range with random bytes
          for (let i = pick(bytes.length), n = pick(64); n > 0 && i < bytes.length; i++, n--) bytes[i] = pick(256);
          break;
        case 2: // cut
          damaged = bytes.subarray(0, pick(bytes.length + 1));
          break;
        case 3: // a length or count field set to something large
          if (bytes.length >= 4) bytes.writeUInt32LE([0xffffffff, 0x7fffffff, 65535, pick(1 << 20)][pick(4)]!, pick(bytes.length - 3));
          break;
        case 4: // duplicate a range (shifts everything after it)
          {
            const at = pick(bytes.length);
            damaged = Buffer.concat([bytes.subarray(0, at), bytes.subarray(pick(bytes.length), at), bytes.subarray(at)]);
          }
          break;
        default: // zeros over a range (a crash that kept the length)
          bytes.fill(0, pick(bytes.length), pick(bytes.length + 1));
      }
      writeFileSync(join(mutant, victim), damaged);
      const outcome = await readAll(mutant);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(rounds).toBeGreaterThan(50);
    // The loop must have met damage, not only harmless mutations.
    expect([...outcomes.keys()].some((k) => k !== 'read')).toBe(true);
  });
});

/** Reads everything strictly then leniently (from the open on); returns how it ended. Fails the test on anything but the contract. */
async function readAll(dir: string): Promise<string> {
  let ended = 'read';
  for (const onCorrupt of ['throw', 'skip'] as const) {
    try {
      const walk = await openWalk(dir, { onCorrupt });
      for await (const e of walk.records()) {
        if (!original.has(fingerprint(e))) throw new Error(`invented record ${fingerprint(e)} (${onCorrupt})`);
      }
      for await (const e of walk.errors()) void e.path;
      for (const p of walk.problems) expect(CODES.has(p.code)).toBe(true);
    } catch (err) {
      if (!(err instanceof WalkFormatError)) throw err;
      expect(CODES.has(err.code)).toBe(true);
      expect(err.file).toBeTruthy();
      ended = err.code;
    }
  }
  return ended;
}
