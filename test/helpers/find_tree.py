# Builds the hostile tree test/find.test.ts compares `pwalk-ts find` and GNU find on:
# names with newlines, escape bytes, invalid UTF-8, spaces, glob and regex characters;
# every entry type; sizes around find's units (512, 1k, 1M, a sparse 3G); odd modes
# (setuid, sticky, 000); owners with and without names; mtimes and atimes around
# minute and day boundaries (whole seconds, 30 s or more from each boundary).
# argv: TREE NOW (whole seconds). Prints the inodes as JSON.
import json, os, socket, sys

root = sys.argv[1].encode()
now = int(sys.argv[2])
NAMES = [b'plain.txt', b'UPPER.TXT', b'with space', b'new\nline', b'esc\x1b[31mred', b'bad\xff\xfeutf8',
         'caf\u00e9'.encode(), b'*star', b'[bracket]', b'q"uote', b'.hidden', b'a.b.c', b'Data.CSV',
         b'-dash', b'back\\slash', b'tab\there', b'x']
SIZES = [0, 1, 511, 512, 513, 1023, 1024, 1025, 2048, 4096, 1048575, 1048576, 1048577]
MODES = [0o644, 0o755, 0o600, 0o4755, 0o2755, 0o1777, 0o000, 0o777, 0o640, 0o444, 0o2070, 0o1000]
OWNERS = [(0, 0), (65534, 65534), (12345, 54321), (0, 65534), (65534, 0)]
# Ages in seconds, each 30 s from the nearest minute (and so day) boundary: the test has
# about 30 s between building the tree and its last find before a time could cross one.
AGES = [30, 90, 150, 3630, 86370, 86430, 172770, 172830, 864030, 34560090, -3570]

os.makedirs(root, exist_ok=True)
dirs = [root]
for d in [b'd1', b'd1/sub', b'd1/sub/deeper', b'd2', b'empty', b'd1/empty2', 'dir \u00e9'.encode(), b'dir\nnl']:
    os.makedirs(os.path.join(root, d))
    dirs.append(os.path.join(root, d))
paths = []
i = 0
for d in dirs:
    if d.endswith(b'empty') or d.endswith(b'empty2'):
        continue
    for name in NAMES:
        p = os.path.join(d, name)
        with open(p, 'wb') as f:
            f.truncate(SIZES[i % len(SIZES)])
        os.chmod(p, MODES[i % len(MODES)])
        paths.append(p)
        i += 1
big = os.path.join(root, b'd2', b'sparse.big')
with open(big, 'wb') as f:
    f.truncate(3 * 1024 ** 3 + 1)
paths.append(big)
os.link(os.path.join(root, b'plain.txt'), os.path.join(root, b'd2', b'hard1'))
os.link(os.path.join(root, b'plain.txt'), os.path.join(root, b'd1', b'hard2'))
for target, name in [(b'plain.txt', b'link.txt'), (b'missing', b'dangling'), (b'd1', b'dirlink')]:
    os.symlink(target, os.path.join(root, name))
    paths.append(os.path.join(root, name))
os.mkfifo(os.path.join(root, b'd1', b'fifo'))
paths.append(os.path.join(root, b'd1', b'fifo'))
s = socket.socket(socket.AF_UNIX)
s.bind(os.path.join(root, b'd2', b'sock'))
s.close()
paths.append(os.path.join(root, b'd2', b'sock'))
everything = paths + dirs[1:]
for n, p in enumerate(everything):
    uid, gid = OWNERS[n % len(OWNERS)]
    os.lchown(p, uid, gid)
    if p in dirs:
        os.chmod(p, [0o755, 0o700, 0o1777, 0o2755][n % 4])
# Times last, children before their directories.
for n, p in enumerate(sorted(everything + [root], key=lambda q: -q.count(b'/'))):
    m = now - AGES[n % len(AGES)]
    a = now - AGES[(n * 7 + 3) % len(AGES)]
    os.utime(p, (a, m), follow_symlinks=False)
print(json.dumps(sorted({os.lstat(p).st_ino for p in everything})))
