import { closeSync, constants, fdatasyncSync, fstatSync, openSync, writeSync } from 'node:fs';
import { systemErrorText } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { exactJson } from '../output/exact-json.js';
import { untrustedReason } from './trusted-file.js';

/** What became of one candidate. `would purge` is a dry run's; `restored` a restore's. */
export type Decision = 'moved' | 'deleted' | 'would purge' | 'restored' | 'kept: changed' | 'kept: gone' | 'failed';

/** At most this long between a line written and its being on disk (a crash of the machine, not of the process, loses at most that). */
const SYNC_INTERVAL_MS = 1000;

/**
 * The purge log: JSON lines appended as the purge goes (one `write` each, so a line is
 * never torn and a killed purge leaves every line it wrote), made durable every
 * second and at the end. The file is opened without following a symbolic link, and
 * only a regular file, a FIFO or a character device is written: appending keeps the
 * record of an earlier run in the same file.
 */
export class PurgeLog {
  readonly fd: number;
  private lastSync = Date.now();

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o600);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const what = code === 'ELOOP' ? 'it is a symbolic link (never followed)' : systemErrorText(cause);
      throw new UsageError(`purge: cannot write the log ${file}: ${what}`, { cause });
    }
    const st = fstatSync(this.fd);
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) {
      closeSync(this.fd);
      throw new UsageError(`purge: cannot write the log ${file}: not a regular file, FIFO or character device`);
    }
    // A log file another user made (or can write, or has a second name for) would let them edit the record a restore trusts.
    const untrusted = st.isFile() ? untrustedReason(st) : null;
    if (untrusted !== null) {
      closeSync(this.fd);
      throw new UsageError(`purge: cannot write the log ${file}: ${untrusted}`);
    }
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
      // A FIFO or a tty has nothing to make durable.
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    }
  }
}
