import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FILE_HEADER_SIZE, MANIFEST_FILE, THREAD_FILE_PATTERN } from './format.js';
import { readManifest, type WalkManifest } from './manifest.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import { RootPath } from './root-path.js';
import { sortEntriesByPath, sortErrorsByPath, type SortOptions } from './sort-by-path.js';
import { decodeFileHeader, readThreadFile, type ThreadFileHeader } from './thread-file.js';
import { flattenBatches } from './flatten-batches.js';
import type { DecodedBlock } from './record-decoder.js';

export interface RecordsOptions extends SortOptions {
  /** 'path' yields entries in byte order of their paths, the same for any thread count. */
  sort?: 'none' | 'path';
  /**
   * 'throw' (default): a corrupt block or record raises a WalkFormatError after every
   * record of the blocks before it was yielded. 'skip': it is added to `walk.problems` and reading
   * goes on with the next block, so every other record is kept.
   */
  onCorrupt?: 'throw' | 'skip';
}

export interface WalkThreadFile {
  readonly name: string;
  readonly path: string;
  readonly header: ThreadFileHeader;
}

/** How finished a walk is: 'incomplete' when the writer never closed it (no manifest, or still 'running'). */
export type WalkCompleteness = 'complete' | 'interrupted' | 'failed' | 'incomplete';

/** An opened walk folder. Reading streams: nothing is loaded whole. */
export class Walk {
  /** Problems met while reading (truncation; corrupt blocks under onCorrupt 'skip'). */
  readonly problems: WalkFormatError[] = [];

  constructor(
    readonly dir: string,
    readonly manifest: WalkManifest | null,
    readonly files: readonly WalkThreadFile[],
    readonly root: RootPath,
  ) {}

  get status(): WalkCompleteness {
    const status = this.manifest?.status;
    return status === undefined || status === 'running' ? 'incomplete' : status;
  }

  /** Every entry of the walk (error records excluded). */
  records(options: RecordsOptions = {}): AsyncIterable<WalkEntry> {
    const batches = this.batches(options.onCorrupt ?? 'throw', (block) => block.entries);
    if (options.sort !== 'path') return flattenBatches(batches);
    const layout = { root: this.root, fullAttrs: this.files[0]?.header.fullAttrs ?? true };
    return flattenBatches(sortEntriesByPath(batches, layout, options));
  }


  /**
   * Every entry, a block's worth (thousands) at a time, in file order: the fastest
   * way through a walk, since the loop over each array is synchronous.
   */
  recordBatches(options: Pick<RecordsOptions, 'onCorrupt'> = {}): AsyncIterable<readonly WalkEntry[]> {
    return this.batches(options.onCorrupt ?? 'throw', (block) => block.entries);
  }

  /** Every per-entry failure recorded during the walk. */
  errors(options: RecordsOptions = {}): AsyncIterable<WalkEntryError> {
    const all = this.errorsInFileOrder(options.onCorrupt ?? 'throw');
    return options.sort === 'path' ? sortErrorsByPath(all) : all;
  }

  private errorsInFileOrder(onCorrupt: 'throw' | 'skip'): AsyncIterable<WalkEntryError> {
    return flattenBatches(this.batches(onCorrupt, (block) => block.errors));
  }

  private async *batches<T>(onCorrupt: 'throw' | 'skip', pick: (block: DecodedBlock) => T[]): AsyncGenerator<T[]> {
    for (const file of this.files) {
      for await (const block of readThreadFile(file.path, this.root, { onCorrupt, problems: this.problems })) yield pick(block);
    }
    this.raiseUnexpectedTruncation();
  }

  /** A walk whose manifest says complete must not be short: that is damage, not an interruption. */
  private raiseUnexpectedTruncation(): void {
    if (this.status !== 'complete') return;
    const truncated = this.problems.find((p) => p.code === WalkErrorCode.TRUNCATED);
    if (truncated !== undefined) throw truncated;
  }
}

/**
 * Opens a walk folder: reads and validates the manifest (when there is one) and
 * every thread file's header. Throws WalkFormatError with a code on bad input.
 */
export async function openWalk(dir: string): Promise<Walk> {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, `cannot open walk folder: ${(cause as Error).message}`, {
      file: dir,
      cause,
    });
  }
  if (!isDir) throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, 'not a folder', { file: dir });
  const manifest = existsSync(join(dir, MANIFEST_FILE)) ? readManifest(dir) : null;
  // The folder's listing, plus any file the manifest names that is missing (opening it
  // then reports the loss): a failed walk's manifest does not list the thread file of
  // the worker that failed, whose whole blocks are still worth reading.
  const listed = listThreadFiles(dir);
  const names = [...listed, ...(manifest?.files.map((f) => f.name).filter((n) => !listed.includes(n)) ?? [])];
  if (manifest === null && names.length === 0) {
    throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, `not a walk folder: no ${MANIFEST_FILE} and no thread_*.bin files`, {
      file: dir,
    });
  }
  const files: WalkThreadFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const header = await readHeader(path);
    if (manifest !== null && header.walkId !== manifest.walkId) {
      throw new WalkFormatError(WalkErrorCode.BAD_HEADER, `thread file belongs to walk ${header.walkId}, not ${manifest.walkId}`, {
        file: path,
        offset: 16,
      });
    }
    files.push({ name, path, header });
  }
  const first = files[0]?.header.walkId;
  const stranger = files.find((f) => f.header.walkId !== first);
  if (stranger !== undefined) {
    throw new WalkFormatError(WalkErrorCode.BAD_HEADER, `thread files of two walks in one folder (${first} and ${stranger.header.walkId})`, {
      file: stranger.path,
      offset: 16,
    });
  }
  // Without a manifest the root is unknown: paths are shown relative to '.'.
  const root = new RootPath(manifest?.root ?? Buffer.from('.'));
  return new Walk(dir, manifest, files, root);
}

function listThreadFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => THREAD_FILE_PATTERN.test(n))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

async function readHeader(path: string): Promise<ThreadFileHeader> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot open thread file: ${(cause as Error).message}`, { file: path, cause });
  }
  try {
    const buf = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await handle.read(buf, 0, FILE_HEADER_SIZE, 0);
    return decodeFileHeader(buf.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}
