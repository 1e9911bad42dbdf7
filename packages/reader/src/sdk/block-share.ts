/**
 * One thread's share of a walk's blocks when several threads read it together, dealt
 * or claimed, counted over its thread files in order. Every thread reads every block (a copy from the page cache) and checks and decodes only
 * its own blocks; a problem met at a block (damage, a cut end) is reported by the
 * thread whose block it is, so the shares together report it once.
 */
export type BlockShare = DealtShare | ClaimedShare;

/** Blocks dealt in turns: `index`, `index + of`, `index + 2 of`... (blockOwner). */
export interface DealtShare {
  readonly index: number;
  readonly of: number;
}

/**
 * A share claimed block by block by threads reading the walk together: each block goes
 * to the first of them to come to it while it is the next block nobody took (`claims[0]`,
 * on a SharedArrayBuffer, counts the blocks taken). A faster thread takes more blocks,
 * so threads with unequal work besides (one keeping the directories too) end together;
 * a slower one, behind, takes whatever no one took before it, so every block is taken
 * once. Which thread takes which block changes from run to run: only for sums that merge exactly.
 */
export interface ClaimedShare {
  readonly claims: Int32Array;
}

/** The claims of a new ClaimedShare, for every thread that takes part. */
export function newClaims(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Asked once per block in reading order: whether it is the share's. Undefined without a share (every block is). */
export function blockTaker(share: BlockShare | undefined): (() => boolean) | undefined {
  if (share === undefined) return undefined;
  if ('claims' in share) {
    const claims = share.claims;
    let block = 0;
    return () => {
      const next = block++;
      return Atomics.compareExchange(claims, 0, next, next + 1) === next;
    };
  }
  if (!Number.isInteger(share.of) || share.of < 1 || !Number.isInteger(share.index) || share.index < 0 || share.index >= share.of) {
    throw new RangeError(`a block share is index 0 <= i < of, got ${share.index} of ${share.of}`);
  }
  let block = 0;
  return () => blockOwner(block++, share.of) === share.index;
}

/** Which of `threads` threads reading a walk together takes its block `seq` (counted from 0 over the thread files in order): the one rule of every share. */
export function blockOwner(seq: number, threads: number): number {
  return seq % threads;
}
