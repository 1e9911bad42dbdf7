import { closeSync, constants, fstat, open, type BigIntStats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

/** A plain descriptor, not a FileHandle: these are closed by number, and a FileHandle would close its own on collection. */
const openFd = promisify(open);

/**
 * How every directory below a purge's root is opened: never through a symbolic link
 * (a user who swaps a directory of theirs for a link to /etc after the walk must not
 * redirect an unlink or a link there).
 */
const O_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Directories kept open with nobody using them, so that siblings met later reuse them. */
const IDLE_LIMIT = 256;

const SLASH = 0x2f;

/** A directory's key in the handles: its path bytes below the root, one char per byte. */
function keyOf(relative: Uint8Array): string {
  return Buffer.from(relative.buffer, relative.byteOffset, relative.byteLength).toString('latin1');
}

/** The path that names `name` inside the directory open as `fd`: the kernel resolves the descriptor, never the directory's name. */
export function atPath(fd: number, name: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}

/** What an open directory (or file) is, by its descriptor, without blocking the event loop (a round trip on NFS). */
export function fstatOf(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => fstat(fd, { bigint: true }, (err, st) => (err === null ? resolve(st) : reject(err))));
}

/**
 * A folder's identity as a purge logs it and a restore checks it. The inode alone is
 * not enough: a folder removed and made again under its name often gets the same
 * inode back, so its owner and birth time (0 where the filesystem keeps none) count too.
 */
export interface FolderIdentity {
  readonly dev: bigint;
  readonly inode: bigint;
  readonly uid: bigint;
  readonly birthtimeNs: bigint;
}

export function folderIdentity(st: BigIntStats): FolderIdentity {
  return { dev: st.dev, inode: st.ino, uid: st.uid, birthtimeNs: st.birthtimeNs };
}

/** A directory in use: release it when done. */
export interface DirectoryHandle {
  readonly key: string;
  refs: number;
  readonly fd: Promise<number>;
}

/**
 * Directories below one root, each opened relative to its parent's descriptor one
 * component at a time with O_NOFOLLOW (Node has no openat: through /proc/self/fd, as
 * the walker reads). Shared by the operations in flight: each directory is opened
 * once while in use, and the last IDLE_LIMIT released stay open for the next
 * candidates, which a walk lists directory by directory.
 */
export class DirectoryHandles {
  private readonly handles = new Map<string, DirectoryHandle>();
  /** Handles nobody holds, oldest first. */
  private readonly idle = new Set<DirectoryHandle>();

  /**
   * @param rootFd the root, opened and checked by the caller (never closed here)
   * @param createMode when set, a missing directory is made with this mode (the quarantine's tree)
   */
  constructor(
    rootFd: number,
    private readonly createMode: number | null = null,
  ) {
    const root: DirectoryHandle = { key: '', refs: 1, fd: Promise.resolve(rootFd) };
    this.handles.set('', root);
  }

  /** The directory `relative` (path bytes below the root, '' for the root). The promise rejects with the errno of the open that failed. */
  acquire(relative: Uint8Array): DirectoryHandle {
    const key = keyOf(relative);
    let handle = this.handles.get(key);
    if (handle === undefined) {
      handle = { key, refs: 0, fd: this.openBelow(relative) };
      const opened = handle;
      this.handles.set(key, opened);
      opened.fd.catch(() => {
        if (this.handles.get(key) === opened) this.handles.delete(key);
      });
    }
    handle.refs++;
    this.idle.delete(handle);
    return handle;
  }

  release(handle: DirectoryHandle): void {
    handle.refs--;
    if (handle.refs > 0 || this.handles.get(handle.key) !== handle) return;
    this.idle.add(handle);
    if (this.idle.size <= IDLE_LIMIT) return;
    const oldest = this.idle.values().next().value!;
    this.idle.delete(oldest);
    this.handles.delete(oldest.key);
    void oldest.fd.then(closeSync, () => undefined);
  }

  /** Closes every directory this opened; call once nothing is in flight. */
  async closeAll(): Promise<void> {
    for (const handle of this.handles.values()) {
      if (handle.key !== '') await handle.fd.then(closeSync, () => undefined);
    }
    this.handles.clear();
    this.idle.clear();
  }

  /**
   * Opens `relative` from its nearest ancestor already open (the root at worst), one
   * component at a time, holding one directory at a time: a chain D directories deep
   * that a user made needs neither D descriptors nor a D-deep recursion (which
   * overflowed the stack at a few thousand). The directories passed through are kept
   * as idle handles, for the candidates below them that come next.
   */
  private async openBelow(relative: Uint8Array): Promise<number> {
    let end = relative.lastIndexOf(SLASH);
    while (end > 0 && !this.handles.has(keyOf(relative.subarray(0, end)))) end = relative.lastIndexOf(SLASH, end - 1);
    let held = this.acquire(relative.subarray(0, Math.max(end, 0)));
    try {
      for (;;) {
        const next = relative.indexOf(SLASH, end + 1);
        const fd = await this.openOne(atPath(await held.fd, relative.subarray(end + 1, next === -1 ? relative.length : next)));
        if (next === -1) return fd;
        const passed = this.adopt(relative.subarray(0, next), fd);
        this.release(held);
        held = passed;
        end = next;
      }
    } finally {
      this.release(held);
    }
  }

  /** A directory opened on the way down, held: registered, or closed for the handle another operation registered meanwhile. */
  private adopt(relative: Uint8Array, fd: number): DirectoryHandle {
    const key = keyOf(relative);
    if (this.handles.has(key)) closeSync(fd);
    else this.handles.set(key, { key, refs: 0, fd: Promise.resolve(fd) });
    return this.acquire(relative);
  }

  private async openOne(path: Buffer): Promise<number> {
    try {
      return await openFd(path, O_DIR);
    } catch (err) {
      if (this.createMode === null || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(path, this.createMode).catch((mkdirErr: NodeJS.ErrnoException) => {
        if (mkdirErr.code !== 'EEXIST') throw mkdirErr;
      });
      return openFd(path, O_DIR);
    }
  }
}
