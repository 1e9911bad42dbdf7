import type { EntryTypeName } from './layout.js';
import type { WalkEntry } from '../sdk/record.js';
import type { RootPath } from '../sdk/root-path.js';

/**
 * What both formats' decoded entries derive the same way: the full path from the
 * relative one (cached: sorting and printing ask for it more than once) and the
 * number forms of the times from the exact ones.
 */
export abstract class EntryBase implements WalkEntry {
  #pathBytesCache: Uint8Array | undefined;
  #pathCache: string | undefined;

  /** The root the relative path is under. */
  protected abstract get rootPath(): RootPath;
  abstract get relativePathBytes(): Uint8Array;
  abstract get depth(): number;
  abstract get type(): EntryTypeName;
  abstract get inode(): bigint;
  abstract get parentInode(): bigint;
  abstract get size(): bigint;
  abstract get mtimeExact(): number | bigint;
  abstract get blocks(): bigint | null;
  abstract get dev(): bigint | null;
  abstract get mode(): number | null;
  abstract get uid(): number | null;
  abstract get gid(): number | null;
  abstract get nlink(): number | null;
  abstract get atimeExact(): number | bigint | null;
  abstract get ctimeExact(): number | bigint | null;

  get pathBytes(): Uint8Array {
    return (this.#pathBytesCache ??= this.joinPathBytes());
  }
  /** The full path's bytes, made once. */
  protected joinPathBytes(): Uint8Array {
    return this.rootPath.join(this.relativePathBytes);
  }
  get path(): string {
    return (this.#pathCache ??= this.rootPath.joinString(this.relativePathBytes));
  }
  get mtime(): number {
    return Number(this.mtimeExact);
  }
  get atime(): number | null {
    const t = this.atimeExact;
    return t === null ? null : Number(t);
  }
  get ctime(): number | null {
    const t = this.ctimeExact;
    return t === null ? null : Number(t);
  }
}
