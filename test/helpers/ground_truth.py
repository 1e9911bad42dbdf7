#!/usr/bin/env python3
"""Independent ground truth for pwalk-ts tests: walks a tree with the standard library only.

    ground_truth.py ROOT [--max-depth N] [--one-file-system] [--errors-out FILE]

Prints one JSON object per entry on stdout, sorted by path bytes, with the keys of
`pwalk-ts cat --format ndjson` plus `pathBase64` (always: comparisons are byte-exact):

    path, pathBase64, type, size, blocks, mode, uid, gid, nlink, inode, parentInode,
    dev, atime, mtime, ctime, depth

The contract it implements (written from the CLI contract, not from pwalk-ts code):
- path = ROOT as given, joined with '/' and the relative path ('/' not doubled when
  ROOT ends in '/'); the root's own record has path = ROOT, depth 0, parentInode 0.
- Symlinks are never followed (lstat); ROOT is lstat'ed as given, so 'link/' resolves.
- Every directory is opened relative to its parent's descriptor
  (os.open(name, O_RDONLY|O_DIRECTORY|O_NOFOLLOW, dir_fd=parent)) and every entry is
  lstat'ed relative to its directory's descriptor, so paths past PATH_MAX work.
- Times are whole seconds, floor: st_mtime_ns // 10**9 (negative before 1970).
- parentInode = st_ino of the containing directory.
- --max-depth N: entries down to depth N are recorded (ROOT is depth 0).
- --one-file-system: a directory on another device than ROOT is recorded, not read.

Failures are written to --errors-out (NDJSON: path, pathBase64, syscall, code) when
given: a directory that cannot be opened or listed is {syscall: 'scandir'}, an entry
that cannot be lstat'ed is {syscall: 'lstat'}. code is the errno name (EACCES, ...).
"""
import argparse
import base64
import errno
import json
import os
import stat
import sys

TYPES = {
    stat.S_IFREG: "file",
    stat.S_IFDIR: "dir",
    stat.S_IFLNK: "symlink",
    stat.S_IFIFO: "fifo",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "char",
    stat.S_IFBLK: "block",
}

NS = 10**9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--max-depth", type=int, default=None)
    ap.add_argument("--one-file-system", action="store_true")
    ap.add_argument("--errors-out", default=None)
    args = ap.parse_args()

    root = os.fsencode(args.root)
    sep = b"" if root.endswith(b"/") else b"/"
    max_depth = args.max_depth
    records = []  # (path bytes, json line)
    errors = []

    def full(rel):
        return root if rel == b"" else root + sep + rel

    def entry(rel, st, parent_ino, depth):
        p = full(rel)
        t = TYPES.get(stat.S_IFMT(st.st_mode), "unknown")
        obj = {
            "path": p.decode("utf-8", "replace"),
            "pathBase64": base64.b64encode(p).decode("ascii"),
            "type": t,
            "size": st.st_size,
            "blocks": st.st_blocks,
            "mode": st.st_mode,
            "uid": st.st_uid,
            "gid": st.st_gid,
            "nlink": st.st_nlink,
            "inode": st.st_ino,
            "parentInode": parent_ino,
            "dev": st.st_dev,
            "atime": st.st_atime_ns // NS,
            "mtime": st.st_mtime_ns // NS,
            "ctime": st.st_ctime_ns // NS,
            "depth": depth,
        }
        records.append((p, json.dumps(obj)))

    def error(rel, syscall, err):
        p = full(rel)
        errors.append((p, json.dumps({
            "path": p.decode("utf-8", "replace"),
            "pathBase64": base64.b64encode(p).decode("ascii"),
            "syscall": syscall,
            "code": errno.errorcode.get(err.errno, str(err.errno)),
        })))

    try:
        root_st = os.lstat(root)
    except OSError as e:
        print(f"ground_truth.py: cannot lstat root: {e}", file=sys.stderr)
        sys.exit(2)
    entry(b"", root_st, 0, 0)
    root_dev = root_st.st_dev

    # Depth-first recursion: a directory's descriptor stays open while its children
    # are read, so open descriptors are bounded by the depth of the tree.
    def walk_dir(dir_fd, rel, st, depth):
        # dir_fd is an open descriptor of this directory (rel below ROOT, st its lstat).
        try:
            names = sorted(os.fsencode(n) for n in os.listdir(dir_fd))
        except OSError as e:
            error(rel, "scandir", e)
            return
        prefix = b"" if rel == b"" else rel + b"/"
        for name in names:
            child_rel = prefix + name
            try:
                cst = os.lstat(name, dir_fd=dir_fd)
            except OSError as e:
                error(child_rel, "lstat", e)
                continue
            entry(child_rel, cst, st.st_ino, depth + 1)
            if not stat.S_ISDIR(cst.st_mode):
                continue
            if max_depth is not None and depth + 1 >= max_depth:
                continue
            if args.one_file_system and cst.st_dev != root_dev:
                continue
            try:
                cfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            except OSError as e:
                error(child_rel, "scandir", e)
                continue
            try:
                walk_dir(cfd, child_rel, cst, depth + 1)
            finally:
                os.close(cfd)

    if stat.S_ISDIR(root_st.st_mode) and (max_depth is None or max_depth >= 1):
        try:
            rfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as e:
            error(b"", "scandir", e)
        else:
            try:
                walk_dir(rfd, b"", root_st, 0)
            finally:
                os.close(rfd)

    records.sort(key=lambda r: r[0])
    out = sys.stdout.buffer
    for _, line in records:
        out.write(line.encode("ascii") + b"\n")
    if args.errors_out is not None:
        errors.sort(key=lambda r: r[0])
        with open(args.errors_out, "wb") as f:
            for _, line in errors:
                f.write(line.encode("ascii") + b"\n")


if __name__ == "__main__":
    sys.setrecursionlimit(100000)
    main()
