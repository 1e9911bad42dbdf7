import { randomBytes } from 'node:crypto';
import { rm, rename, writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { writeChunk, type CliIo } from '../io.js';

/**
 * Writes a report file whole or not at all (temp file in the same folder, then
 * rename), so a cron job that mails it never sends half a page. '-' is stdout.
 * A file that cannot be written is one line and exit 2.
 */
export async function writeOutput(file: string, text: string, io: CliIo): Promise<void> {
  if (file === '-') {
    await writeChunk(io.stdout, text);
    return;
  }
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(cause as Error).message}`, { cause });
  }
}
