// How a job's subdirectories become batches, and how a redelivered job's plan is
// extended: hand-built batches, job ids from a counter.
import { describe, expect, it } from 'vitest';
import type { Ancestor, DirectoryItem } from '../src/directory-item.js';
import { encodeBatches, encodeDirs } from '../src/multi-host/job-codec.js';
import { extendPlan, type PlannedBatch } from '../src/multi-host/job-plan.js';

const parent: Ancestor = { ino: 7n, dev: 1n, up: null };
const dir = (name: string, ino: bigint): DirectoryItem => ({ rel: Buffer.from(name), ino, dev: 1n, depth: 1, up: parent });
const [a, b, c, d, e] = [dir('a', 1n), dir('b', 2n), dir('c', 3n), dir('d', 4n), dir('e', 5n)] as const;

function counter(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

describe('encodeBatches', () => {
  it('cuts directories into batches of dirsPerJob, the last one shorter', () => {
    // 'a' .. 'e' are YQ==, Yg==, Yw==, ZA==, ZQ== in base64; the parent is the one ancestor of each batch.
    expect(encodeBatches([a, b, c, d, e], 2)).toEqual([
      {
        d: [
          ['YQ==', '1', '1', 1, 0],
          ['Yg==', '2', '1', 1, 0],
        ],
        a: [['7', '1', -1]],
      },
      {
        d: [
          ['Yw==', '3', '1', 1, 0],
          ['ZA==', '4', '1', 1, 0],
        ],
        a: [['7', '1', -1]],
      },
      { d: [['ZQ==', '5', '1', 1, 0]], a: [['7', '1', -1]] },
    ]);
    expect(encodeBatches([], 2)).toEqual([]);
  });
});

describe('extendPlan', () => {
  const planned: PlannedBatch[] = [['old-1', encodeDirs([a, b])]];

  it('keeps the earlier plan as it is when this attempt found no directory it did not', () => {
    expect(extendPlan(planned, encodeBatches([b, a], 1), 16, counter())).toBe(planned);
    expect(extendPlan(planned, [], 16, counter())).toBe(planned);
  });

  it('adds new batches, with new job ids, for the directories only this attempt found', () => {
    const extended = extendPlan(planned, encodeBatches([a, c, b, d, e], 2), 2, counter());
    // c and d came in different batches, so each brings its own copy of the parent.
    expect(extended).toEqual([
      ['old-1', encodeDirs([a, b])],
      [
        'new-1',
        {
          d: [
            ['Yw==', '3', '1', 1, 0],
            ['ZA==', '4', '1', 1, 1],
          ],
          a: [
            ['7', '1', -1],
            ['7', '1', -1],
          ],
        },
      ],
      ['new-2', { d: [['ZQ==', '5', '1', 1, 0]], a: [['7', '1', -1]] }],
    ]);
    expect(planned).toHaveLength(1);
  });
});
