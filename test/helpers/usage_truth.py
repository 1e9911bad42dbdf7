#!/usr/bin/env python3
"""Independent ground truth for usageSummary and `pwalk-ts usage` / `largest`.

    usage_truth.py ROOT WALK_START_MS LARGEST_N [uid|gid]

Walks ROOT with the standard library (os.lstat on bytes paths, symlinks never
followed) and prints one JSON object, written from the documented rules, not from
pwalk-ts code:

- every entry counts in `entries`; `files` are regular files, `dirs` directories;
  apparent = sum of st_size, allocated = sum of st_blocks * 512;
- an entry that is not a directory and has st_nlink > 1 counts once per
  (st_dev, st_ino), under its link with the smallest path bytes (that link's
  depth and extension);
- owners: uid and gid, named with pwd.getpwuid / grp.getgrgid, else the number;
- age of a time t (whole seconds, floor of the ns time) = WALK_START_MS / 1000 - t
  seconds: 'future' when negative, '< 30 d' below 30 * 86400, '30-90 d' below
  90 days, '90 d-1 y' below 365 days, '1-3 y' below 3 * 365 days, else '> 3 y';
- extension of a regular file: after the last '.' of its name, none when that dot
  is the name's first or last byte; 'x.tar.Y' gives 'tar.Y' when '.tar' is not at
  the start of the name; ASCII letters lower-cased. Keys are the hex of the bytes;
- largest: regular files by size descending, then path bytes ascending.

With uid or gid, `owners` also gives, for each owner by that id, what only their
counted entries make: `tally`, `mtime` and `atime` (bucket -> tally), `dirs` (each
directory at or above one of their entries, path hex -> [entries, files, dirs,
apparent, allocated, cold apparent], an entry counting in itself when a directory
and in every directory above it; cold: atime '1-3 y' or '> 3 y') and `largest`
(their regular files, ordered as `largest`, the first LARGEST_N).

Integers are printed as JSON integers (parse them exactly). Tallies are
[entries, files, dirs, apparent, allocated]; `dirs` maps each directory's path
(hex) to its recursive [files, entries, apparent] (itself included).
"""
import grp
import json
import os
import pwd
import stat
import sys

DAY = 86400
BUCKETS = ["future", "lt30d", "30to90d", "90dto1y", "1to3y", "gt3y"]
LIMITS = [0, 30 * DAY, 90 * DAY, 365 * DAY, 3 * 365 * DAY]


def bucket(start_ms, t):
    # Exact rational comparison: age = start_ms / 1000 - t, compared as start_ms - 1000 t.
    age_ms = start_ms - 1000 * t
    if age_ms < 0:
        return "future"
    for name, limit in zip(BUCKETS[1:], LIMITS[1:]):
        if age_ms < 1000 * limit:
            return name
    return "gt3y"


def extension(name):
    i = name.rfind(b".")
    if i <= 0 or i == len(name) - 1:
        return None
    ext = name[i + 1:]
    head = name[:i]
    if head.lower().endswith(b".tar") and len(head) > 4:
        ext = b"tar." + ext
    return bytes(c + 32 if 65 <= c <= 90 else c for c in ext)


def name_of(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def new_tally():
    return [0, 0, 0, 0, 0]


def add(tally, kind, size, alloc):
    tally[0] += 1
    tally[1] += kind == "file"
    tally[2] += kind == "dir"
    tally[3] += size
    tally[4] += alloc


def main():
    root = os.fsencode(sys.argv[1])
    start_ms = int(sys.argv[2])
    largest_n = int(sys.argv[3])
    sep = b"" if root.endswith(b"/") else b"/"

    entries = []  # (path bytes, depth, lstat)
    def visit(path, depth):
        st = os.lstat(path)
        entries.append((path, depth, st))
        if stat.S_ISDIR(st.st_mode):
            for name in sorted(os.listdir(path)):
                visit(root + sep + name if depth == 0 else path + b"/" + name, depth + 1)
    visit(root, 0)

    # Hard links: keep the smallest path per (dev, ino) of non-directories with nlink > 1.
    chosen = {}
    for path, depth, st in entries:
        if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
            key = (st.st_dev, st.st_ino)
            if key not in chosen or path < chosen[key]:
                chosen[key] = path
    counted = [
        (path, depth, st)
        for path, depth, st in entries
        if stat.S_ISDIR(st.st_mode) or st.st_nlink <= 1 or chosen[(st.st_dev, st.st_ino)] == path
    ]

    totals = new_tally()
    users, groups, user_atime, group_atime = {}, {}, {}, {}
    mtime_ages = {b: new_tally() for b in BUCKETS}
    atime_ages = {b: new_tally() for b in BUCKETS}
    depths, exts = {}, {}
    files = []
    for path, depth, st in counted:
        kind = "file" if stat.S_ISREG(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else "other"
        size, alloc = st.st_size, st.st_blocks * 512
        mtime, atime = st.st_mtime_ns // 10**9, st.st_atime_ns // 10**9
        add(totals, kind, size, alloc)
        add(users.setdefault(st.st_uid, new_tally()), kind, size, alloc)
        add(groups.setdefault(st.st_gid, new_tally()), kind, size, alloc)
        ua = user_atime.setdefault(st.st_uid, {b: new_tally() for b in BUCKETS})
        ga = group_atime.setdefault(st.st_gid, {b: new_tally() for b in BUCKETS})
        add(ua[bucket(start_ms, atime)], kind, size, alloc)
        add(ga[bucket(start_ms, atime)], kind, size, alloc)
        add(mtime_ages[bucket(start_ms, mtime)], kind, size, alloc)
        add(atime_ages[bucket(start_ms, atime)], kind, size, alloc)
        add(depths.setdefault(depth, new_tally()), kind, size, alloc)
        if kind == "file":
            ext = extension(os.path.basename(path))
            add(exts.setdefault((ext or b"").hex(), new_tally()), kind, size, alloc)
            files.append((-size, path, st, mtime, atime))
    files.sort(key=lambda f: (f[0], f[1]))

    # Recursive per-directory figures: each counted entry adds to itself (when a
    # directory) and to every directory above it.
    dirs = {path: [0, 0, 0] for path, _, st in entries if stat.S_ISDIR(st.st_mode)}
    for path, depth, st in counted:
        up = path
        for _ in range(depth + 1):
            if up in dirs:
                figures = dirs[up]
                figures[0] += stat.S_ISREG(st.st_mode)
                figures[1] += 1
                figures[2] += st.st_size
            up = root if up.rfind(b"/") < len(root) else up[:up.rfind(b"/")]

    out = {
        "totals": totals,
        "users": {str(u): {"name": name_of(pwd.getpwuid, u), "tally": t, "atime": user_atime[u]} for u, t in users.items()},
        "groups": {str(g): {"name": name_of(grp.getgrgid, g), "tally": t, "atime": group_atime[g]} for g, t in groups.items()},
        "mtimeAges": mtime_ages,
        "atimeAges": atime_ages,
        "depths": [depths.get(d, new_tally()) for d in range(max(depths) + 1)],
        "extensions": exts,
        "dirs": {path.hex(): figures for path, figures in dirs.items()},
        "largest": [
            {"pathHex": p.hex(), "size": st.st_size, "allocated": st.st_blocks * 512, "uid": st.st_uid, "gid": st.st_gid, "mtime": m, "atime": a}
            for _, p, st, m, a in files[:largest_n]
        ],
    }
    if len(sys.argv) > 4:
        out["owners"] = owners(root, start_ms, largest_n, counted, sys.argv[4])
    print(json.dumps(out))


def owners(root, start_ms, largest_n, counted, by):
    result = {}
    for path, depth, st in counted:
        owner = st.st_uid if by == "uid" else st.st_gid
        o = result.setdefault(owner, {
            "tally": new_tally(),
            "mtime": {b: new_tally() for b in BUCKETS},
            "atime": {b: new_tally() for b in BUCKETS},
            "dirs": {},
            "files": [],
        })
        kind = "file" if stat.S_ISREG(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else "other"
        size, alloc = st.st_size, st.st_blocks * 512
        mtime, atime = st.st_mtime_ns // 10**9, st.st_atime_ns // 10**9
        cold = bucket(start_ms, atime) in ("1to3y", "gt3y")
        add(o["tally"], kind, size, alloc)
        add(o["mtime"][bucket(start_ms, mtime)], kind, size, alloc)
        add(o["atime"][bucket(start_ms, atime)], kind, size, alloc)
        if kind == "file":
            o["files"].append((-size, path, st, mtime, atime))
        # The entry itself when a directory, then every directory above it up to the root.
        up = path if kind == "dir" else (root if path.rfind(b"/") < len(root) else path[:path.rfind(b"/")])
        for _ in range(depth + (1 if kind == "dir" else 0)):
            figures = o["dirs"].setdefault(up.hex(), [0, 0, 0, 0, 0, 0])
            figures[0] += 1
            figures[1] += kind == "file"
            figures[2] += kind == "dir"
            figures[3] += size
            figures[4] += alloc
            figures[5] += size if cold else 0
            if up == root:
                break
            up = root if up.rfind(b"/") < len(root) else up[:up.rfind(b"/")]
    for o in result.values():
        o["files"].sort(key=lambda f: (f[0], f[1]))
        o["largest"] = [
            {"pathHex": p.hex(), "size": st.st_size, "allocated": st.st_blocks * 512, "uid": st.st_uid, "gid": st.st_gid, "mtime": m, "atime": a}
            for _, p, st, m, a in o.pop("files")[:largest_n]
        ]
    return {str(k): v for k, v in result.items()}


if __name__ == "__main__":
    main()
