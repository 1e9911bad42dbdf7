// The entry of `cat`'s helper threads (commands/cat.ts starts them): each formats the
// walk's blocks of its turn (runBatchThread) with the rows cat-batches.ts writes.
import { runBatchThread } from '@pwalk-ts/reader';
import { createBatchFormatter, prepareCatBatches } from '../output/cat-batches.js';

runBatchThread(createBatchFormatter, prepareCatBatches);
