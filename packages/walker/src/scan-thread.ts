import type { DirectoryItem } from './directory-item.js';
import { DirectoryScanner } from './directory-scanner.js';
import { createEntryFilter, type EntryFilter } from './entry-filter.js';
import { EntryPolicy } from './entry-policy.js';
import { loadNativeBinding, NativeDirectoryScanner, type NativeBinding } from './native-scanner.js';
import type { WalkSettings } from './settings.js';
import { ThreadFileWriter } from './thread-file-writer.js';

/** What every scanning thread is started with: a walk's worker and a multi-host walk's host thread. */
export interface ScanThreadData {
  settings: WalkSettings;
  thread: number;
  /** The host name recorded in the file summaries. */
  host: string;
  walkId: string;
  /** This host's device number of the root (lstat), for --one-file-system. */
  rootDev: bigint;
  /** Directories read before a resume (latin1 keys of relative paths): recorded, never read again. */
  alreadyRead?: readonly string[];
}

/** A thread file and the scanner that records into it. */
export interface ThreadScan {
  readonly writer: ThreadFileWriter;
  readonly scanner: DirectoryScanner;
}

/**
 * A scanning thread's setup, made once per thread: the --exclude test and the
 * scanner route, shared by every thread file the thread writes.
 */
export class ScanThreadSetup {
  private readonly filter: EntryFilter | null;
  private readonly native: NativeBinding | null;
  private readonly alreadyRead: ReadonlySet<string> | null;

  constructor(private readonly data: ScanThreadData) {
    this.filter = createEntryFilter(data.settings);
    // Perf: the route is chosen here, once per thread (fdir style): the native
    // addon when it is built and loads (and PWALK_NATIVE is not 0), else the
    // TypeScript routes. The scanner's hot loop then carries no test of which
    // route it is on, and V8 sees one scanner class per thread.
    this.native = loadNativeBinding();
    this.alreadyRead = data.alreadyRead !== undefined && data.alreadyRead.length > 0 ? new Set(data.alreadyRead) : null;
  }

  /** Opens a thread file (named `fileName` in a multi-host walk) and a scanner that stacks subdirectories on `stack`. */
  open(stack: DirectoryItem[], fileName?: string): ThreadScan {
    const { settings, thread, host, walkId, rootDev } = this.data;
    const writer = new ThreadFileWriter(settings.out, thread, host, { walkId, fullAttrs: !settings.compact, blockCapacity: settings.blockCapacity }, fileName);
    const policy = new EntryPolicy(settings, writer.records, this.filter, stack, () => void writer.errorCount++, rootDev, this.alreadyRead);
    const scanner =
      this.native !== null ? new NativeDirectoryScanner(this.native, settings, writer.records, policy) : new DirectoryScanner(settings, writer.records, policy);
    return { writer, scanner };
  }
}
