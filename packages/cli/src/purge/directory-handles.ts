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
  /** folderIdentity of this opening of the directory, once asked for (identityOf). */
  identity?: Promise<FolderIdentity>;
}

/**
 * The identity of the directory open as `handle`, stat'ed once per opening: the
 * descriptor names the same directory as long as it is open. Perf: one fstat per
 * directory, not one per file moved into or out of it (a round trip on NFS).
 */
export function identityOf(handle: DirectoryHandle): Promise<FolderIdentity> {
  return (handle.identity ??= handle.fd.then(fstatOf).then(folderIdentity));
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
    const handle = this.handles.get(key) ?? this.register(key, this.openBelow(relative));
    this.hold(handle);
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
   * Opens `relative` from its nearest ancestor registered (the root at worst), one
   * level at a time, holding one level at a time: a chain D folders deep that a user
   * made needs neither a D-deep recursion (which overflowed the stack at 3,500) nor D
   * handles at once. Each level passed is registered before its open, so that the
   * operations in flight going down the same folders share it, and is left idle for
   * the candidates below it that come next.
   */
  private async openBelow(relative: Uint8Array): Promise<number> {
    let end = relative.lastIndexOf(SLASH);
    while (end > 0 && !this.handles.has(keyOf(relative.subarray(0, end)))) end = relative.lastIndexOf(SLASH, end - 1);
    let held = this.acquire(relative.subarray(0, Math.max(end, 0)));
    try {
      for (;;) {
        const next = relative.indexOf(SLASH, end + 1);
        if (next === -1) return await this.openOne(atPath(await held.fd, relative.subarray(end + 1)));
        const level = relative.subarray(0, next);
        const below = this.handles.get(keyOf(level)) ?? this.openFrom(held, level, relative.subarray(end + 1, next));
        this.hold(below);
        this.release(held);
        held = below;
        end = next;
        // A level at a time: registering a whole chain at once would hold D keys of up to D bytes each.
        await held.fd;
      }
    } finally {
      this.release(held);
    }
  }

  /** Registers the handle of `relative`, opened as `name` in `parent`, which it holds until that open is done. */
  private openFrom(parent: DirectoryHandle, relative: Uint8Array, name: Uint8Array): DirectoryHandle {
    this.hold(parent);
    const opening = async (): Promise<number> => {
      try {
        return await this.openOne(atPath(await parent.fd, name));
      } finally {
        this.release(parent);
      }
    };
    return this.register(keyOf(relative), opening());
  }

  /** A handle nobody holds yet for a directory being opened; dropped if the open fails, so that a later candidate tries again. */
  private register(key: string, fd: Promise<number>): DirectoryHandle {
    const handle: DirectoryHandle = { key, refs: 0, fd };
    this.handles.set(key, handle);
    fd.catch(() => {
      if (this.handles.get(key) === handle) this.handles.delete(key);
    });
    return handle;
  }

  private hold(handle: DirectoryHandle): void {
    handle.refs++;
    this.idle.delete(handle);
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
