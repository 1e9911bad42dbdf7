// Trees, walks and logs the purge tests share: old files (and hostile names) built by
// Python, the tree's state by Python's lstat, GNU find's selection, a purge log's lines.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { parseNdjson, runCliOk } from './run-cli.js';
import { makeTempBase, py, removeTempBase } from './trees.js';

/** Each test of the file in a fresh temporary folder (handed to `use`), removed after it, with the mounts pushed on `mounts` undone first. */
export function inTempFolderPerTest(label: string, mounts: string[], use: (dir: string) => void): void {
  let dir = '';
  beforeEach(() => {
    dir = makeTempBase(label);
    use(dir);
  });
  afterEach(() => {
    for (const m of mounts.splice(0)) execFileSync('umount', [m]);
    removeTempBase(dir);
  });
}

/** Files old enough for `-atime +90`, and two hostile names, under `root` (made). */
const BUILD_OLD = `
import os, sys, time
root = os.fsencode(sys.argv[1])
old = int((time.time() - 200 * 86400) * 1e9)
def f(rel, data=b"x"):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as h: h.write(data)
    os.utime(p, ns=(old, old))
for rel in sys.argv[2:]: f(os.fsencode(rel), os.fsencode(rel) * 3)
f(b"hostile/new\\nline", b"nl")
f(b"hostile/bytes\\xff\\xfe", b"latin")
os.symlink(b"/etc/passwd", os.path.join(root, b"hostile/link"))
os.utime(os.path.join(root, b"hostile/link"), ns=(old, old), follow_symlinks=False)
`;

export function buildOld(root: string, ...files: string[]): void {
  py(BUILD_OLD, root, ...files);
}

/**
 * Every entry below `dir` by Python's lstat, keyed by path bytes (hex): for files and
 * links type, inode, size, mode, owner, link count, mtime and atime in ns (a rename
 * changes the ctime, nothing else); for directories what moving files in and out
 * leaves alone. Never through a link: following one updates the link's atime.
 */
export function treeState(dir: string): Record<string, unknown[]> {
  return JSON.parse(
    py(
      `
import os, sys, json, stat
root = os.fsencode(sys.argv[1]); out = {}
def visit(d):
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n); s = os.lstat(p); rel = os.path.relpath(p, root).hex()
        if stat.S_ISDIR(s.st_mode):
            out[rel] = ["dir", s.st_ino, s.st_mode, s.st_uid, s.st_gid]; visit(p)
        else: out[rel] = [stat.S_IFMT(s.st_mode), s.st_ino, s.st_size, s.st_mode, s.st_uid, s.st_gid, s.st_nlink, s.st_mtime_ns, s.st_atime_ns]
visit(root)
print(json.dumps(out))
`,
      dir,
    ),
  ) as Record<string, unknown[]>;
}

/** Paths (relative to `dir`, as hex bytes) of GNU find's selection: what purge's candidates must be. */
export function gnuFind(dir: string, ...expression: string[]): string[] {
  const out = execFileSync('find', [dir, '-mindepth', '1', '(', '-type', 'f', '-o', '-type', 'l', ')', ...expression, '-print0'], { encoding: 'buffer' });
  const prefix = Buffer.from(dir + '/');
  return out
    .toString('latin1')
    .split('\0')
    .filter(Boolean)
    .map((p) => Buffer.from(p, 'latin1').subarray(prefix.length).toString('hex'))
    .sort();
}

export function hex(s: string): string {
  return Buffer.from(s).toString('hex');
}

export async function walk(root: string, out: string): Promise<void> {
  await runCliOk([root, '--out', out, '--quiet']);
}

/** The tree BASE/t of old `files` (buildOld) walked into BASE/`out`; returns the tree's path. */
export async function walkedOldTree(base: string, files: readonly string[] = OLD, out = 'w'): Promise<string> {
  const tree = join(base, 't');
  buildOld(tree, ...files);
  await walk(tree, join(base, out));
  return tree;
}

export interface LogLine {
  decision?: string;
  purge?: string;
  path: string;
  pathBase64?: string;
  changed?: string[];
  errno?: string;
  note?: string;
}

/** The candidate lines of a purge log (the runs' start and end lines left out). */
export function logOf(file: string): LogLine[] {
  return (parseNdjson(readFileSync(file, 'utf8')) as unknown as LogLine[]).filter((l) => l.purge === undefined);
}

/** Each candidate line's decision by path below `root` (hex bytes). */
export function decisions(lines: LogLine[], root: string): Record<string, string> {
  const prefix = Buffer.from(root + '/');
  const out: Record<string, string> = {};
  for (const l of lines) {
    if (l.decision === undefined) continue;
    const bytes = l.pathBase64 === undefined ? Buffer.from(l.path) : Buffer.from(l.pathBase64, 'base64');
    out[bytes.subarray(prefix.length).toString('hex')] = l.decision;
  }
  return out;
}

export function files(state: Record<string, unknown[]>): string[] {
  return Object.keys(state)
    .filter((k) => state[k]![0] !== 'dir')
    .sort();
}

export const OLD = ['a/one', 'a/two', 'a/b/three', 'c/four'];
