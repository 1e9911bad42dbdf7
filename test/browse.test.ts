// `pwalk-ts browse` driven in a real terminal (tmux): the sizes it shows against GNU du
// on a tree the test builds, keys, a hostile tree (escape sequences, newlines, invalid
// UTF-8 in names) under NO_COLOR, resizing, the terminal given back on q, Ctrl-C and
// SIGTERM, the index reused and rebuilt when the walk changes, a 100k-entry directory,
// and no terminal at all.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_HEADER_SIZE, FILE_HEADER_SIZE } from '@pwalk-ts/reader/format';
import { humanBytes } from '../packages/cli/dist/format-units.js';
import { CLI, runCli, runCliOk } from './helpers/run-cli.js';
import { TmuxPane, tmuxSkipReason } from './helpers/tmux.js';
import { buildHugeDir, makeTempBase, mountTmpfs, py, removeTempBase } from './helpers/trees.js';

const skip = tmuxSkipReason();
let base: string;
let tree: string;
let walk: string;
let hostileWalk: string;
let cache: string;
const panes: TmuxPane[] = [];

/** A list row: size, share, bar, files, entries, newest, flag, name. */
const ROW = /^\s*(\S+ \S+) +(\S+%|link) \[([# ]{10})\] +(\S+) +(\S+) (\S+) (.) (.*)$/;

interface Row {
  size: string;
  share: string;
  flag: string;
  name: string;
}

function rows(screen: string): Row[] {
  const out: Row[] = [];
  for (const line of screen.split('\n')) {
    const m = ROW.exec(line);
    if (m !== null) out.push({ size: m[1]!, share: m[2]!, flag: m[7]!, name: m[8]!.trimEnd() });
  }
  return out;
}

/** du's bytes for a path: allocated, or apparent. */
function du(path: string, apparent = false): bigint {
  const out = execFileSync('du', ['-s', '-B1', ...(apparent ? ['--apparent-size'] : []), path], { encoding: 'utf8' });
  return BigInt(out.split('\t')[0]!);
}

/** Runs browse in a pane; after it ends the pane shows EXIT=code and whether the terminal is back in canonical mode. */
function browse(name: string, walkDir: string, options: { columns?: number; rows?: number; env?: Record<string, string> } = {}): TmuxPane {
  const script =
    `cd '${base}'\n` +
    `sh -c 'echo $$ > ${name}.pid; exec "$0" "$@"' '${process.execPath}' '${CLI}' browse '${walkDir}'\n` +
    `echo "EXIT=$?"\n` +
    `stty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon' | sed 's/^/TTY=/'`;
  const pane = new TmuxPane(base, name, script, options.columns ?? 80, options.rows ?? 24, { XDG_CACHE_HOME: cache, ...options.env });
  panes.push(pane);
  return pane;
}

beforeAll(async () => {
  if (skip !== null) return;
  base = makeTempBase('browse');
  tree = join(base, 'tree');
  cache = join(base, 'cache');
  const write = (relative: string, bytes: number): void => {
    mkdirSync(dirname(join(tree, relative)), { recursive: true });
    writeFileSync(join(tree, relative), randomBytes(bytes));
  };
  for (let i = 0; i < 3; i++) write(`big/f${i}`, 200_000 + i);
  write('big/sub/deep', 50_000);
  for (let i = 0; i < 10; i++) write(`medium/m${i}`, 10_000);
  write('small/one', 100);
  write('links/a', 65_536);
  linkSync(join(tree, 'links/a'), join(tree, 'links/b'));
  writeFileSync(join(tree, 'sparse'), '');
  truncateSync(join(tree, 'sparse'), 2 ** 30);
  write('top.txt', 12_345);
  mkdirSync(join(tree, 'many/inner'), { recursive: true });
  for (let i = 0; i < 1000; i++) writeFileSync(join(tree, `many/n${String(i).padStart(4, '0')}`), '');
  mkdirSync(join(tree, 'a-directory-with-a-long-name-that-does-not-fit-eighty-columns-of-screen'));
  // big/ and what is in it belong to nobody (65534), for the owners overlay.
  execFileSync('chown', ['-R', '65534:65534', join(tree, 'big')]);
  walk = join(base, 'walk');
  await runCliOk([tree, '--threads', '2', '--out', walk, '--quiet']);
  const hostile = join(base, 'hostile');
  py(
    `import os,sys
r=os.fsencode(sys.argv[1])
os.makedirs(r)
for n in [b'evil\\x1b[31mred', b'nl\\nline', b'bad\\xff\\xfe', b'osc\\x1b]0;pwned\\x07', b'c1\\xc2\\x9b7m', b'tab\\there', b'clear\\x1b[2J\\x1b[H']:
  open(os.path.join(r,n),'wb').write(b'x'*5000)
os.makedirs(os.path.join(r,b'dir\\x1b[5mblink'))
open(os.path.join(r,b'dir\\x1b[5mblink',b'inside\\xe9'),'wb').write(b'y'*9000)`,
    hostile,
  );
  hostileWalk = join(base, 'hostile-walk');
  await runCliOk([hostile, '--out', hostileWalk, '--quiet']);
});

afterAll(() => {
  for (const pane of panes) pane.kill();
  removeTempBase(base);
});

describe.skipIf(skip !== null)('pwalk-ts browse in a terminal', () => {
  it('80x24: the root and every child as du measures them, largest first, hard links once; i gives the exact bytes', async () => {
    const pane = browse('sizes', walk);
    let screen = await pane.waitForText('sort: size');
    const lines = screen.split('\n');
    // The status comes before the root, which is what gets cut at 80 columns.
    expect(lines[0]).toMatch(/^ pwalk-ts browse {2}complete, walked \d{4}-\d\d-\d\d {2}\/tmp\//);
    expect(lines[1]).toContain(`${tree}  ${humanBytes(du(tree))} disk usage`);
    const shown = rows(screen);
    const children = readdirSync(tree);
    expect(shown).toHaveLength(children.length);
    // The long name is cut to the column with a '~'.
    expect(
      shown
        .map((r) => r.name.replace(/\/$/, ''))
        .filter((n) => !n.endsWith('~'))
        .sort(),
    ).toEqual(children.filter((c) => c.length < 22).sort());
    // Largest first by disk usage, as du counts it; equal sizes by name.
    const expected = children
      .map((c) => ({ name: c, bytes: du(join(tree, c)) }))
      .sort((a, b) => (a.bytes > b.bytes ? -1 : a.bytes < b.bytes ? 1 : a.name < b.name ? -1 : 1));
    expect(shown.map((r) => r.size)).toEqual(expected.map((e) => humanBytes(e.bytes)));
    expect(shown[0]!.name).toBe('big/');
    expect(shown[0]!.share).toBe(`${((Number(expected[0]!.bytes) / Number(du(tree))) * 100).toFixed(1)}%`);
    expect(lines.length).toBe(24);
    expect(lines[23]).toContain(`1/${children.length}`);

    // The exact figures of a directory, from i, against du's.
    pane.type('i');
    screen = await pane.waitForText('below it');
    expect(screen).toContain(`path       ${join(tree, 'big')}`);
    expect(screen).toContain(`disk usage ${humanBytes(du(join(tree, 'big')))} (${du(join(tree, 'big')).toLocaleString('en-US')} bytes)`);
    expect(screen).toContain(`apparent ${humanBytes(du(join(tree, 'big'), true))} (${du(join(tree, 'big'), true).toLocaleString('en-US')} bytes)`);
    pane.type('x');

    // links/: two names of one inode; du counts it once, so does the directory's row; the second name says so.
    pane.type('/');
    pane.type('links');
    pane.keys('Enter');
    screen = await pane.waitForText(`${join(tree, 'links')}  ${humanBytes(du(join(tree, 'links')))} disk usage, 1 files, 2 entr`);
    const links = rows(screen);
    expect(links.map((r) => [r.name, r.flag, r.share])).toEqual([
      ['a', 'H', expect.stringMatching(/%$/)],
      ['b', 'H', 'link'],
    ]);

    // Apparent sizes: the 1 GiB sparse file comes first; du --apparent-size agrees.
    pane.keys('BSpace');
    await pane.waitForText(`${tree}  `);
    pane.type('a');
    screen = await pane.waitForText('sizes: apparent');
    expect(screen.split('\n')[1]).toContain(`${humanBytes(du(tree, true))} apparent`);
    expect(rows(screen)[0]).toMatchObject({ name: 'sparse', size: humanBytes(2 ** 30) });
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });

  it('u: bytes per owner below a directory, as lstat counts them (hard links once)', async () => {
    // Python's own sums of st_blocks x 512 per uid below the root (the root itself not included).
    const truth = JSON.parse(
      py(
        `import os,sys,json
seen=set(); out={}
for d,dirs,files in os.walk(sys.argv[1]):
  for n in dirs+files:
    st=os.lstat(os.path.join(d,n))
    if st.st_nlink>1 and not os.path.isdir(os.path.join(d,n)):
      if (st.st_dev,st.st_ino) in seen: continue
      seen.add((st.st_dev,st.st_ino))
    out[st.st_uid]=out.get(st.st_uid,0)+st.st_blocks*512
print(json.dumps(out))`,
        tree,
      ),
    ) as Record<string, number>;
    const pane = browse('owners', walk);
    await pane.waitForText('sort: size');
    pane.keys('End');
    pane.type('u');
    const screen = await pane.waitForText('owners below');
    const total = Object.values(truth).reduce((a, b) => a + b, 0);
    expect(screen).toContain(`${tree}: ${humanBytes(total)} disk usage below it`);
    expect(Object.keys(truth).sort()).toEqual(['0', '65534']);
    for (const [uid, bytes] of Object.entries(truth)) {
      expect(screen).toMatch(new RegExp(`^ +${humanBytes(bytes).replace('.', '\\.')} +[0-9.]+% +[0-9,]+ entr(y|ies) +\\S+ \\(${uid}\\)$`, 'm'));
    }
    pane.type('x');
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });

  it('keys: open, up (the directory left stays selected), sort and reverse, paging, jump to a path', async () => {
    const pane = browse('keys', walk);
    await pane.waitForText('sort: size');
    pane.type('/');
    pane.type(`${tree}/many`);
    pane.keys('Enter');
    let screen = await pane.waitForText(' 1/1001');
    expect(rows(screen)[0]!.name).toBe('inner/');
    pane.keys('End');
    screen = await pane.waitForText('1001/1001');
    expect(rows(screen).at(-1)!.name).toBe('n0999');
    pane.keys('Home');
    await pane.waitForText(' 1/1001');
    pane.keys('PageDown');
    screen = await pane.waitForText('20/1001');
    pane.type('j');
    await pane.waitForText('21/1001');
    pane.type('n');
    screen = await pane.waitForText('sort: name');
    pane.keys('Home');
    screen = await pane.waitForText(' 1/1001  sort: name');
    expect(rows(screen)[0]!.name).toBe('inner/');
    pane.type('n');
    screen = await pane.waitForText('sort: name (reversed)');
    pane.keys('Home');
    screen = await pane.waitForText(' 1/1001  sort: name (reversed)');
    expect(rows(screen)[0]!.name).toBe('n0999');
    // Up: the parent is sorted the same way and 'many' stays selected.
    pane.type('h');
    screen = await pane.waitForText(`${tree}  `);
    const names = rows(screen).map((r) => r.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(screen.split('\n')[23]).toContain(`${names.indexOf('many/') + 1}/${names.length}`);
    // Escape sequences on the selected row: it alone is in reverse video.
    const selectedLine = pane
      .screenWithAttributes()
      .split('\n')
      .find((l) => l.includes('many/'))!;
    expect(selectedLine).toContain('\x1b[7m');
    pane.type('/');
    pane.type('nowhere/at/all');
    pane.keys('Enter');
    await pane.waitForText('not in this walk: nowhere/at/all');
    pane.type('?');
    await pane.waitForText('keys (any key closes)');
    pane.type('x');
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });

  it('a hostile tree under NO_COLOR: every name escaped, nothing obeyed, no colour at all', async () => {
    const pane = browse('hostile', hostileWalk, { env: { NO_COLOR: '1' } });
    const screen = await pane.waitForText('sort: size');
    for (const shown of [
      'evil\\x1b[31mred',
      'nl\\x0aline',
      'bad\\xff\\xfe',
      'osc\\x1b]0;pwned\\x07',
      'c1\\x9b7m',
      'tab\\x09here',
      'clear\\x1b[2J\\x1b[H',
      'dir\\x1b[5mblink/',
    ]) {
      expect(screen).toContain(shown);
    }
    expect(pane.show('#{pane_title}')).not.toContain('pwned');
    const attributes = pane.screenWithAttributes();
    // Reverse video and bold are not colour; any SGR colour (30-37, 38, 40-47, 48, 90-107) would be.
    // (39 and 49 are the default colours, which capture-pane writes after every styled run.)
    // eslint-disable-next-line no-control-regex -- the test looks for the SGR sequences tmux writes
    expect(attributes.match(/\x1b\[[0-9;]*m/g)!.filter((sgr) => /[[;](3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]/.test(sgr))).toEqual([]);
    expect(attributes).not.toContain('\x1b[5m');
    expect(rows(screen)[0]!.name).toBe('dir\\x1b[5mblink/');
    pane.keys('Enter');
    const inside = await pane.waitForText('inside');
    expect(inside).toContain('inside\\xe9');
    pane.type('i');
    expect(await pane.waitForText('path ')).toContain(`path       ${join(base, 'hostile')}/dir\\x1b[5mblink/inside\\xe9`);
    pane.type('x');
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });

  it('follows the terminal size, and colours directories unless NO_COLOR', async () => {
    const pane = browse('resize', walk);
    let screen = await pane.waitForText('sort: size');
    expect(screen).toMatch(/ a-directory-with-a-lo\S*~\n/);
    expect(pane.screenWithAttributes()).toContain('\x1b[34m');
    pane.resize(150, 40);
    screen = await pane.waitFor((s) => s.split('\n').length === 40 && s.split('\n')[39]!.includes('sort: size'), 'a 150x40 screen');
    expect(screen).toContain('a-directory-with-a-long-name-that-does-not-fit-eighty-columns-of-screen/');
    pane.resize(80, 24);
    screen = await pane.waitFor((s) => s.split('\n').length === 24 && s.split('\n')[23]!.includes('sort: size'), 'an 80x24 screen again');
    expect(screen.split('\n').every((l) => l.length <= 80)).toBe(true);
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });

  it.each([
    ['q', 0],
    ['Ctrl-C', 130],
    ['SIGTERM', 143],
  ] as const)('gives the terminal back as it found it on %s (exit %i)', async (how, code) => {
    const pane = browse(`restore-${code}`, walk);
    await pane.waitForText('sort: size');
    expect(pane.show('#{alternate_on} #{cursor_flag}')).toBe('1 0');
    if (how === 'q') pane.type('q');
    else if (how === 'Ctrl-C') pane.keys('C-c');
    else process.kill(Number(readFileSync(join(base, `restore-${code}.pid`), 'utf8')), 'SIGTERM');
    const screen = await pane.waitForText('TTY=');
    expect(screen).toContain(`EXIT=${code}`);
    expect(screen).toContain('TTY=icanon');
    expect(pane.show('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('keeps the index in the cache, and indexes again (dropping the old index) when the walk is rewritten', async () => {
    const copy = join(base, 'walk-copy');
    cpSync(walk, copy, { recursive: true });
    const cacheDir = join(cache, 'pwalk-ts', 'browse');
    const count = (): number => (existsSync(cacheDir) ? readdirSync(cacheDir).length : 0);
    const before = count();
    const first = browse('cache-1', copy);
    await first.waitForText('sort: size');
    first.type('q');
    expect(await first.waitForText('EXIT=0')).toContain('indexing');
    expect(count()).toBe(before + 1);
    const second = browse('cache-2', copy);
    await second.waitForText('sort: size');
    second.type('q');
    expect(await second.waitForText('EXIT=0')).not.toContain('indexing');
    const threadFile = readdirSync(copy).find((f) => f.startsWith('thread_'))!;
    utimesSync(join(copy, threadFile), new Date(), new Date(Date.now() + 5000));
    const third = browse('cache-3', copy);
    await third.waitForText('sort: size');
    third.type('q');
    expect(await third.waitForText('EXIT=0')).toContain('indexing');
    expect(count()).toBe(before + 1);
  });

  it('an incomplete walk says so in the header and exits 1', async () => {
    const copy = join(base, 'walk-incomplete');
    cpSync(walk, copy, { recursive: true });
    rmSync(join(copy, 'manifest.msgpack'));
    const pane = browse('incomplete', copy);
    const screen = await pane.waitForText('sort: size');
    expect(screen.split('\n')[0]).toContain('INCOMPLETE');
    pane.type('q');
    expect(await pane.waitForText('EXIT=')).toContain('EXIT=1');
  });

  it('a damaged walk says so in the header, lists the damage on quitting and exits 1; its cached index says so again', async () => {
    const copy = join(base, 'walk-damaged');
    cpSync(walk, copy, { recursive: true });
    // The largest thread file cut mid-block: the reader keeps its whole records and reports the cut.
    const largest = readdirSync(copy)
      .filter((f) => f.startsWith('thread_'))
      .map((f) => join(copy, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    truncateSync(largest, Math.floor(statSync(largest).size * 0.6));
    for (const run of ['damaged-1', 'damaged-2']) {
      const pane = browse(run, copy);
      const screen = await pane.waitForText('sort: size');
      expect(screen.split('\n')[0]).toContain('complete, DAMAGED (listed on quitting)');
      pane.type('q');
      const after = await pane.waitForText('EXIT=');
      expect(after).toContain('EXIT=1');
      expect(after).toMatch(/pwalk-ts: PWALK_\w+: /);
    }
  });

  it('a walk whose every block is damaged: the damage and that nothing is left to browse, exit 1', async () => {
    const copy = join(base, 'walk-destroyed');
    cpSync(walk, copy, { recursive: true });
    for (const name of readdirSync(copy).filter((f) => f.startsWith('thread_'))) {
      // Garbage through every block's records, from the first block's payload on: every CRC fails. A format-2
      // thread file of this small tree can be shorter than 256 bytes, so garbage from there on missed it.
      const path = join(copy, name);
      const size = statSync(path).size;
      const fd = openSync(path, 'r+');
      for (let at = FILE_HEADER_SIZE + BLOCK_HEADER_SIZE; at < size; at += 4096) writeSync(fd, Buffer.alloc(64, 0xa5), 0, Math.min(64, size - at), at);
      closeSync(fd);
    }
    const pane = browse('destroyed', copy);
    const screen = await pane.waitForText('EXIT=');
    expect(screen).toContain('EXIT=1');
    expect(screen).toMatch(/pwalk-ts: PWALK_\w+: /);
    expect(screen.replace(/\n/g, '')).toContain(`${copy} holds no record to browse`);
  });

  it('without a writable cache, indexes into a temporary folder and still browses', async () => {
    const pane = browse('no-cache', walk, { env: { XDG_CACHE_HOME: '/proc/pwalk-ts-no-cache' } });
    await pane.waitForText('sort: size');
    pane.type('q');
    expect(await pane.waitForText('EXIT=')).toContain('EXIT=0');
  });

  it('a directory of 100k entries opens and scrolls to its end', async () => {
    // On a tmpfs when it can be mounted: 100 000 creates on a busy disk took 80 s here, on tmpfs 2 s.
    const huge = join(base, 'huge');
    const onDisk = mountTmpfs(huge, 'size=64m,nr_inodes=200k', 'pwalk-test-browse');
    const hugeWalk = join(base, 'huge-walk');
    try {
      buildHugeDir(huge, 100_000);
      await runCliOk([huge, '--out', hugeWalk, '--quiet']);
    } finally {
      if (onDisk === null) execFileSync('umount', [huge]);
    }
    const pane = browse('huge', hugeWalk);
    await pane.waitForText(' 1/100001', 45_000);
    pane.type('n');
    expect(rows(await pane.waitForText(' 1/100001  sort: name'))[0]!.name).toBe('f0000000');
    pane.keys('End');
    const screen = await pane.waitForText('100001/100001');
    expect(
      rows(screen)
        .slice(-2)
        .map((r) => r.name),
    ).toEqual(['f0099999', 'zz-subdir/']);
    pane.keys('PageUp');
    await pane.waitForText('99982/100001');
    pane.type('q');
    await pane.waitForText('EXIT=0');
  });
});

describe('pwalk-ts browse without a terminal', () => {
  it('--help says what it is, with no empty Options heading', async () => {
    const help = (await runCliOk(['browse', '--help'])).stdout;
    expect(help).toMatch(/^Usage: pwalk-ts browse WALK\n\nA full-screen browser of a walk/);
    expect(help).not.toContain('Options:');
  });

  it('refuses in one line, exit 2', async () => {
    const r = await runCli(['browse', '/nonexistent/walk']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pwalk-ts: browse needs a terminal on stdin and stdout .*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
