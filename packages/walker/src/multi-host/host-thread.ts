// Worker thread entry of a multi-host walk: reads the directories of one job at a
// time, never descending past them (their subdirectories become new jobs), and
// checkpoints its thread file at the end of each job so the job can be committed.
import { parentPort, workerData } from 'node:worker_threads';
import { AsyncDirectoryEngine } from '../async-engine.js';
import { DirectoryScanner, type ScanTotals } from '../directory-scanner.js';
import type { DirectoryItem } from '../directory-item.js';
import { createEntryFilter } from '../entry-filter.js';
import { loadNativeBinding, NativeDirectoryScanner } from '../native-scanner.js';
import { ThreadFileWriter } from '../thread-file-writer.js';
import type { WorkSource } from '../work-queue.js';
import { workerFailure } from '../worker-failure.js';
import { decodeDirs, encodeDirs } from './job-codec.js';
import type { HostThreadData, HostThreadMessage, ToHostThread, JobTotals } from './host-thread-protocol.js';

const data = workerData as HostThreadData;
const port = parentPort!;

/** A job's directories are all there is: the async engine never finds more work here. */
const NO_MORE_WORK: WorkSource = {
  take: () => Promise.resolve(null),
  wantsWork: () => false,
  give: () => undefined,
};

function post(msg: HostThreadMessage): void {
  port.postMessage(msg);
}

function nextMessage(): Promise<ToHostThread> {
  return new Promise((resolve) => port.once('message', resolve));
}

function copyTotals(t: ScanTotals): ScanTotals {
  return { ...t };
}

function delta(now: ScanTotals, before: ScanTotals): JobTotals {
  return {
    entries: now.entries - before.entries,
    dirsRead: now.dirs - before.dirs,
    dirs: now.dirEntries - before.dirEntries,
    files: now.files - before.files,
    errors: now.errors - before.errors,
    bytes: now.bytesBig + BigInt(now.bytesSmall) - (before.bytesBig + BigInt(before.bytesSmall)),
  };
}

async function run(): Promise<void> {
  const { settings } = data;
  let writer: ThreadFileWriter | null = null;
  let current: DirectoryItem | null = null;
  try {
    writer = new ThreadFileWriter(
      settings.out,
      data.thread,
      data.host,
      { walkId: data.walkId, fullAttrs: !settings.compact, blockCapacity: settings.blockCapacity },
      data.fileName,
    );
    const files = writer;
    const jobDirs: DirectoryItem[] = [];
    const children: DirectoryItem[] = [];
    const filter = createEntryFilter(settings);
    const onError = (): void => void files.errorCount++;
    const native = loadNativeBinding();
    const scanner =
      native !== null
        ? new NativeDirectoryScanner(native, settings, files.records, filter, children, onError, data.rootDev)
        : new DirectoryScanner(settings, files.records, filter, children, onError, data.rootDev);
    const engine =
      settings.inflightPerWorker > 1
        ? new AsyncDirectoryEngine(scanner, jobDirs, NO_MORE_WORK, new Int32Array(new SharedArrayBuffer(128)), settings.inflightPerWorker, () => undefined)
        : null;
    let committed = files.checkpoint();
    post({ type: 'ready', file: committed });
    for (;;) {
      const msg = await nextMessage();
      if (msg.type === 'finish') break;
      if (msg.type !== 'job') continue;
      const before = copyTotals(scanner.totals);
      if (msg.root) {
        const root = scanner.recordRoot();
        if (root !== null) jobDirs.push(root);
      } else {
        for (const item of decodeDirs(msg.dirs)) jobDirs.push(item);
      }
      if (engine !== null) {
        await engine.run();
      } else {
        while (jobDirs.length > 0) {
          current = jobDirs.pop()!;
          scanner.scan(current);
          current = null;
        }
      }
      const chunks = [];
      for (let i = 0; i < children.length; i += data.dirsPerJob) chunks.push(encodeDirs(children.slice(i, i + data.dirsPerJob)));
      children.length = 0;
      const file = files.checkpoint();
      post({ type: 'scanned', chunks, file, totals: delta(scanner.totals, before) });
      const verdict = await nextMessage();
      if (verdict.type === 'commit' && verdict.keep) {
        committed = file;
      } else {
        files.rollback(committed);
        Object.assign(scanner.totals, before);
      }
    }
    post({ type: 'done', file: files.close() });
  } catch (err) {
    writer?.abandon();
    post({ type: 'fatal', ...workerFailure(err, data.settings, current) });
  }
}

void run();
