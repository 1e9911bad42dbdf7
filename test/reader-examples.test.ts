// The SDK's documentation cannot rot: every example in packages/reader/examples runs
// against a walk of a small tree (made as nobody, so one directory is an error
// record) and its output is checked against what the tree holds (Python's lstat for
// the figures that depend on the filesystem); packages/reader/README.md must quote
// every example whole, and the root README's three-line audit script must run too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckRows, sqlPath } from './helpers/duckdb.js';
import { REPO, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

const EXAMPLES = join(REPO, 'packages/reader/examples');
const GIB3 = 3n * 2n ** 30n;
let base: string;
let tree: string;
let walk: string;

function example(name: string, arg = walk, ...more: string[]): string {
  return execFileSync(process.execPath, [join(EXAMPLES, name), arg, ...more], { encoding: 'utf8', cwd: REPO });
}

beforeAll(async () => {
  base = makeTempBase('examples');
  tree = join(base, 'tree');
  py(
    String.raw`import os,sys
r=sys.argv[1]; D=86400; import time; now=int(time.time())
def w(rel,data,uid=0,atime=None,mtime=None):
  p=os.path.join(r,rel); os.makedirs(os.path.dirname(p),exist_ok=True)
  with open(p,'wb') as f: f.write(data)
  os.chown(p,uid,uid)
  if atime is not None: os.utime(p,(atime,mtime))
w('docs/report.pdf',b'p'*5000)
w('docs/notes.txt',b'n'*300)
w('docs/old.txt',b'o'*200,0,now-2*365*D,now-2*365*D)
w('data/archive.tar.gz',b'a'*1000,65534,now-2*365*D,now)
os.link(os.path.join(r,'data/archive.tar.gz'),os.path.join(r,'data/link-to-archive'))
with open(os.path.join(r,'data/big.bin'),'wb') as f: f.truncate(3*2**30); f.seek(2**30); f.write(b'x')
os.chown(os.path.join(r,'data/big.bin'),65534,65534)
os.utime(os.path.join(r,'data/big.bin'),(now-5*365*D,now-5*365*D))
os.symlink('docs',os.path.join(r,'latest'))
w('private/secret.txt',b's'*10)
os.chmod(os.path.join(r,'private'),0o700)`,
    tree,
  );
  const outs = join(base, 'outs');
  mkdirSync(outs, { mode: 0o777 });
  execFileSync('chmod', ['0777', outs]);
  walk = join(outs, 'walk');
  // As nobody, private/ cannot be read: one scandir error record, exit 1.
  await runCliOk([tree, '--threads', '1', '--out', walk, '--quiet'], { asNobody: true, cwd: base }, 1);
});
afterAll(() => removeTempBase(base));

describe('packages/reader/examples', () => {
  it('open-walk', () => {
    expect(example('open-walk.mjs')).toBe(`root ${tree}, status complete, 11 entries in 1 thread file(s)\n`);
  });

  it('records: file bytes per uid, every hard link counted (records are names)', () => {
    expect(example('records.mjs')).toBe(`uid 0: 5500 bytes\nuid 65534: ${GIB3 + 2000n} bytes\n`);
  });

  it('sorted-records', () => {
    const lines = [
      '',
      '/data',
      '/data/archive.tar.gz',
      '/data/big.bin',
      '/data/link-to-archive',
      '/docs',
      '/docs/notes.txt',
      '/docs/old.txt',
      '/docs/report.pdf',
      '/latest',
      '/private',
    ];
    const types = ['dir', 'dir', 'file', 'file', 'file', 'dir', 'file', 'file', 'file', 'symlink', 'dir'];
    expect(example('sorted-records.mjs')).toBe(lines.map((l, i) => `${l === '' ? 0 : l.split('/').length - 1} ${types[i]!.padEnd(7)} ${tree}${l}\n`).join(''));
  });

  it('record-batches', () => {
    expect(example('record-batches.mjs')).toBe('dir 4, file 6, symlink 1\n');
  });

  it('entry-blocks: the same figures as records, from the column view, and the error record', () => {
    expect(example('entry-blocks.mjs')).toBe(`uid 0: 5500 bytes\nuid 65534: ${GIB3 + 2000n} bytes\n1 error record(s)\n`);
  });

  it('exact-numbers: inode and size of every readable file, against lstat', () => {
    const truth = py(
      `import os,sys\nr=sys.argv[1]\nfor d,ds,fs in os.walk(r):\n  if d.endswith('/private'): ds[:]=[]; continue\n  for x in fs:\n    p=os.path.join(d,x); st=os.lstat(p)\n    if os.path.isfile(p) and not os.path.islink(p): print(st.st_ino, st.st_size, p)`,
      tree,
    );
    const lines = (text: string): string[] => text.trimEnd().split('\n').sort();
    expect(lines(example('exact-numbers.mjs'))).toEqual(lines(truth));
    expect(lines(truth)).toHaveLength(6); // the hard link is a second name
  });

  it('errors', () => {
    expect(example('errors.mjs')).toBe(`scandir EACCES ${tree}/private\n`);
  });

  it('directory-totals: the root against an lstat sum (hard links once), the top three by files', () => {
    const apparent = py(
      `import os,sys\nr=sys.argv[1]\nseen=set()\nn=0\nfor d,ds,fs in os.walk(r):\n  if d.endswith('/private'): ds[:]=[]; fs=[]\n  for x in ds+fs:\n    st=os.lstat(os.path.join(d,x))\n    if (st.st_dev,st.st_ino) in seen: continue\n    seen.add((st.st_dev,st.st_ino)); n+=st.st_size\nprint(n+os.lstat(r).st_size)`,
      tree,
    ).trim();
    expect(example('directory-totals.mjs')).toBe(
      `${tree}: ${apparent} bytes, 5 files, 4 directories\n     5 files  ${tree}\n     3 files  ${tree}/docs\n     2 files  ${tree}/data\n`,
    );
  });

  it('usage-summary: totals, users with cold bytes, extensions, mtime ages', () => {
    const out = example('usage-summary.mjs').split('\n');
    expect(out[0]).toMatch(new RegExp(`^total \\d+ bytes in 5 files$`));
    const nobody = GIB3 + 1000n;
    expect(out[1]).toBe(`nobody       ${String(nobody).padStart(12)} bytes, ${nobody} not read for over a year`);
    expect(out[2]).toMatch(/^root +\d+ bytes, 200 not read for over a year$/);
    expect(out.slice(3, 6)).toEqual([`.bin: 1 files, ${GIB3} bytes`, '.pdf: 1 files, 5000 bytes', '.tar.gz: 1 files, 1000 bytes']);
    expect(out.slice(6)).toEqual([
      'modified future   0 files',
      'modified < 30 d   3 files',
      'modified 30-90 d  0 files',
      'modified 90 d-1 y 0 files',
      'modified 1-3 y    1 files',
      'modified > 3 y    1 files',
      '',
    ]);
  });

  it('largest-files: sparse allocation, the hard-linked file once under its smallest path', () => {
    const lines = example('largest-files.mjs').trimEnd().split('\n');
    const allocated = py(`import os,sys\nprint(os.lstat(sys.argv[1]).st_blocks*512)`, join(tree, 'data/big.bin')).trim();
    expect(lines[0]).toBe(`${GIB3} bytes (${allocated} allocated) uid 65534  ${tree}/data/big.bin`);
    const rest = [
      ['5000', '0', 'docs/report.pdf'],
      ['1000', '65534', 'data/archive.tar.gz'],
      ['300', '0', 'docs/notes.txt'],
      ['200', '0', 'docs/old.txt'],
    ];
    expect(lines.slice(1).map((l) => l.replace(/\(\d+ allocated\)/, '(N allocated)'))).toEqual(
      rest.map(([size, uid, rel]) => `${size} bytes (N allocated) uid ${uid}  ${tree}/${rel}`),
    );
    expect(BigInt(allocated) < GIB3).toBe(true);
  });

  it('error-summary: counted by code and call, the first paths', () => {
    expect(example('error-summary.mjs')).toBe(`errors: 1\n1 x EACCES (scandir)\n  EACCES ${tree}/private\n`);
  });

  it('walk-summary: top directories and the root add up to the totals, hard links once', () => {
    // lstat sizes of what the figures hold besides file data: the directories and the symlink.
    const [root, data, docs, priv, latest] = py(
      `import os,sys\nr=sys.argv[1]\nprint(*[os.lstat(os.path.join(r,p)).st_size for p in ['','data','docs','private','latest']])`,
      tree,
    )
      .trim()
      .split(' ')
      .map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
    const tops = [
      ['data', 2n, data + 1000n + GIB3],
      ['docs', 3n, docs + 5500n],
      ['private', 0n, priv],
    ].sort((a, b) => (a[2]! > b[2]! ? -1 : a[2]! < b[2]! ? 1 : 0));
    const total = root + data + docs + priv + latest + 1000n + GIB3 + 5500n;
    expect(example('walk-summary.mjs')).toBe(
      `10 entries, ${total} bytes\n` +
        tops.map(([name, files, bytes]) => `${name}/: ${files} files, ${bytes} bytes\n`).join('') +
        `the root and its other entries: 2, ${root + latest} bytes\n` +
        `uid 65534: ${GIB3 + 1000n} bytes\nuid 0: ${total - GIB3 - 1000n} bytes\n`,
    );
  });

  it('diff-walks: the walk as nobody against one as root, which reads private/ too', async () => {
    const asRoot = join(base, 'outs', 'walk-as-root');
    await runCliOk([tree, '--threads', '1', '--out', asRoot, '--quiet']);
    // Apparent bytes with each inode once, without and with what is inside private/.
    const [before, after] = py(
      `import os,sys\nr=sys.argv[1]\ndef total(skip):\n  seen=set(); n=os.lstat(r).st_size\n  for d,ds,fs in os.walk(r):\n    if skip and d.endswith('/private'): ds[:]=[]; fs=[]\n    for x in ds+fs:\n      st=os.lstat(os.path.join(d,x))\n      if (st.st_dev,st.st_ino) not in seen: seen.add((st.st_dev,st.st_ino)); n+=st.st_size\n  return n\nprint(total(True), total(False))`,
      tree,
    )
      .trim()
      .split(' ');
    expect(BigInt(after!) - BigInt(before!)).toBe(10n);
    expect(example('diff-walks.mjs', walk, asRoot)).toBe(
      `${before} -> ${after} bytes\nnew: 1 files, 10 bytes; deleted: 0 files; modified: 0 files\n` +
        `grew 10 bytes  ${tree}\ngrew 10 bytes  ${tree}/private\nnew file 10 bytes  ${tree}/private/secret.txt\n`,
    );
  });

  it('parquet-export: every entry, read back by DuckDB', async () => {
    const file = join(base, 'walk.parquet');
    expect(example('parquet-export.mjs', walk, file)).toBe(`11 entries -> ${file}\n`);
    const [row] = await duckRows(
      `SELECT count(*) AS n, count(DISTINCT path) AS paths, sum(size) FILTER (type = 'file') AS bytes FROM read_parquet(${sqlPath(file)})`,
    );
    expect(row).toEqual({ n: 11n, paths: 11n, bytes: GIB3 + 5000n + 300n + 200n + 1000n + 1000n });
  });

  it('ncdu-export: every entry, the unreadable folder marked (test/ncdu-export reads such files back with ncdu)', () => {
    const file = join(base, 'walk.ncdu.json');
    expect(example('ncdu-export.mjs', walk, file)).toBe(`11 items -> ${file}; browse with: ncdu -f ${file}\n`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/\{"name":"private",[^}]*"read_error":true\}/);
  });

  it('error-handling: a folder that is not a walk', () => {
    expect(example('error-handling.mjs', tree)).toMatch(/^not a walk: not a walk folder: no manifest\.msgpack and no thread_\*\.bin files/);
    expect(example('error-handling.mjs')).toBe('a walk\n');
  });

  it('per-owner-usage: each owner against the tree, the hard-linked archive once, the root and then their largest directory', () => {
    const out = example('per-owner-usage.mjs').split('\n');
    const nobody = GIB3 + 1000n;
    expect(out[0]).toMatch(new RegExp(`^uid 65534: ${nobody} of \\d+ bytes, most below ${tree}/data, ${nobody} cold$`));
    expect(out[1]).toMatch(new RegExp(`^uid 0: \\d+ of \\d+ bytes, most below ${tree}/docs, 200 cold$`));
    expect(out.slice(2)).toEqual(['']);
  });

  it('every example is tested here and quoted whole in packages/reader/README.md', () => {
    const readme = readFileSync(join(REPO, 'packages/reader/README.md'), 'utf8');
    const names = readdirSync(EXAMPLES).filter((n) => n.endsWith('.mjs'));
    const tested = readFileSync(new URL(import.meta.url), 'utf8');
    for (const name of names) {
      expect(readme, name).toContain('```js\n' + readFileSync(join(EXAMPLES, name), 'utf8') + '```');
      expect(tested, name).toContain(`example('${name}'`);
    }
  });
});

describe('README.md audit script', () => {
  it('is three lines and prints the top users', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Audit scripts'));
    const script = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    expect(script.trimEnd().split('\n')).toHaveLength(3);
    const out = execFileSync(process.execPath, ['--input-type=module', '-', walk], { input: script, cwd: REPO, encoding: 'utf8' });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^nobody\s+3221226472 bytes, 3221225472 untouched for 3\+ years$/);
    expect(lines[1]).toMatch(/^root\s+\d+ bytes, 0 untouched for 3\+ years$/);
  });
});
