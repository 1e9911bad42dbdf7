import { closeSync, constants, lstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorText } from '@pwalk-ts/reader';
import { makeFolders } from '@pwalk-ts/reader/format';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { exactJson } from '../output/exact-json.js';
import { ownerFileNames } from './owner-file-names.js';
import { ownerHtml, ownerIndexHtml } from './owner-html.js';
import { ownerIndexJson, ownerReportJson, type OwnerInputs } from './owner-model.js';
import type { OwnerIndexJson } from './owner-schema.js';
import { writeOutput } from './write-output.js';

/** The index's file names in DIR (owners' files start with `user-` or `group-`). */
const INDEX = 'index';

/**
 * Writes every owner's JSON document and page into `dir`, then the index (so the index
 * only ever lists files that were written). `dir` is made when missing, then opened
 * once without following a link, and every file is written through that descriptor
 * (/proc/self/fd/N/NAME): a folder others can write, swapped for a symbolic link
 * meanwhile, redirects nothing. Files are regular files only (no FIFO or device
 * planted under an owner's name is written to), each whole or not at all.
 */
export async function writePerOwner(dir: string, inputs: OwnerInputs, io: CliIo): Promise<OwnerIndexJson> {
  const fd = openOutputFolder(dir);
  try {
    const at = (name: string) => ({ file: `/proc/self/fd/${fd}/${name}`, shownAs: join(dir, name) });
    const write = (name: string, text: string) => {
      const { file, shownAs } = at(name);
      return writeOutput(file, text, io, { shownAs, through: false });
    };
    const files = ownerFileNames(inputs.usage.by, inputs.usage.owners);
    for (const owner of inputs.usage.owners) {
      const doc = ownerReportJson(inputs, owner);
      const base = files.get(owner.id)!;
      await write(`${base}.json`, exactJson(doc, 2) + '\n');
      await write(`${base}.html`, ownerHtml(doc));
    }
    const index = ownerIndexJson(inputs, files);
    await write(`${INDEX}.json`, exactJson(index, 2) + '\n');
    await write(`${INDEX}.html`, ownerIndexHtml(index));
    return index;
  } finally {
    closeSync(fd);
  }
}

/** Makes `dir` as the walker makes its output folder, then opens it: a symbolic link there is refused, never followed. */
function openOutputFolder(dir: string): number {
  try {
    makeFolders(dir);
  } catch (cause) {
    throw new UsageError(`cannot create the folder ${dir}: ${systemErrorText(cause)}`, { cause });
  }
  try {
    return openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (cause) {
    // O_NOFOLLOW with O_DIRECTORY fails a link with ENOTDIR (ELOOP without O_DIRECTORY).
    const code = (cause as NodeJS.ErrnoException).code;
    if ((code === 'ENOTDIR' || code === 'ELOOP') && isSymbolicLink(dir)) {
      throw new UsageError(`${dir} is a symbolic link (never followed: give the folder it points to)`, { cause });
    }
    throw new UsageError(`cannot open the folder ${dir}: ${systemErrorText(cause)}`, { cause });
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
