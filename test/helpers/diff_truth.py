#!/usr/bin/env python3
"""Independent ground truth for `pwalk-ts diff`: two lstat snapshots of one tree.

    diff_truth.py snapshot ROOT OUT.json     lstat every entry below ROOT (bytes paths)
    diff_truth.py diff OLD.json NEW.json     print what changed, as one JSON object

Written from the documented rules (README "Nightly reports"), not from pwalk-ts code:

- Entries are matched by relative path bytes. A path in NEW only is added, in OLD
  only deleted; in both with a different type it is deleted and added; a
  non-directory in both with a different st_size or whole-second mtime is modified;
  everything else in both (directories always) is unchanged. Tallies are
  [entries, regular files, directories, sum of st_size] (modified:
  [entries, files, old bytes, new bytes]).
- Space (totals and growth) counts a non-directory with st_nlink > 1 once per
  (st_dev, st_ino) per snapshot, under its smallest path. A directory's figure is
  everything at or below it: its own size, and every counted entry inside it at any
  depth (each entry is added to every ancestor). Owners are uid and gid; extensions
  are those of regular files (usage_truth.extension), keyed by hex.
- Rows are [old bytes, new bytes, old files, new files, old entries, new entries].
- largestNew: regular files that are added, by size descending then path bytes.
"""
import json
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from usage_truth import extension  # noqa: E402  (the one written-down extension rule of the tests)


def kind_of(mode):
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def snapshot(root, out):
    rows = []
    def visit(rel):
        st = os.lstat(root + b"/" + rel if rel else root)
        rows.append([rel.hex(), kind_of(st.st_mode), stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns // 10**9,
                     st.st_uid, st.st_gid, st.st_dev, st.st_ino, st.st_nlink, st.st_blocks * 512])
        if stat.S_ISDIR(st.st_mode):
            for name in os.listdir(root + b"/" + rel if rel else root):
                visit(rel + b"/" + name if rel else name)
    visit(b"")
    with open(out, "w") as f:
        json.dump(rows, f)


def load(path):
    with open(path) as f:
        return {bytes.fromhex(r[0]): r[1:] for r in json.load(f)}


def counted(snap):
    """The entries that count for space: hard-linked non-directories once, at their smallest path."""
    chosen = {}
    for rel, (kind, fmt, size, mtime, uid, gid, dev, ino, nlink, alloc) in snap.items():
        if kind != "dir" and nlink > 1:
            key = (dev, ino)
            if key not in chosen or rel < chosen[key]:
                chosen[key] = rel
    return {rel: r for rel, r in snap.items() if r[0] == "dir" or r[8] <= 1 or chosen[(r[6], r[7])] == rel}


def ancestors(rel, kind):
    """Every directory an entry's space counts in: itself when a directory, then each parent up to the root ''."""
    parts = rel.split(b"/") if rel else []
    start = len(parts) if kind == "dir" else len(parts) - 1
    return [b"/".join(parts[:i]) for i in range(max(start, 0), -1, -1)]


def diff(old_path, new_path):
    old, new = load(old_path), load(new_path)
    added, deleted, unchanged = [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]
    modified = [0, 0, 0, 0]
    def tally(t, r):
        t[0] += 1
        t[1] += r[0] == "file"
        t[2] += r[0] == "dir"
        t[3] += r[2]
    new_files = []
    for rel in sorted(set(old) | set(new)):
        o, n = old.get(rel), new.get(rel)
        if o is None or (n is not None and o[1] != n[1]):
            tally(added, n)
            if n[0] == "file":
                new_files.append((-n[2], rel))
        if n is None or (o is not None and o[1] != n[1]):
            tally(deleted, o)
        if o is not None and n is not None and o[1] == n[1]:
            if o[0] != "dir" and (o[2] != n[2] or o[3] != n[3]):
                modified[0] += 1
                modified[1] += o[0] == "file"
                modified[2] += o[2]
                modified[3] += n[2]
            else:
                tally(unchanged, n)
    dirs, users, groups, exts = {}, {}, {}, {}
    totals = []
    for side, snap in ((0, old), (1, new)):
        t = [0, 0, 0, 0, 0]
        for rel, r in counted(snap).items():
            kind, size = r[0], r[2]
            t[0] += 1
            t[1] += kind == "file"
            t[2] += kind == "dir"
            t[3] += size
            t[4] += r[9]
            keys = [(dirs, d.hex()) for d in ancestors(rel, kind)] + [(users, str(r[4])), (groups, str(r[5]))]
            if kind == "file":
                keys.append((exts, (extension(rel.rsplit(b"/", 1)[-1]) or b"").hex()))
            for table, key in keys:
                row = table.setdefault(key, [0, 0, 0, 0, 0, 0])
                row[side] += size
                row[2 + side] += kind == "file"
                row[4 + side] += 1
        totals.append(t)
    new_files.sort()
    print(json.dumps({
        "added": added, "deleted": deleted, "modified": modified, "unchanged": unchanged,
        "old": totals[0], "new": totals[1],
        "directories": dirs, "users": users, "groups": groups, "extensions": exts,
        "largestNew": [{"relHex": rel.hex(), "size": -neg} for neg, rel in new_files],
    }))


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        snapshot(os.fsencode(sys.argv[2]), sys.argv[3])
    else:
        diff(sys.argv[2], sys.argv[3])
