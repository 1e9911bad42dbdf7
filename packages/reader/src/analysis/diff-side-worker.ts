// A worker thread of a diff (diff-side-in-worker.ts): it reads one walk, writes it as
// sorted runs into a folder the main thread made and removes, and credits its space
// figures on the way; the main thread merges the runs.
import { parentPort, workerData } from 'node:worker_threads';
import { diffLedgers, DiffSpace, type DiffSpacePart } from './diff-space.js';
import type { DiffSide } from './growth-ledger.js';
import { sortLayout, spillSortedRuns } from '../sdk/sort-by-path.js';
import { RunSpill, type RunFile } from '../sdk/sort-runs.js';
import { threadFailure, threadProblem, type ThreadFailure, type ThreadProblem } from '../sdk/thread-failure.js';
import { openWalk } from '../sdk/walk.js';

export interface DiffSideWorkerData {
  readonly dir: string;
  readonly side: DiffSide;
  readonly onCorrupt: 'throw' | 'skip';
  readonly sortMemoryRecords: number | undefined;
  readonly runFolder: string;
}

export type DiffSideWorkerMessage =
  /** `problems`: what reading met, past what opening the walk did (the main thread has those). */
  | { readonly type: 'done'; readonly runs: RunFile[]; readonly space: DiffSpacePart; readonly problems: ThreadProblem[] }
  | { readonly type: 'failed'; readonly error: ThreadFailure };

const port = parentPort!;
const data = workerData as DiffSideWorkerData;

async function run(): Promise<void> {
  const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
  const openingProblems = walk.problems.length;
  const spill = new RunSpill(data.runFolder, sortLayout(walk).fullAttrs);
  const space = new DiffSpace(data.side, diffLedgers());
  await spillSortedRuns(walk.entryBlocks({ onCorrupt: data.onCorrupt }), { sortMemoryRecords: data.sortMemoryRecords, onBlock: space.creditBlock }, spill);
  space.finish();
  const problems = walk.problems.slice(openingProblems).map(threadProblem);
  port.postMessage({ type: 'done', runs: spill.runs, space: space.part(), problems } satisfies DiffSideWorkerMessage);
}

run().catch((err: unknown) => {
  port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies DiffSideWorkerMessage);
});
