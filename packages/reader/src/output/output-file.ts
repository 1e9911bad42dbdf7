import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExportError, ExportErrorCode } from '../format/errors.js';
import { checkRenameTarget, openThrough, outputRoute } from './output-target.js';
import { systemError } from './system-error.js';

/**
 * A file written whole or not at all, by the rule in output-target.ts: to a new
 * temporary file beside the target (`.NAME.PID.RANDOM.tmp`, created exclusively),
 * which `commit` fsyncs and renames onto it; or, for a FIFO or a character device,
 * into the target itself.
 */
export class OutputFile {
  private fd: number;
  /** The temporary file, or null when written through. */
  private readonly tmp: string | null;

  /**
   * Refuses (EXISTS) when something is at `target` and `overwrite` is false, and (TARGET) a kind never written.
   * `through: false` also refuses a FIFO or character device: a file whose name the tool chose, in a folder
   * others may write, is only ever a regular file (a FIFO planted there would receive another user's report).
   */
  constructor(
    readonly target: string,
    private readonly overwrite: boolean,
    options: { through?: boolean } = {},
  ) {
    if (!overwrite && exists(target)) throw new ExportError(ExportErrorCode.EXISTS, `${target} exists`, target);
    if (outputRoute(target) === 'through') {
      if (options.through === false) throw new ExportError(ExportErrorCode.TARGET, `${target} is a FIFO or a device, not a regular file; not written`, target);
      this.tmp = null;
      this.fd = openThrough(target);
      return;
    }
    this.tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    // Errors name the target, the file the user asked for, not the temporary name beside it.
    try {
      this.fd = openSync(this.tmp, 'wx', 0o644);
    } catch (cause) {
      throw systemError(this.target, 'create', cause);
    }
  }

  write(bytes: Uint8Array): void {
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (cause) {
      throw systemError(this.target, 'write', cause);
    }
  }

  /** Closes; a temporary file is fsynced and renamed onto the target first. */
  commit(): void {
    if (this.tmp === null) {
      this.close(this.target);
      return;
    }
    try {
      fsyncSync(this.fd);
    } catch (cause) {
      throw systemError(this.target, 'sync', cause);
    }
    this.close(this.tmp);
    if (!this.overwrite && exists(this.target)) {
      throw new ExportError(ExportErrorCode.EXISTS, `${this.target} appeared during the export`, this.target);
    }
    checkRenameTarget(this.target);
    try {
      renameSync(this.tmp, this.target);
    } catch (cause) {
      throw systemError(this.target, 'rename to', cause);
    }
  }

  /** Closes and removes the temporary file (after a failure); never throws. */
  discard(): void {
    try {
      this.close(this.tmp ?? this.target);
      if (this.tmp !== null) unlinkSync(this.tmp);
    } catch {
      // the failure being reported matters more than a temporary file that would not close or is already gone
    }
  }

  private close(name: string): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (cause) {
      throw systemError(name, 'close', cause);
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
