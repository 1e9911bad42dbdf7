// Worker thread entry of a multi-host walk: reads the directories of one job per
// slot at a time, never descending past them (their subdirectories become new
// jobs), and checkpoints the slot's thread file at the end of each job so the job
// can be committed.
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadFileSummary } from '@pwalk-ts/reader';
import { latencyEngine, type LatencyEngine } from '../latency-engine.js';
import type { DirectoryItem } from '../directory-item.js';
import type { DirectoryScanner } from '../directory-scanner.js';
import { scannedBytes, type ScanTotals } from '../scan-totals.js';
import { ScanThreadSetup } from '../scan-thread.js';
import type { ThreadFileWriter } from '../thread-file-writer.js';
import type { WorkSource } from '../work-queue.js';
import { workerFailure } from '../worker-failure.js';
import { decodeDirs, encodeBatches } from './job-codec.js';
import type { HostThreadData, HostThreadMessage, JobTotals, ToHostThread } from './host-thread-protocol.js';

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

function delta(now: ScanTotals, before: ScanTotals): JobTotals {
  return {
    entries: now.entries - before.entries,
    dirsRead: now.dirsRead - before.dirsRead,
    dirs: now.dirEntries - before.dirEntries,
    files: now.files - before.files,
    errors: now.errors - before.errors,
    bytes: scannedBytes(now) - scannedBytes(before),
  };
}

/** One slot: its own file, scanner and engine, reading one job at a time. */
class Slot {
  readonly writer: ThreadFileWriter;
  private readonly jobDirs: DirectoryItem[] = [];
  private readonly children: DirectoryItem[] = [];
  private readonly scanner: DirectoryScanner;
  private readonly engine: LatencyEngine | null;
  private committed: ThreadFileSummary;
  private verdict: ((keep: boolean) => void) | null = null;
  /** The directory being read by the synchronous engine, for a fatal error's message. */
  current: DirectoryItem | null = null;

  constructor(
    private readonly index: number,
    setup: ScanThreadSetup,
    inflight: number,
  ) {
    ({ writer: this.writer, scanner: this.scanner } = setup.open(this.children, data.fileNames[index]));
    this.engine =
      inflight > 1
        ? latencyEngine(this.scanner, {
            stack: this.jobDirs,
            source: NO_MORE_WORK,
            control: new Int32Array(new SharedArrayBuffer(128)),
            inflight,
            afterDirectory: () => undefined,
          })
        : null;
    this.committed = this.writer.checkpoint();
  }

  /** Reads the job, checkpoints the file, reports, and keeps or cuts its records as the main thread decides. */
  async run(job: Extract<ToHostThread, { type: 'job' }>): Promise<void> {
    const before = { ...this.scanner.totals };
    if (job.root) {
      const root = this.scanner.recordRoot();
      if (root !== null) this.jobDirs.push(root);
    } else {
      for (const item of decodeDirs(job.dirs)) this.jobDirs.push(item);
    }
    if (this.engine !== null) {
      await this.engine.run();
    } else {
      while (this.jobDirs.length > 0) {
        this.current = this.jobDirs.pop()!;
        this.scanner.scan(this.current);
        this.current = null;
      }
    }
    const chunks = encodeBatches(this.children, data.dirsPerJob);
    this.children.length = 0;
    const file = this.writer.checkpoint();
    const keep = new Promise<boolean>((resolve) => (this.verdict = resolve));
    post({ type: 'scanned', slot: this.index, chunks, file, totals: delta(this.scanner.totals, before) });
    if (await keep) {
      this.committed = file;
    } else {
      this.writer.rollback(this.committed);
      Object.assign(this.scanner.totals, before);
    }
  }

  decide(keep: boolean): void {
    const v = this.verdict;
    this.verdict = null;
    v?.(keep);
  }
}

function run(): void {
  const slots: Slot[] = [];
  const fatal = (err: unknown): void => {
    for (const s of slots) s.writer.abandon();
    post({ type: 'fatal', ...workerFailure(err, data.settings, slots.find((s) => s.current !== null)?.current ?? null) });
  };
  try {
    const setup = new ScanThreadSetup(data);
    const inflight = Math.max(1, Math.ceil(data.settings.inflightPerWorker / data.fileNames.length));
    for (let i = 0; i < data.fileNames.length; i++) slots.push(new Slot(i, setup, inflight));
  } catch (err) {
    fatal(err);
    return;
  }
  post({ type: 'ready', files: slots.map((s) => s.writer.checkpoint()) });
  port.on('message', (msg: ToHostThread) => {
    try {
      if (msg.type === 'job') slots[msg.slot]!.run(msg).catch(fatal);
      else if (msg.type === 'commit') slots[msg.slot]!.decide(msg.keep);
      else {
        post({ type: 'done', files: slots.map((s) => s.writer.close()) });
        port.close();
      }
    } catch (err) {
      fatal(err);
    }
  });
}

run();
