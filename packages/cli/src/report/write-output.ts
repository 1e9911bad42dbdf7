import { ExportError, OutputFile } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { writeChunk, type CliIo } from '../io.js';

/**
 * Writes a report file whole or not at all (the reader's OutputFile: a temporary file
 * renamed onto a regular file; a FIFO or character device written in place; other
 * kinds refused), so a cron job that mails it never sends half a page. '-' is stdout.
 * A file that cannot be written is one line and exit 2, naming it `shownAs`;
 * `through: false` refuses a FIFO or device (OutputFile).
 */
export async function writeOutput(file: string, text: string, io: CliIo, options: { shownAs?: string; through?: boolean } = {}): Promise<void> {
  if (file === '-') {
    await writeChunk(io.stdout, text);
    return;
  }
  let out: OutputFile | undefined;
  try {
    out = new OutputFile(file, true, { through: options.through });
    out.write(Buffer.from(text));
    out.commit();
  } catch (cause) {
    out?.discard();
    if (!(cause instanceof ExportError)) throw cause;
    // OutputFile's messages name the file and what failed ("cannot write F: ...") already,
    // by the path it was given; `shownAs` is that path in the user's words.
    throw new UsageError(options.shownAs === undefined ? cause.message : cause.message.split(file).join(options.shownAs), { cause });
  }
}
