// A worker thread of a diff (diff-side-in-worker.ts): it reads one walk, writes it as
// sorted runs into a folder the main thread made and removes, and credits its space
// figures on the way; then, while the main thread merges the runs, it reads the
// diff's other walk (when given) to credit that walk's space too.
import { parentPort, workerData } from 'node:worker_threads';
import { diffLedgers, DiffSpace, type DiffSpacePart } from './diff-space.js';
import type { DiffSide } from './growth-ledger.js';
import { rowKey } from '../sdk/entry-block.js';
import { sortLayout, spillSortedRuns } from '../sdk/sort-by-path.js';
import { RunSpill, type RunFile } from '../sdk/sort-runs.js';
import { threadFailure, threadProblem, type ThreadFailure, type ThreadProblem } from '../sdk/thread-failure.js';
import { openWalk } from '../sdk/walk.js';

export interface DiffSideWorkerData {
  readonly dir: string;
  readonly side: DiffSide;
  /** The diff's other walk, read here only for its space figures. */
  readonly other: { readonly dir: string; readonly side: DiffSide } | null;
  readonly onCorrupt: 'throw' | 'skip';
  readonly sortMemoryRecords: number | undefined;
  readonly runFolder: string;
}

export type DiffSideWorkerMessage =
  /** `problems`: what reading met, past what opening the walk did (the main thread has those). */
  | { readonly type: 'sorted'; readonly runs: RunFile[]; readonly problems: ThreadProblem[] }
  | { readonly type: 'credited'; readonly spaces: DiffSpacePart[] }
  | { readonly type: 'failed'; readonly error: ThreadFailure };

const port = parentPort!;
const data = workerData as DiffSideWorkerData;

async function run(): Promise<void> {
  const ledgers = diffLedgers();
  const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
  const openingProblems = walk.problems.length;
  const spill = new RunSpill(data.runFolder, sortLayout(walk).fullAttrs);
  const space = new DiffSpace(data.side, ledgers);
  await spillSortedRuns(walk.entryBlocks({ onCorrupt: data.onCorrupt }), { sortMemoryRecords: data.sortMemoryRecords, onBlock: space.creditBlock }, spill);
  const problems = walk.problems.slice(openingProblems).map(threadProblem);
  port.postMessage({ type: 'sorted', runs: spill.runs, problems } satisfies DiffSideWorkerMessage);
  space.finish();
  const spaces = [space.part()];
  if (data.other !== null) {
    // The main thread's own read of this walk (its sort) meets the same blocks and reports their problems.
    const other = await openWalk(data.other.dir, { onCorrupt: 'skip' });
    const otherSpace = new DiffSpace(data.other.side, ledgers);
    for await (const block of other.entryBlocks({ onCorrupt: data.onCorrupt })) {
      const keys = new Array<string>(block.length);
      for (let i = 0; i < keys.length; i++) keys[i] = rowKey(block, i);
      otherSpace.creditBlock(block, keys);
    }
    otherSpace.finish();
    spaces.push(otherSpace.part());
  }
  port.postMessage({ type: 'credited', spaces } satisfies DiffSideWorkerMessage);
}

run().catch((err: unknown) => {
  port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies DiffSideWorkerMessage);
});
