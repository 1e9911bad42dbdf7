// `pwalk-ts du` and the SDK's directoryTotals against GNU du on a tree the test
// builds: every directory's apparent size (du --apparent-size -B1) and allocated
// size (du -B1), hard links counted once (within a directory and across
// directories), a 6 GiB sparse file, symlinks, empty directories; file counts
// against Python's own count of distinct inodes.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryTotals, openWalk } from '@pwalk-ts/reader';
import { parseNdjson, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

let base: string;
let tree: string;

/** du's per-directory figures: path -> bytes. */
function du(args: string[]): Map<string, bigint> {
  const out = execFileSync('du', [...args, '-B1', tree], { encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => {
        const [n, p] = l.split('\t');
        return [p!, BigInt(n!)];
      }),
  );
}

beforeAll(() => {
  base = makeTempBase('du');
  tree = join(base, 'tree');
  py(
    `import os,sys
r=sys.argv[1]
def w(p,n):
  os.makedirs(os.path.dirname(p),exist_ok=True)
  with open(p,'wb') as f: f.write(b'x'*n)
for d in range(4):
  for s in range(3):
    for f in range(5): w(os.path.join(r,'d%d'%d,'s%d'%s,'f%d'%f), 1000*d+37*s+f)
w(os.path.join(r,'top.txt'), 12345)
os.link(os.path.join(r,'d0','s0','f1'), os.path.join(r,'d0','s0','f1-link'))
w(os.path.join(r,'x','a','shared'), 70000)
os.makedirs(os.path.join(r,'x','b'))
os.link(os.path.join(r,'x','a','shared'), os.path.join(r,'x','b','shared'))
with open(os.path.join(r,'sparse'),'wb') as f: f.truncate(6*2**30)
os.symlink('d0', os.path.join(r,'link-to-d0'))
os.makedirs(os.path.join(r,'empty','deeper'))
os.utime(os.path.join(r,'d2','s1','f3'), (0, 2000000000))
os.utime(os.path.join(r,'empty','deeper'), (0, 1999999999))`,
    tree,
  );
});
afterAll(() => removeTempBase(base));

describe('pwalk-ts du', () => {
  it.each([1, 2])('threads %i: every directory matches du, apparent and allocated; hard links once', async (threads) => {
    const out = join(base, `walk-${threads}`);
    await runCliOk([tree, '--threads', String(threads), '--out', out, '--quiet']);
    const apparent = du(['--apparent-size']);
    const allocated = du([]);
    const ours = parseNdjson((await runCliOk(['du', out, '--depth', '99', '--json'])).stdout);
    expect(ours.map((o) => o.path).sort()).toEqual([...apparent.keys()].sort());
    // du credits a file linked from two directories to whichever it reads first; pwalk-ts to the
    // smaller path. Those two directories are compared by their sum, everything else one by one.
    const split = new Set([join(tree, 'x/a'), join(tree, 'x/b')]);
    let splitOurs = 0n;
    let splitDu = 0n;
    for (const o of ours) {
      const path = o.path as string;
      if (split.has(path)) {
        splitOurs += o.apparentBytes as bigint;
        splitDu += apparent.get(path)!;
        continue;
      }
      expect(o.apparentBytes, path).toBe(apparent.get(path));
      expect(o.allocatedBytes, path).toBe(allocated.get(path));
    }
    expect(splitOurs).toBe(splitDu);
    const root = ours.find((o) => o.path === tree)!;
    expect(root.apparentBytes).toBeGreaterThan(6n * 2n ** 30n);
  });

  it('the SDK gives exact counts: files once per inode, direct children, depths', async () => {
    const walk = await openWalk(join(base, 'walk-1'));
    const totals = await directoryTotals(walk);
    const byPath = new Map(totals.map((t) => [t.path, t]));
    const distinct = JSON.parse(
      py(
        `import os,sys,json\nr=sys.argv[1]\nout={}\nfor dp,dn,fn in os.walk(r):\n  seen=set()\n  for p,ds,fs in os.walk(dp):\n    for f in fs:\n      st=os.lstat(os.path.join(p,f))\n      if os.path.isfile(os.path.join(p,f)) and not os.path.islink(os.path.join(p,f)): seen.add((st.st_dev,st.st_ino))\n  out[dp]=[len(seen), len(dn)+len(fn)]\nprint(json.dumps(out))`,
        tree,
      ),
    ) as Record<string, [number, number]>;
    for (const [path, [files, direct]] of Object.entries(distinct)) {
      const t = byPath.get(path);
      expect(t, path).toBeDefined();
      expect(t!.directEntries, path).toBe(direct);
      if (!path.startsWith(join(tree, 'x/'))) expect(t!.files, path).toBe(files);
    }
    expect(byPath.get(tree)!.files).toBe(distinct[tree]![0]);
    expect(byPath.get(join(tree, 'd0/s0'))!.depth).toBe(2);
  });

  it('the SDK gives each directory the newest mtime of it and everything below it, as du --time', async () => {
    const totals = await directoryTotals(await openWalk(join(base, 'walk-1')));
    const truth = JSON.parse(
      py(
        `import os,sys,json\nr=sys.argv[1]\nout={}\nfor dp,dn,fn in os.walk(r):\n  out[dp]=max(os.lstat(os.path.join(p,n)).st_mtime_ns//10**9 for p,ds,fs in os.walk(dp) for n in ['.']+ds+fs)\nprint(json.dumps(out))`,
        tree,
      ),
    ) as Record<string, number>;
    expect(Object.fromEntries(totals.map((t) => [t.path, t.newestMtime]))).toEqual(truth);
    expect(truth[tree]).toBe(2000000000);
    expect(truth[join(tree, 'empty')]).toBe(1999999999);
  });

  it('--top lists the largest directories; bad flags are usage errors', async () => {
    const out = join(base, 'walk-1');
    const top = parseNdjson((await runCliOk(['du', out, '--top', '2', '--json'])).stdout);
    // du's two largest directories (the third is x/a or x/b, by hard-link attribution).
    const ranked = [...du(['--apparent-size']).entries()].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).slice(0, 2);
    expect(top.map((o) => [o.path, o.bytes])).toEqual(ranked);
    const both = await runCli(['du', out, '--apparent', '--allocated']);
    expect(both.code).toBe(2);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
  });
});
