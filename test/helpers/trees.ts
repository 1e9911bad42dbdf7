// Fixture trees for the walk tests, each built in a fresh folder. Trees with byte
// names, sockets, devices, exact nanosecond times or paths past PATH_MAX are built
// with python3 (stdlib only): Node has no API for some of them (mkfifo, mknod,
// utimes in nanoseconds, openat for long paths).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's python3 (has fusepy; reachable by `nobody`), else whatever python3 is on PATH. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A fresh folder under the OS temp dir, readable and searchable by everyone (the nobody tests walk it). */
export function makeTempBase(label: string): string {
  const base = mkdtempSync(join(tmpdir(), `pwalk-test-${label}-`));
  chmodSync(base, 0o755);
  return base;
}

/** Removes a temp base, first restoring permissions the tests took away. */
export function removeTempBase(base: string | undefined): void {
  if (base === undefined || !existsSync(base)) return;
  try {
    execFileSync('chmod', ['-R', 'u+rwx', base], { stdio: 'ignore' });
  } catch {
    // best effort: rmSync below reports what is left
  }
  // rm(1) walks with openat, so it also removes paths longer than PATH_MAX (Node's rmSync cannot).
  try {
    execFileSync('rm', ['-rf', '--one-file-system', base], { stdio: 'ignore' });
  } catch {
    rmSync(base, { recursive: true, force: true });
  }
}

/** Runs a python snippet with the tree folder as sys.argv[1]; returns its stdout. */
export function py(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/**
 * A skewed tree: one subtree (`big/`) holds nearly every entry (8 x 8 x 8 directories
 * with 5 files each), a few small siblings hold a couple each. Enough directories that
 * workers share work with more than one thread.
 */
export function buildSkewedTree(dir: string): { entries: number } {
  mkdirSync(dir, { recursive: true });
  let entries = 0;
  for (let a = 0; a < 8; a++) {
    for (let b = 0; b < 8; b++) {
      for (let c = 0; c < 8; c++) {
        const d = join(dir, 'big', `a${a}`, `b${b}`, `c${c}`);
        mkdirSync(d, { recursive: true });
        for (let f = 0; f < 5; f++) writeFileSync(join(d, `f${f}.dat`), 'x'.repeat(f * 100 + c));
      }
    }
  }
  entries += 1 + 8 + 64 + 512 + 512 * 5;
  for (let s = 0; s < 4; s++) {
    mkdirSync(join(dir, `small${s}`), { recursive: true });
    writeFileSync(join(dir, `small${s}`, 'one'), 'one');
    writeFileSync(join(dir, `small${s}`, 'two'), 'two!');
    entries += 3;
  }
  return { entries };
}

/**
 * A wide two-level tree: `fanout` x `fanout` directories with `files` empty files each.
 * Many directories that take long enough to walk that every worker gets some.
 */
export function buildWideTree(dir: string, fanout = 30, files = 10): { entries: number } {
  mkdirSync(dir, { recursive: true });
  py(
    `
import os, sys
root, fanout, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for a in range(fanout):
    for b in range(fanout):
        d = os.path.join(root, "a%d" % a, "b%d" % b)
        os.makedirs(d)
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        for f in range(files):
            os.close(os.open("f%d" % f, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
        os.close(fd)
`,
    dir,
    String(fanout),
    String(files),
  );
  return { entries: 1 + fanout + fanout * fanout * (1 + files) };
}

/** Seconds used for the exact-second fixtures. */
export const TIMES = {
  pre1970Ns: -86400n * 365n * 10n * 1_000_000_000n + 123n,
  after2106Ns: 5_000_000_000n * 1_000_000_000n + 500n,
  /** 999999999 ns after a whole second: the millisecond double rounds up to the next second. */
  justBeforeSecondNs: 1_700_000_000n * 1_000_000_000n + 999_999_999n,
  /** The same after 2106, where a double holds even fewer fraction bits. */
  justBeforeSecondLateNs: 4_400_000_000n * 1_000_000_000n + 999_999_999n,
  wholeSecondNs: 1_600_000_000n * 1_000_000_000n,
  /** One nanosecond before 1970: floor is -1. */
  minusOneNs: -1n,
  /** 1969-12-31T23:59:59.000000001: floor is -1 too. */
  minusOneSecondPlusOneNs: -1_000_000_000n + 1n,
  epochNs: 0n,
  /** Before 1970, 999999999 ns after a whole second: floor is that second, not the next. */
  pre1970JustBeforeSecondNs: -315_360_001n * 1_000_000_000n + 999_999_999n,
  /** The largest second the record's u32 mtime field holds, and the first one it does not. */
  u32MaxSecondNs: 4_294_967_295n * 1_000_000_000n + 1n,
  u32OverflowSecondNs: 4_294_967_296n * 1_000_000_000n,
} as const;

export interface EdgeTreeInfo {
  /** mknod worked (root in a container that allows it). */
  devices: boolean;
  /** Relative names (latin-1 strings: one char per byte) of the entries that are not UTF-8. */
  nonUtf8: string[];
}

/**
 * Every awkward kind of entry in one tree: symlink loops and dangling links, a
 * symlink to a directory (never followed), hard links, a fifo, a unix socket,
 * character and block devices, sparse files at and past 4 GiB (6 GiB), names that
 * are not UTF-8 (files and a directory with children), names with newline, comma,
 * quotes, tab, CR, backslash, a literal U+FFFD and JSON-looking digits, 255-byte
 * names (ASCII and multibyte), empty directories, times before 1970 and after
 * 2106, nanoseconds just below a second, whole seconds, and odd modes and owners.
 */
export function buildEdgeTree(dir: string): EdgeTreeInfo {
  mkdirSync(dir, { recursive: true });
  const out = py(
    String.raw`
import os, socket, stat, sys, json
root = os.fsencode(sys.argv[1])
T = json.loads(sys.argv[2])
def p(*parts):
    return os.path.join(root, *[x if isinstance(x, bytes) else x.encode() for x in parts])
def touch(path, data=b""):
    with open(path, "wb") as f:
        f.write(data)

# symlinks: a loop, a self loop, dangling, to a directory, to a file, absolute
os.makedirs(p("links", "realdir", "inner"))
touch(p("links", "realdir", "inner", "deep.txt"), b"deep")
touch(p("links", "target.txt"), b"target")
os.symlink(b"b", p("links", "a"))
os.symlink(b"a", p("links", "b"))
os.symlink(b"self", p("links", "self"))
os.symlink(b"does/not/exist", p("links", "dangling"))
os.symlink(b"realdir", p("links", "todir"))
os.symlink(b"target.txt", p("links", "tofile"))
os.symlink(b"/", p("links", "toroot"))
os.symlink(b"..", p("links", "up"))

# hard links: three names for one inode, one of them in another directory
os.makedirs(p("hard", "other"))
touch(p("hard", "orig"), b"hard-linked")
os.link(p("hard", "orig"), p("hard", "second"))
os.link(p("hard", "orig"), p("hard", "other", "third"))

# special files
os.makedirs(p("special"))
os.mkfifo(p("special", "fifo"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(p("special", "sock"))
s.close()
devices = True
try:
    os.mknod(p("special", "chardev"), stat.S_IFCHR | 0o600, os.makedev(1, 3))
    os.mknod(p("special", "blockdev"), stat.S_IFBLK | 0o600, os.makedev(7, 200))
except PermissionError:
    devices = False

# sizes: empty, sparse at the u32 boundary, sparse 6 GiB
os.makedirs(p("sizes"))
touch(p("sizes", "empty"))
touch(p("sizes", "one"), b"1")
for name, size in (("u32max", 2**32 - 1), ("u32", 2**32), ("sparse6g", 6 * 2**30)):
    with open(p("sizes", name), "wb") as f:
        f.truncate(size)
with open(p("sizes", "sparse6g"), "r+b") as f:
    f.seek(3 * 2**30)
    f.write(b"data in the middle")

# names
os.makedirs(p("names"))
names = [
    b"\xff\xfe", b"lone\x80continuation", b"trunc\xc3", b"surrogate\xed\xa0\x80", b"latin1-caf\xe9",
    "new\nline".encode(), b"comma,name", b'quote"name', b"single'quote", b"tab\tname", b"cr\rname",
    b"back\\slash", "literal\ufffdreplacement".encode(), b'{"inode":12345678901234567890,"x":1}',
    b" leading space", b"-dash", b".hidden", "caf\u00e9 \u65e5\u672c".encode(), b"a" * 255,
    ("\u00e9" * 127 + "a").encode(), "\u65e5" * 85, b"\xf0\x9f\x98\x80emoji",
    b"ctl\x01\x1b\x1f\x7f", "sep\u2028\u2029".encode(),
]
for n in names:
    n = n if isinstance(n, bytes) else n.encode()
    assert len(n) <= 255, n
    touch(p("names", n), n)
# a directory whose own name is not UTF-8, with children (also non-UTF-8) and a subdirectory
os.makedirs(p("names", b"dir\xff\xfe", b"sub\x80dir"))
touch(p("names", b"dir\xff\xfe", b"plain"))
touch(p("names", b"dir\xff\xfe", b"child\xfe"))
touch(p("names", b"dir\xff\xfe", b"sub\x80dir", b"leaf"))
# a directory with a 255-byte name, with a child
os.makedirs(p("names", b"d-" + b"b" * 253))
touch(p("names", b"d-" + b"b" * 253, b"x"))

# empty directories
os.makedirs(p("empty"))
os.makedirs(p("nested-empty", "e1", "e2", "e3"))

# times
os.makedirs(p("times"))
def timed(name, ns, data=b"t"):
    touch(p("times", name), data)
    os.utime(p("times", name), ns=(ns, ns))
for key, ns in T.items():
    timed(key, int(ns))
# atime and mtime different
touch(p("times", "mixed"))
os.utime(p("times", "mixed"), ns=(int(T["pre1970Ns"]), int(T["after2106Ns"])))
# a symlink with its own times
os.symlink(b"pre1970Ns", p("times", "link-old"))
os.utime(p("times", "link-old"), ns=(int(T["pre1970Ns"]), int(T["minusOneNs"])), follow_symlinks=False)
# a directory with an old mtime (its atime moves when it is read)
os.makedirs(p("times", "olddir"))
touch(p("times", "olddir", "f"))
os.utime(p("times", "olddir"), ns=(int(T["pre1970Ns"]), int(T["pre1970Ns"])))

# modes and owners
os.makedirs(p("modes"))
for name, mode in (("m000", 0o000), ("m7777", 0o7777), ("setuid", 0o4755), ("sticky", 0o1777)):
    touch(p("modes", name))
    os.chmod(p("modes", name), mode)
os.makedirs(p("modes", "stickydir"))
os.chmod(p("modes", "stickydir"), 0o1777)
touch(p("modes", "bigids"))
os.chown(p("modes", "bigids"), 4000000000, 4000000001)
os.symlink(b"bigids", p("modes", "link-bigids"))
os.lchown(p("modes", "link-bigids"), 3000000000, 3000000001)

print(json.dumps({"devices": devices}))
`,
    dir,
    JSON.stringify(Object.fromEntries(Object.entries(TIMES).map(([k, v]) => [k, v.toString()]))),
  );
  const { devices } = JSON.parse(out) as { devices: boolean };
  return {
    devices,
    nonUtf8: ['\xff\xfe', 'lone\x80continuation', 'trunc\xc3', 'surrogate\xed\xa0\x80', 'latin1-caf\xe9', 'dir\xff\xfe'],
  };
}

/** A directory with `count` empty files (and one subdirectory with a few), created through one directory descriptor. */
export function buildHugeDir(dir: string, count = 100_000): void {
  mkdirSync(dir, { recursive: true });
  py(
    `
import os, sys
d = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
n = int(sys.argv[2])
for i in range(n):
    os.close(os.open("f%07d" % i, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644, dir_fd=d))
os.mkdir("zz-subdir", dir_fd=d)
for i in range(3):
    os.close(os.open("zz-subdir/g%d" % i, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644, dir_fd=d))
`,
    dir,
    String(count),
  );
}

/**
 * A chain `depth` directories deep (names l000, l001, ..., padded with 'd' to
 * `nameBytes`), each level holding one file unless `files` is false.
 */
export function buildDeepChain(dir: string, depth = 300, nameBytes = 4, files = true): void {
  mkdirSync(dir, { recursive: true });
  py(
    `
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(int(sys.argv[2])):
    if sys.argv[4] == "files":
        with open(os.open("file", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd), "wb") as f:
            f.write(b"level %d" % i)
    name = ("l%03d" % i).ljust(int(sys.argv[3]), "d")
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
os.close(fd)
`,
    dir,
    String(depth),
    String(nameBytes),
    files ? 'files' : 'none',
  );
}

/**
 * A chain of 200-byte directory names whose deepest paths are longer than
 * `minBytes` (default 6000, well past PATH_MAX = 4096), built with openat. Each
 * level holds a file; past 4096 bytes there are also a non-UTF-8 name, a symlink,
 * a subdirectory with a file, and a 255-byte name. Returns the depth reached.
 */
export function buildLongPath(dir: string, minBytes = 6000): { levels: number; deepestBytes: number } {
  mkdirSync(dir, { recursive: true });
  const out = py(
    `
import os, sys, json
root = os.fsencode(sys.argv[1])
min_bytes = int(sys.argv[2])
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
path_len = len(root)
level = 0
while path_len < min_bytes:
    name = (b"%03d-" % level) + b"n" * 196
    with open(os.open(b"file", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd), "wb") as f:
        f.write(b"x" * level)
    if path_len > 4096:
        with open(os.open(b"bytes\\xff\\xfename", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd), "wb") as f:
            f.write(b"nonutf8")
        os.symlink(b"file", b"link", dir_fd=fd)
        os.mkdir(b"side", dir_fd=fd)
        sfd = os.open(b"side", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(os.open(b"s" * 255, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=sfd))
        os.close(sfd)
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
    path_len += 1 + len(name)
    level += 1
os.close(os.open(b"last" * 60, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
os.close(fd)
print(json.dumps({"levels": level, "deepestBytes": path_len + 1 + 240}))
`,
    dir,
    String(minBytes),
  );
  return JSON.parse(out) as { levels: number; deepestBytes: number };
}

/** Mounts a fresh tmpfs at `dir` (made here); returns why it could not, or null once mounted. The caller unmounts it. */
export function mountTmpfs(dir: string, options: string, label: string): string | null {
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, label, dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}
