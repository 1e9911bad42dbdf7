// `pwalk-ts cat --format pwalk`: rows of pwalk 3.0's CSV, checked column by column
// against values Python computes from lstat on a tree the test builds (names with
// quotes (one in an extension), commas, newlines and dots, hard links, symlinks, empty directories).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

const HEADER =
  'inode,parent-inode,directory-depth,"filename","fileExtension",UID,GID,st_size,st_dev,st_blocks,st_nlink,"st_mode",st_atime,st_mtime,st_ctime,pw_fcount,pw_dirsum';

// pwalk's columns from lstat, written from pwalk's documented row format, one JSON array per entry.
const EXPECTED = `
import os, sys, json, base64
root = sys.argv[1].encode()
def row(path, parent_ino, depth):
    st = os.lstat(path)
    isdir = os.path.isdir(path) and not os.path.islink(path)
    name = os.path.basename(path)
    ext = b'' if isdir or b'.' not in name else name.rsplit(b'.', 1)[1]
    if isdir:
        names = os.listdir(path)
        fcount, dirsum = len(names), sum(os.lstat(os.path.join(path, n)).st_size for n in names)
    else:
        fcount, dirsum = -1, 0
    cols = [st.st_ino, parent_ino, depth, path, ext, st.st_uid, st.st_gid, st.st_size, st.st_dev, st.st_blocks,
            st.st_nlink, b'%07o' % st.st_mode, st.st_atime_ns // 10**9, st.st_mtime_ns // 10**9, st.st_ctime_ns // 10**9, fcount, dirsum]
    print(json.dumps([base64.b64encode(c if isinstance(c, bytes) else str(c).encode()).decode() for c in cols]))
    if isdir:
        for n in os.listdir(path):
            row(os.path.join(path, n), st.st_ino, depth + 1)
row(root, 0, -1)
`;

let base: string;
let tree: string;

describe('cat --format pwalk', () => {
  beforeAll(() => {
    base = makeTempBase('pwalkfmt');
    tree = join(base, 'tree');
    py(
      `import os,sys
r=sys.argv[1].encode()
def w(p,n=3):
  os.makedirs(os.path.dirname(p),exist_ok=True)
  open(p,'wb').write(b'x'*n)
w(os.path.join(r,b'docs',b'report.final.pdf'),900)
w(os.path.join(r,b'docs',b'quote"d,name.txt'),12)
w(os.path.join(r,b'docs',b'new\\nline.csv'),5)
w(os.path.join(r,b'docs',b'.bashrc'),7)
w(os.path.join(r,b'docs',b'noext'),1)
w(os.path.join(r,b'docs',b'odd.e"x'),2)
w(os.path.join(r,b'dir.with.dots',b'inner',b'a.b.c'),40)
os.link(os.path.join(r,b'docs',b'noext'), os.path.join(r,b'dir.with.dots',b'hard.lnk'))
os.symlink(b'../docs/report.final.pdf', os.path.join(r,b'dir.with.dots',b'link.pdf'))
os.makedirs(os.path.join(r,b'empty'))`,
      tree,
    );
  });
  afterAll(() => removeTempBase(base));

  it.each([1, 2])('threads %i: every row and column equals pwalk from lstat', async (threads) => {
    const out = join(base, `walk-${threads}`);
    await runCliOk([tree, '--threads', String(threads), '--out', out, '--quiet']);
    const cat = await runCliOk(['cat', out, '--format', 'pwalk', '--header']);
    const rows = parseCsv(cat.stdoutBytes, 'lf');
    expect(rows[0]!.map((f) => f.toString())).toEqual(parseCsv(Buffer.from(HEADER + '\n'), 'lf')[0]!.map((f) => f.toString()));
    // Computed after the walk: a directory's atime moves when it is read, so that column is skipped below.
    const expected = py(EXPECTED, tree)
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as string[]).map((c) => Buffer.from(c, 'base64')));
    const key = (r: Buffer[]): string => r[3]!.toString('latin1');
    const got = new Map(rows.slice(1).map((r) => [key(r), r]));
    expect(got.size).toBe(expected.length);
    for (const want of expected) {
      const row = got.get(key(want));
      expect(row, key(want)).toBeDefined();
      for (let c = 0; c < 17; c++) {
        if (c === 12) continue; // st_atime: reading a directory may move it
        expect(row![c]!.toString('latin1'), `${key(want)} column ${c}`).toBe(want[c]!.toString('latin1'));
      }
    }
  });

  it('a compact walk and --errors are usage errors', async () => {
    const out = join(base, 'compact');
    await runCliOk([tree, '--compact', '--out', out, '--quiet']);
    const r = await runCli(['cat', out, '--format', 'pwalk']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const e = await runCli(['cat', join(base, 'walk-1'), '--format', 'pwalk', '--errors']);
    expect(e.code).toBe(2);
  });
});
