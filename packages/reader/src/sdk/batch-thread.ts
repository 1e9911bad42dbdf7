// A helper thread of formattedBatches (batches-in-threads.ts): it reads the whole walk
// and formats only its own batches (batch k is thread k mod N's), posting each one's
// bytes in order, at most BATCHES_IN_FLIGHT ahead of the thread that writes them.
import { parentPort, workerData } from 'node:worker_threads';
import { BATCHES_IN_FLIGHT, type BatchFormatterModule } from './batches-in-threads.js';
import { threadFailure, type ThreadFailure } from './thread-failure.js';
import { openWalk } from './walk.js';

export interface BatchThreadData {
  readonly dir: string;
  readonly module: string;
  readonly options: unknown;
  readonly onCorrupt: 'throw' | 'skip';
  readonly threads: number;
  readonly index: number;
}

export type BatchThreadMessage =
  | { readonly type: 'batch'; readonly seq: number; readonly bytes: Uint8Array }
  /** `batches`: every batch of the walk this thread read (the writing thread must have read as many). */
  | { readonly type: 'done'; readonly batches: number }
  | { readonly type: 'failed'; readonly error: ThreadFailure };

const port = parentPort!;
const data = workerData as BatchThreadData;
let inFlight = 0;
let taken: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  taken?.();
  taken = null;
});

async function run(): Promise<void> {
  // The writing thread opened this walk already and reports what its folder holds amiss.
  const walk = await openWalk(data.dir, { onCorrupt: 'skip' });
  const { createBatchFormatter } = (await import(data.module)) as BatchFormatterModule;
  const format = await createBatchFormatter(walk, data.options, undefined);
  let seq = 0;
  for await (const batch of walk.recordBatches({ onCorrupt: data.onCorrupt })) {
    if (seq % data.threads === data.index) {
      const bytes = format(batch);
      while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (taken = resolve));
      inFlight++;
      port.postMessage({ type: 'batch', seq, bytes } satisfies BatchThreadMessage, [bytes.buffer as ArrayBuffer]);
    }
    seq++;
  }
  port.postMessage({ type: 'done', batches: seq } satisfies BatchThreadMessage);
}

run().catch((err: unknown) => {
  port.postMessage({ type: 'failed', error: threadFailure(err) } satisfies BatchThreadMessage);
});
