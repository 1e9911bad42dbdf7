import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync, type Stats } from 'node:fs';
import { systemErrorText, untrustedReason } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { exactJson } from '../output/exact-json.js';

/** What became of one candidate. `would purge` is a dry run's; `restored` a restore's; `kept: protected` the log or a walk file met as a candidate. */
export type Decision = 'moved' | 'deleted' | 'would purge' | 'restored' | 'kept: changed' | 'kept: gone' | 'kept: protected' | 'failed';

/** At most this long between a line written and its being on disk (a crash of the machine, not of the process, loses at most that). */
const SYNC_INTERVAL_MS = 1000;

/**
 * How the log is opened: never through a symbolic link, never as a controlling
 * terminal, and without blocking: a FIFO nobody reads would otherwise hold the open
 * (in the main thread, where no SIGTERM handler can run) until SIGKILL.
 */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NOCTTY | constants.O_NONBLOCK;

const NEWLINE = 0x0a;

/**
 * The purge log: JSON lines appended as the purge goes (one `write` each, so a line is
 * never torn and a killed purge leaves every line it wrote), made durable every
 * second and at the end. Appending keeps the record of an earlier run in the same
 * file. A missing log is created (O_EXCL: this process's file); an existing one must
 * be a trusted regular file (trusted-file.ts) or a FIFO of the caller's that someone
 * already reads (to pipe the lines on); anything else is refused.
 */
export class PurgeLog {
  readonly fd: number;
  private lastSync = Date.now();

  constructor(readonly file: string) {
    const refuse = (what: string, cause?: unknown): never => {
      throw new UsageError(`purge: cannot write the log ${file}: ${what}`, cause === undefined ? undefined : { cause });
    };
    let probe = -1;
    try {
      probe = openExistingOrNew(file);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') refuse('it is a symbolic link (never followed)', cause);
      if (code === 'ENXIO') refuse('it is a FIFO (or socket) nobody reads', cause);
      refuse(systemErrorText(cause), cause);
    }
    const st = fstatSync(probe);
    // A log another user made (or can write, or has a second name for) would let them edit the record a restore trusts.
    const problem = !st.isFile() && !st.isFIFO() ? 'not a regular file or a FIFO' : untrustedReason(st);
    if (problem !== null) {
      closeSync(probe);
      refuse(problem);
    }
    this.fd = st.isFIFO() ? blockingAgain(probe) : probe;
    // A line cut short (a full disk) would swallow this run's first line: it ends here.
    if (st.isFile() && !endsWithNewline(this.fd, st)) writeSync(this.fd, Buffer.of(NEWLINE));
  }

  /** Appends one line; throws (the purge stops) when it cannot be written, since an action without its line is not what was promised. */
  write(line: object): void {
    const bytes = Buffer.from(exactJson(line) + '\n');
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done);
    const now = Date.now();
    if (now - this.lastSync >= SYNC_INTERVAL_MS) this.sync(now);
  }

  close(): void {
    this.sync(Date.now());
    closeSync(this.fd);
  }

  private sync(now: number): void {
    this.lastSync = now;
    try {
      fdatasyncSync(this.fd);
    } catch (err) {
      // A FIFO has nothing to make durable.
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    }
  }
}

/** The log opened for appending; a missing one created by this call alone (never a file someone made in between). */
function openExistingOrNew(file: string): number {
  try {
    return openSync(file, APPEND);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return openSync(file, APPEND | constants.O_CREAT | constants.O_EXCL, 0o600);
  }
}

/**
 * The same FIFO opened again without O_NONBLOCK (Node has no fcntl to clear it), so
 * that a slow reader slows the purge rather than failing it. The open does not
 * block, since the FIFO has a reader (the first open would have failed otherwise),
 * unless that reader quits in between: a FIFO of the caller's own, with its reader.
 */
function blockingAgain(fd: number): number {
  try {
    return openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
  } finally {
    closeSync(fd);
  }
}

function endsWithNewline(fd: number, st: Stats): boolean {
  if (st.size === 0) return true;
  // The append descriptor cannot read: the same file opened again, by its descriptor, for its last byte.
  const reader = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NOCTTY);
  try {
    const last = Buffer.alloc(1);
    return readSync(reader, last, 0, 1, st.size - 1) === 1 && last[0] === NEWLINE;
  } finally {
    closeSync(reader);
  }
}
