import { statSync } from 'node:fs';
import { systemErrorText, WalkErrorCode, WalkFormatError } from '../format/errors.js';
import type { WalkManifest } from '../format/manifest.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import { RootPath } from './root-path.js';
import { sortEntriesByPath, sortErrorsByPath, sortLayout, type SortOptions, type SortOrder } from './sort-by-path.js';
import { readThreadFile } from '../format/thread-file.js';
import { readWalkFolder, type WalkFolder, type WalkThreadFile } from '../format/walk-folder.js';
import { flattenBatches } from './flatten-batches.js';
import { throwIfStopped } from './stop-signal.js';
import { blockTaker, type BlockShare } from './block-share.js';
import { entryBlockOf, type EntryBlock } from './entry-block.js';

export interface RecordsOptions extends SortOptions {
  /**
   * 'path' yields entries in byte order of their paths, the same for any thread count;
   * 'tree' depth-first, each directory straight before its whole subtree and children
   * in byte order of their names (what a nested format such as ncdu's JSON needs).
   */
  sort?: 'none' | SortOrder;
  /**
   * 'throw': a corrupt block or record raises a WalkFormatError after every record of
   * the blocks before it was yielded. 'skip': it is added to `walk.problems` and reading
   * goes on with the next block, so every other record is kept. Default: openWalk's.
   */
  onCorrupt?: 'throw' | 'skip';
  /** Stops reading (and sorting) between blocks with a WalkFormatError ABORTED when it fires. */
  signal?: AbortSignal;
  /** Reads only this share of the blocks, for one of several threads reading the walk together (sdk/block-share.ts). */
  share?: BlockShare;
}

export type { WalkThreadFile } from '../format/walk-folder.js';

/** How finished a walk is: 'incomplete' when the writer never closed it (no manifest, or still 'running'). */
export type WalkCompleteness = 'complete' | 'interrupted' | 'failed' | 'incomplete';

/** An opened walk folder. Reading streams: nothing is loaded whole. */
export class Walk {
  /**
   * Problems met opening the walk (a manifest or thread file set aside, under
   * onCorrupt 'skip') and reading it (truncation; corrupt blocks under 'skip').
   */
  readonly problems: WalkFormatError[];
  /** null when the manifest is absent, damaged or another walk's (then the root is '.'). */
  readonly manifest: WalkManifest | null;
  /** The thread files read, in order: those of the walk whose header checked out. */
  readonly files: readonly WalkThreadFile[];
  /** The walk's id: the one most of the manifest and the thread file headers hold (FORMAT.md section 1). */
  readonly walkId: string;

  constructor(
    readonly dir: string,
    folder: WalkFolder,
    readonly root: RootPath,
    /** What reading does on damage when a call does not say: openWalk's own onCorrupt. */
    readonly onCorrupt: 'throw' | 'skip',
  ) {
    this.manifest = folder.manifest;
    this.files = folder.files;
    this.walkId = folder.walkId;
    this.problems = [...folder.problems];
  }

  get status(): WalkCompleteness {
    const status = this.manifest?.status;
    return status === undefined || status === 'running' ? 'incomplete' : status;
  }

  /** The bytes of its thread files: how much reading the walk will take. */
  threadFileBytes(): number {
    let bytes = 0;
    for (const f of this.files) {
      try {
        bytes += statSync(f.path).size;
      } catch {
        // a thread file gone since the walk was opened fails the read that follows, with its own error
      }
    }
    return bytes;
  }

  /** Every entry of the walk (error records excluded). */
  records(options: RecordsOptions = {}): AsyncIterable<WalkEntry> {
    if (options.sort === undefined || options.sort === 'none') return flattenBatches(this.batches(options, (block) => block.entries));
    return flattenBatches(this.sortedEntries(options, options.sort));
  }

  /**
   * Every entry, a block's worth (thousands) at a time, in file order: faster than
   * records(), since the loop over each array is synchronous (entryBlocks() is faster still).
   */
  recordBatches(options: Pick<RecordsOptions, 'onCorrupt' | 'signal' | 'share'> = {}): AsyncIterable<readonly WalkEntry[]> {
    return this.batches(options, (block) => block.entries);
  }

  /**
   * Every entry and every per-entry failure, a block (thousands of rows) at a time, in
   * file order, read in place: the column view of the walk (EntryBlock), the fastest
   * way through it, since no object is made per entry. A block is valid until the
   * next one is asked for. With `sort` ('path' or 'tree', as records()), the rows come
   * in that order in blocks of entries already made, and the blocks hold no error
   * records (errors() sorts those).
   */
  entryBlocks(options: RecordsOptions = {}): AsyncIterable<EntryBlock> {
    if (options.sort === undefined || options.sort === 'none') return this.batches(options, (block) => block);
    return this.sortedBlocks(options, options.sort);
  }

  private async *sortedBlocks(options: RecordsOptions, order: SortOrder): AsyncGenerator<EntryBlock> {
    const fullAttrs = sortLayout(this).fullAttrs;
    for await (const entries of this.sortedEntries(options, order)) yield entryBlockOf(entries, [], fullAttrs);
  }

  /** The walk's entries in `order`, an array at a time (the external sort, fed the walk's blocks). */
  private sortedEntries(options: RecordsOptions, order: SortOrder): AsyncGenerator<WalkEntry[]> {
    return sortEntriesByPath(
      this.batches(options, (block) => block),
      sortLayout(this),
      options,
      order,
    );
  }

  /**
   * entryBlocks for one of the threads that share the walk's blocks in turns
   * (batches-in-threads.ts): `take` is asked once per block in order (blockOwner
   * decides); only the blocks it takes are checked and decoded, each followed by
   * BLOCK_TAKEN; each block left is BLOCK_LEFT.
   */
  blocksInTurns(take: () => boolean, options: Pick<RecordsOptions, 'onCorrupt' | 'signal'>): AsyncIterable<EntryBlock> {
    return this.batches(options, (block) => block, take);
  }

  /** Every per-entry failure recorded during the walk. */
  errors(options: RecordsOptions = {}): AsyncIterable<WalkEntryError> {
    const all = flattenBatches(this.batches(options, (block) => block.errors));
    return options.sort === undefined || options.sort === 'none' ? all : sortErrorsByPath(all, options.sort);
  }

  private async *batches<T>(
    options: Pick<RecordsOptions, 'onCorrupt' | 'signal' | 'share'>,
    pick: (block: EntryBlock) => T,
    turns?: () => boolean,
  ): AsyncGenerator<T> {
    const onCorrupt = options.onCorrupt ?? this.onCorrupt;
    const signal = options.signal;
    const takeBlock = turns ?? blockTaker(options.share);
    const marks = turns !== undefined;
    for (const file of this.files) {
      for await (const block of readThreadFile(file.path, this.root, { onCorrupt, problems: this.problems, setAside: file.setAside, takeBlock, marks })) {
        throwIfStopped(signal);
        yield pick(block);
      }
    }
    if (onCorrupt === 'throw') this.raiseUnexpectedTruncation();
  }

  /** A walk whose manifest says complete must not be short: that is damage, not an interruption. */
  private raiseUnexpectedTruncation(): void {
    if (this.status !== 'complete') return;
    const truncated = this.problems.find((p) => p.code === WalkErrorCode.TRUNCATED);
    if (truncated !== undefined) throw truncated;
  }
}

export interface OpenWalkOptions {
  /**
   * 'throw' (default): a damaged manifest, a thread file whose header is bad, lost or
   * another walk's raises its WalkFormatError here, and reading defaults to 'throw'.
   * 'skip': each is listed in `walk.problems` and the rest of the walk is read
   * (FORMAT.md section 1), and reading defaults to 'skip'; only a folder holding
   * nothing of a walk raises (NOT_A_WALK).
   */
  onCorrupt?: 'throw' | 'skip';
}

/**
 * Opens a walk folder: reads and validates the manifest (when there is one) and
 * every thread file's header. Throws WalkFormatError with a code on bad input.
 */
export async function openWalk(dir: string, options: OpenWalkOptions = {}): Promise<Walk> {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, `cannot open walk folder: ${systemErrorText(cause)}`, {
      file: dir,
      cause,
    });
  }
  if (!isDir) throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, 'not a folder', { file: dir });
  const onCorrupt = options.onCorrupt ?? 'throw';
  const folder = await readWalkFolder(dir, onCorrupt);
  // Without a manifest the root is unknown: paths are shown relative to '.'.
  const root = new RootPath(folder.manifest?.root ?? Buffer.from('.'));
  return new Walk(dir, folder, root, onCorrupt);
}
