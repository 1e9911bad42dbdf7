// Worker thread entry: one per --threads. Reads directories from its own stack,
// refills it from the shared queue, and writes its own thread file. It loads its
// modules, then waits for the walk's data in a start message (walker-threads.ts): the
// thread may be started before the main thread has checked the walk.
import { parentPort } from 'node:worker_threads';
import { reviveItems, type DirectoryItem } from './directory-item.js';
import { latencyEngine } from './latency-engine.js';
import { CounterSlot, Control } from './progress-counters.js';
import { scannedBytes } from './scan-totals.js';
import { ScanThreadSetup } from './scan-thread.js';
import type { StartMessage } from './walker-threads.js';
import type { ThreadFileWriter } from './thread-file-writer.js';
import { PortWorkSource, type WorkerMessage } from './work-queue.js';
import type { WorkerData } from './worker-data.js';
import { workerFailure } from './worker-failure.js';

const port = parentPort!;

async function run(data: WorkerData): Promise<void> {
  const { settings, thread } = data;
  const control = new Int32Array(data.control);
  const slot = new CounterSlot(data.counters, thread);
  const source = new PortWorkSource(port, data.control);
  const stack: DirectoryItem[] = [];
  let current: DirectoryItem | null = null;
  let writer: ThreadFileWriter | null = null;
  try {
    const opened = new ScanThreadSetup(data).open(stack, data.fileName);
    writer = opened.writer;
    const { scanner } = opened;
    const t = scanner.totals;
    for (const seed of reviveItems(data.seeds)) stack.push(seed);
    if (data.seedsRoot) {
      const root = scanner.recordRoot();
      if (root !== null) stack.push(root);
    }
    const publish = (): void => slot.publish(t.entries, t.dirsRead, t.bytesSmall, t.bytesBig, t.errors, stack.length);
    // The engine is chosen once: the hot loops carry no mode test.
    const engine =
      settings.inflightPerWorker > 1 ? latencyEngine(scanner, { stack, source, control, inflight: settings.inflightPerWorker, afterDirectory: publish }) : null;
    for (;;) {
      if (engine !== null) {
        await engine.run();
      } else {
        while (stack.length > 0 && Atomics.load(control, Control.stop) === 0) {
          current = stack.pop()!;
          scanner.scan(current);
          current = null;
          publish();
          if (stack.length > 1 && source.wantsWork()) source.give(stack.splice(0, stack.length >> 1));
        }
      }
      if (Atomics.load(control, Control.stop) !== 0) break;
      const items = await source.take();
      if (items === null) break;
      for (const item of items) stack.push(item);
    }
    slot.publish(t.entries, t.dirsRead, t.bytesSmall, t.bytesBig, t.errors, 0);
    const file = opened.writer.close();
    post({
      type: 'done',
      summary: {
        file,
        entries: t.entries,
        dirs: t.dirEntries,
        files: t.files,
        errors: t.errors,
        bytes: scannedBytes(t),
      },
    });
  } catch (err) {
    writer?.abandon();
    post({ type: 'fatal', ...workerFailure(err, data.settings, current) });
  }
}

function post(msg: WorkerMessage): void {
  port.postMessage(msg);
}

port.once('message', (msg: StartMessage) => void run(msg.data));
