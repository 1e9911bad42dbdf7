// A worker thread of a parallel sort (sort-in-worker.ts): it reads one walk and
// writes it as sorted runs into a folder the main thread made and removes; the main
// thread merges the runs.
import { parentPort, workerData } from 'node:worker_threads';
import { sortLayout, spillSortedRuns } from './sort-by-path.js';
import { RunSpill, type RunFile } from './sort-runs.js';
import { threadFailure, threadProblem, type ThreadFailure, type ThreadProblem } from './thread-failure.js';
import { openWalk } from './walk.js';

export interface SortWorkerData {
  readonly dir: string;
  readonly onCorrupt: 'throw' | 'skip';
  readonly sortMemoryRecords: number | undefined;
  readonly runFolder: string;
}

export type SortWorkerMessage =
  /** `problems`: what reading met, past what opening the walk did (the main thread has those). */
  { readonly type: 'done'; readonly runs: RunFile[]; readonly problems: ThreadProblem[] } | { readonly type: 'failed'; readonly error: ThreadFailure };

const port = parentPort!;
const data = workerData as SortWorkerData;

async function run(): Promise<void> {
  const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
  const openingProblems = walk.problems.length;
  const spill = new RunSpill(data.runFolder, sortLayout(walk).fullAttrs);
  await spillSortedRuns(walk.recordBatches({ onCorrupt: data.onCorrupt }), { sortMemoryRecords: data.sortMemoryRecords }, spill);
  const problems = walk.problems.slice(openingProblems).map(threadProblem);
  port.postMessage({ type: 'done', runs: spill.runs, problems } satisfies SortWorkerMessage);
}

run().catch((err: unknown) => {
  port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies SortWorkerMessage);
});
