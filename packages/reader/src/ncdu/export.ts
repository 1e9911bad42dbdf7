import { ExportError, ExportErrorCode, WalkErrorCode, WalkFormatError } from '../format/errors.js';
import { OutputFile } from '../output/output-file.js';
import { entryKey } from '../sdk/entry-in-place.js';
import { parentKey, pathKey } from '../sdk/path-key.js';
import type { WalkEntry, WalkEntryError } from '../sdk/record.js';
import type { Walk } from '../sdk/walk.js';
import { infoObject, jsonBytesString, NCDU_FORMAT_VERSION, unreadableObject, type NcduExclusion } from './ncdu-json.js';

export interface NcduExportOptions {
  /** Replace an existing file (default false: ExportError EXISTS). */
  overwrite?: boolean;
  /** Stops the export between entries; the target is left untouched (ExportError ABORTED). */
  signal?: AbortSignal;
  /** As `walk.records()`: 'throw' on a corrupt block, or 'skip' it (listed in `walk.problems`); default: openWalk's. */
  onCorrupt?: 'throw' | 'skip';
  /** Where the depth-first sort spills its runs (default: the OS temp folder). */
  tempDir?: string;
}

export interface NcduExportResult {
  readonly file: string;
  /** Entries written, the root and the unreadable ones (error records without an entry) included. */
  readonly items: number;
  /** Size of the file written. */
  readonly bytes: number;
}

/** Text gathered before one write to the file. */
const CHUNK_CHARS = 1024 * 1024;

/**
 * Writes a walk as an ncdu JSON export (format 1.2, `ncdu -f FILE` browses it),
 * streamed depth-first: entries come from `records({ sort: 'tree' })` (an external
 * merge sort, bounded memory), and only the chain of open directories, one chunk of
 * output and the walk's error records (few) are held. The file appears complete or not
 * at all. Throws ExportError (EXISTS, TARGET, WRITE, ABORTED) or WalkFormatError.
 */
export async function exportNcdu(walk: Walk, file: string, options: NcduExportOptions = {}): Promise<NcduExportResult> {
  const out = new OutputFile(file, options.overwrite ?? false);
  try {
    const writer = new NcduTreeWriter(walk, out, await errorsByPath(walk, options.onCorrupt));
    const entries = walk.records({ sort: 'tree', onCorrupt: options.onCorrupt, tempDir: options.tempDir, signal: options.signal });
    for await (const entry of entries) writer.add(entry);
    throwIfAborted(options.signal, file);
    const items = writer.finish();
    out.commit();
    return { file, items, bytes: writer.bytes };
  } catch (err) {
    out.discard();
    if (err instanceof WalkFormatError && err.code === WalkErrorCode.ABORTED) throw abortedError(file, err);
    throw err;
  }
}

/** A directory whose array is open in the output. */
interface OpenDirectory {
  /** Its relative path as a latin1 key ('' for the root). */
  readonly key: string;
  readonly dev: bigint | null;
}

/**
 * The nesting of ncdu's format over entries in tree order: an entry closes every open
 * directory that is not its parent; a directory opens an array. An entry whose parent
 * is missing from the walk (a damaged walk lost its record) gets that parent made, by
 * name only, so no entry is dropped or put in the wrong place.
 */
class NcduTreeWriter {
  private readonly open: OpenDirectory[] = [];
  private text = '';
  private items = 0;
  bytes = 0;

  constructor(
    private readonly walk: Walk,
    private readonly out: OutputFile,
    private readonly errors: ErrorIndex,
  ) {
    const m = walk.manifest;
    const metadata =
      `{"progname":"pwalk-ts","progver":${JSON.stringify(m?.tool.version ?? '')},` +
      // When the data is from, not when this file was made: a walk is read long after it ran.
      `"timestamp":${Math.floor((m?.startTime ?? Date.now()) / 1000)},"pwalk_ts_walk_id":${JSON.stringify(walk.walkId)},"pwalk_ts_status":"${walk.status}"}`;
    this.emit(`[${NCDU_FORMAT_VERSION[0]},${NCDU_FORMAT_VERSION[1]},${metadata}`);
  }

  add(e: WalkEntry): void {
    const key = entryKey(e);
    const isRoot = key === '';
    if (isRoot && this.open.length > 0) return; // a second root record (a damaged walk): its first stands
    if (!isRoot) this.enter(parentKey(key));
    const state = { parentDev: this.open.at(-1)?.dev ?? null, readError: this.errors.takeEntry(key), excluded: this.exclusion(e, key) };
    const name = isRoot ? this.rootName() : key.slice(key.lastIndexOf('/') + 1);
    const info = infoObject(name, e, state);
    this.items++;
    // ncdu's top level is a directory: a walk of one file has that file's info as one.
    if (e.type === 'dir' || isRoot) {
      this.emit(`,\n[${info}`);
      this.open.push({ key, dev: e.dev });
    } else this.emit(`,\n${info}`);
  }

  /** Closes every directory and the document; returns the number of items written. */
  finish(): number {
    if (this.open.length === 0) this.openMissing('');
    while (this.open.length > 0) this.close();
    this.emit(']\n');
    this.flush();
    return this.items;
  }

  /** Makes `dir` the innermost open directory: closes what is not its ancestor, makes missing ancestors. */
  private enter(dir: string): void {
    if (this.open.length === 0) this.openMissing('');
    while (this.open.length > 1 && !isWithin(dir, this.open.at(-1)!.key)) this.close();
    const top = this.open.at(-1)!.key;
    if (top === dir) return;
    // Components between the innermost open ancestor and `dir` have no record: make them.
    let at = top === '' ? 0 : top.length + 1;
    for (;;) {
      const slash = dir.indexOf('/', at);
      this.openMissing(slash < 0 ? dir : dir.slice(0, slash));
      if (slash < 0) return;
      at = slash + 1;
    }
  }

  private openMissing(key: string): void {
    const name = key === '' ? this.rootName() : key.slice(key.lastIndexOf('/') + 1);
    this.items++;
    this.emit(`,\n[{"name":${jsonBytesString(name)}}`);
    this.open.push({ key, dev: null });
  }

  private close(): void {
    const dir = this.open.pop()!;
    for (const name of this.errors.takeChildren(dir.key)) {
      this.items++;
      this.emit(`,\n${unreadableObject(name)}`);
    }
    this.emit(']');
  }

  /** ncdu names the top directory by its full path. */
  private rootName(): string {
    return (this.walk.manifest?.rootAbsolute ?? this.walk.root.bytes).toString('latin1');
  }

  /** A directory whose contents an option left out of the walk, as ncdu marks one. */
  private exclusion(e: WalkEntry, key: string): NcduExclusion | null {
    if (e.type !== 'dir' || key === '') return null;
    const options = this.walk.manifest?.options;
    if (options === undefined) return null;
    if (options.oneFileSystem && e.dev !== null && this.open[0]?.dev !== e.dev) return 'othfs';
    if (options.maxDepth !== null && e.depth >= options.maxDepth) return 'pattern';
    return null;
  }

  private emit(text: string): void {
    this.text += text;
    if (this.text.length >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    const bytes = Buffer.from(this.text, 'latin1');
    this.out.write(bytes);
    this.bytes += bytes.length;
    this.text = '';
  }
}

/**
 * The walk's error records by path: a directory the walk could not open or list has
 * its entry (marked `read_error`); an entry whose lstat failed has none, and is
 * written as an unreadable item when its directory closes.
 */
class ErrorIndex {
  private readonly byKey = new Map<string, string>();
  private readonly byParent = new Map<string, Set<string>>();

  add(e: WalkEntryError): void {
    const key = pathKey(e.relativePathBytes);
    const parent = parentKey(key);
    this.byKey.set(key, parent);
    if (key === '') return; // the root itself unreadable: its entry is marked, it is nobody's child
    let children = this.byParent.get(parent);
    if (children === undefined) this.byParent.set(parent, (children = new Set()));
    children.add(key);
  }

  /** Whether the entry at `key` has an error record; that record is then accounted for. */
  takeEntry(key: string): boolean {
    const parent = this.byKey.get(key);
    if (parent === undefined) return false;
    this.byKey.delete(key);
    this.byParent.get(parent)?.delete(key);
    return true;
  }

  /** The names of `dir`'s children that have an error record and no entry, in byte order. */
  takeChildren(dir: string): string[] {
    const children = this.byParent.get(dir);
    if (children === undefined) return [];
    this.byParent.delete(dir);
    return [...children].sort().map((key) => {
      this.byKey.delete(key);
      return key.slice(key.lastIndexOf('/') + 1);
    });
  }
}

async function errorsByPath(walk: Walk, onCorrupt: 'throw' | 'skip' | undefined): Promise<ErrorIndex> {
  const index = new ErrorIndex();
  for await (const e of walk.errors({ onCorrupt })) index.add(e);
  return index;
}

/** Whether `dir` is `ancestor` or below it. */
function isWithin(dir: string, ancestor: string): boolean {
  return ancestor === '' || dir === ancestor || (dir.startsWith(ancestor) && dir.charCodeAt(ancestor.length) === 0x2f);
}

function throwIfAborted(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw abortedError(file, signal.reason);
}

function abortedError(file: string, cause: unknown): ExportError {
  return new ExportError(ExportErrorCode.ABORTED, `export to ${file} stopped`, file, { cause });
}
