// Where report, diff, export, walk --out and sql put their files, on paths a user may
// have prepared (README "Guarantees"): a FIFO, a character device, a symbolic link or
// a folder at the output path is never replaced by a regular file; a folder that
// cannot be made (under /proc) is one line and exit 2 at once, not a spin; and no
// temporary folder outlives a command stopped by `| head`, SIGINT or SIGTERM, or
// (in the sql cache) a command that was SIGKILLed. Node types are checked with
// Python's os.lstat; temporary folders by listing a private TMPDIR per command.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, runCliOk } from '../helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from '../helpers/trees.js';

let base: string;
let small: string;
/** Past one sort run (250 000 entries), so `--sort path` and diff spill runs to TMPDIR. */
let big: string;
let counter = 0;

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/** A fresh, empty folder under the test's base. */
function fresh(label: string): string {
  const dir = join(base, `${label}-${counter++}`);
  mkdirSync(dir);
  return dir;
}

/** Starts the CLI with a private TMPDIR (and more env); killed after `timeoutMs`. */
function start(
  args: string[],
  env: Record<string, string>,
  stdout: 'pipe' | 'ignore' = 'pipe',
  timeoutMs = 60_000,
): { child: ChildProcess; done: Promise<Ran> } {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

function run(args: string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<Ran> {
  return start(args, env, 'pipe', timeoutMs).done;
}

/** What Python's os.lstat says is at `path`: its kind, and for a device its numbers. */
function kind(path: string): string {
  return py(
    `import os, stat, sys
st = os.lstat(sys.argv[1])
m = st.st_mode
k = 'fifo' if stat.S_ISFIFO(m) else 'chr' if stat.S_ISCHR(m) else 'lnk' if stat.S_ISLNK(m) else 'dir' if stat.S_ISDIR(m) else 'reg' if stat.S_ISREG(m) else 'other'
print(k + (' %d,%d' % (os.major(st.st_rdev), os.minor(st.st_rdev)) if k == 'chr' else '') + (' -> ' + os.readlink(sys.argv[1]) if k == 'lnk' else ''))`,
    path,
  ).trim();
}

/**
 * Opens the read end of a FIFO before the writer comes (non-blocking open, then poll:
 * Linux reports no hang-up before a first writer), and collects what the writer sends
 * until it closes. Resolves once the read end is open (an object: a promise returned
 * from an async function would be waited for).
 */
async function fifoReader(path: string): Promise<{ received: Promise<Buffer> }> {
  const code = `import os, select, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
print('open', file=sys.stderr, flush=True)
p = select.poll(); p.register(fd, select.POLLIN)
while True:
    p.poll()
    try:
        chunk = os.read(fd, 1 << 16)
    except BlockingIOError:
        continue
    if not chunk:
        break
    sys.stdout.buffer.write(chunk)`;
  const child = spawn(PYTHON, ['-c', code, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A FIFO replaced by a regular file never gets its writer: the reader is stopped, with what it has.
  const timer = setTimeout(() => child.kill(), 30_000);
  child.on('close', () => clearTimeout(timer));
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  await new Promise<void>((resolve, reject) => {
    child.stderr.once('data', () => resolve());
    child.on('error', reject);
  });
  return { received: new Promise<Buffer>((resolve) => child.on('close', () => resolve(Buffer.concat(out)))) };
}

/** Every name under `dir`, recursively (a temp folder, its runs...). */
function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** Waits until `test` holds, checking every 5 ms; fails after `ms`. */
async function until(test: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function oneLine(stderr: string): void {
  expect(stderr).toMatch(/^pwalk-ts: [^\n]+\n$/);
}

beforeAll(async () => {
  base = makeTempBase('outputs');
  const src = join(base, 'src');
  mkdirSync(join(src, 'a'), { recursive: true });
  writeFileSync(join(src, 'a', 'f'), 'hello');
  small = join(base, 'small-walk');
  await runCliOk([src, '--out', small, '--threads', '2']);
  const bigSrc = join(base, 'big-src');
  py(
    `import os, sys
for d in range(131):
    p = os.path.join(sys.argv[1], 'd%03d' % d)
    os.makedirs(p)
    for f in range(2000):
        os.close(os.open(os.path.join(p, 'f%04d' % f), os.O_CREAT | os.O_WRONLY, 0o644))`,
    bigSrc,
  );
  big = join(base, 'big-walk');
  await runCliOk([bigSrc, '--out', big, '--threads', '2']);
}, 120_000);

afterAll(() => removeTempBase(base));

/** The commands that write a file, each with its output path last. */
const writers: { name: string; args: (target: string) => string[]; check: (bytes: Buffer) => void }[] = [
  {
    name: 'report --html',
    args: (t) => ['report', small, '--html', t, '--quiet'],
    check: (b) => expect(b.toString()).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/i),
  },
  {
    name: 'report --json',
    args: (t) => ['report', small, '--json', t, '--quiet'],
    check: (b) => expect(JSON.parse(b.toString())).toMatchObject({ format: 'pwalk-ts-report' }),
  },
  {
    name: 'diff --html',
    args: (t) => ['diff', small, small, '--html', t, '--quiet'],
    check: (b) => expect(b.toString()).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/i),
  },
  {
    name: 'trend --html',
    args: (t) => ['trend', small, '--html', t, '--quiet', '--no-cache'],
    check: (b) => expect(b.toString()).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/i),
  },
  {
    name: 'export --force -o',
    args: (t) => ['export', small, '--force', '--quiet', '-o', t],
    check: (b) => {
      expect(b.subarray(0, 4).toString()).toBe('PAR1');
      expect(b.subarray(-4).toString()).toBe('PAR1');
    },
  },
];

describe.concurrent('an output path that is not a regular file', () => {
  for (const w of writers) {
    it(`${w.name} onto a FIFO: the reader gets the file, the FIFO stays`, async () => {
      const fifo = join(fresh('fifo'), 'out');
      spawnSync('mkfifo', [fifo]);
      const { received } = await fifoReader(fifo);
      const r = await run(w.args(fifo));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      w.check(await received);
      expect(kind(fifo)).toBe('fifo');
    });

    it(`${w.name} onto a FIFO nobody reads: one line, exit 2, at once`, async () => {
      const fifo = join(fresh('lonely'), 'out');
      spawnSync('mkfifo', [fifo]);
      const r = await run(w.args(fifo), {}, 15_000);
      expect(r.code).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toContain('nobody is reading');
      expect(kind(fifo)).toBe('fifo');
    });

    it(`${w.name} onto a character device (mknod 1,3, /dev/null's): written through, stays a device`, async () => {
      const dir = fresh('chr');
      const dev = join(dir, 'null');
      expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0);
      const r = await run(w.args(dev));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(kind(dev)).toBe('chr 1,3');
      expect(readdirSync(dir)).toEqual(['null']);
    });

    it(`${w.name} onto a symbolic link: refused, the link and the file it names untouched`, async () => {
      const dir = fresh('link');
      const target = join(dir, 'precious');
      writeFileSync(target, 'keep me');
      const link = join(dir, 'out');
      symlinkSync(target, link);
      const r = await run(w.args(link));
      expect(r.code).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toContain('symbolic link');
      expect(kind(link)).toBe(`lnk -> ${target}`);
      expect(readFileSync(target, 'utf8')).toBe('keep me');
      expect(readdirSync(dir).sort()).toEqual(['out', 'precious']);
    });

    it(`${w.name} onto a folder: refused, the folder untouched`, async () => {
      const dir = join(fresh('dir'), 'out');
      mkdirSync(dir);
      writeFileSync(join(dir, 'inside'), 'x');
      const r = await run(w.args(dir));
      expect(r.code).toBe(2);
      oneLine(r.stderr);
      expect(kind(dir)).toBe('dir');
      expect(readdirSync(dir)).toEqual(['inside']);
    });
  }
});

describe.concurrent('a folder that cannot be made (under /proc): one line, exit 2, within seconds', () => {
  it('walk --out /proc/self/foo/bar', async () => {
    const r = await run([join(base, 'src'), '--out', '/proc/self/foo/bar'], {}, 20_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('ENOENT');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('sql --cache-dir /proc/self/foo/bar', async () => {
    const r = await run(['sql', small, 'SELECT 1', '--cache-dir', '/proc/self/foo/bar'], { TMPDIR: fresh('tmp') }, 20_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('sql with XDG_CACHE_HOME=/proc/self/foo', async () => {
    const r = await run(['sql', small, 'SELECT 1'], { TMPDIR: fresh('tmp'), XDG_CACHE_HOME: '/proc/self/foo' }, 20_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('sql with HOME=/proc/self/foo (no XDG_CACHE_HOME)', async () => {
    const r = await run(['sql', small, 'SELECT 1'], { TMPDIR: fresh('tmp'), XDG_CACHE_HOME: '', HOME: '/proc/self/foo' }, 20_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('no temporary folder left behind', () => {
  /** Runs the CLI, closes its stdout after the first bytes (as `| head -1` does), and waits for the exit. */
  async function headOne(args: string[], env: Record<string, string>): Promise<Ran> {
    const { child, done } = start(args, env);
    child.stdout!.once('data', () => child.stdout!.destroy());
    return done;
  }

  it('sql "SELECT * FROM entries" | head -1 (no pwalk-sql-* folder, no staging)', async () => {
    const tmp = fresh('tmp');
    const cache = fresh('cache');
    const r = await headOne(['sql', big, 'SELECT * FROM entries', '--cache-dir', cache], { TMPDIR: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(listing(tmp)).toEqual([]);
    expect(readdirSync(cache).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('cat --sort path | head -1 past one sort run (no pwalk-sort-* runs)', async () => {
    const tmp = fresh('tmp');
    const r = await headOne(['cat', big, '--sort', 'path'], { TMPDIR: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(listing(tmp)).toEqual([]);
  });

  it('SIGTERM during cat --sort path, runs on disk: exit 143, runs removed', async () => {
    const tmp = fresh('tmp');
    const { child, done } = start(['cat', big, '--sort', 'path'], { TMPDIR: tmp });
    // Output begins only after the runs are written; unread, it holds the merge in place.
    child.stdout!.pause();
    await new Promise((resolve) => child.stdout!.once('readable', resolve));
    expect(listing(tmp).some((n) => /^pwalk-sort-[^/]+\/run_\d+\.bin$/.test(n))).toBe(true);
    child.kill('SIGTERM');
    child.stdout!.resume();
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('pwalk-ts: cat: SIGTERM: stopped\n');
    expect(listing(tmp)).toEqual([]);
  });

  it("SIGKILL during cat --sort path leaves its runs; the next sort removes them, never a live sort's, another user's or another host's", async () => {
    const tmp = fresh('tmp');
    const { child, done } = start(['cat', big, '--sort', 'path'], { TMPDIR: tmp });
    child.stdout!.pause();
    await new Promise((resolve) => child.stdout!.once('readable', resolve));
    child.kill('SIGKILL');
    child.stdout!.resume();
    expect((await done).signal).toBe('SIGKILL');
    const killed = readdirSync(tmp);
    expect(killed).toEqual([expect.stringMatching(new RegExp(`^pwalk-sort-${child.pid}-`))]);
    const kept = [
      `pwalk-sort-${process.pid}-${hostname()}-live01`,
      `pwalk-sort-${child.pid}-${hostname()}-theirs`,
      `pwalk-sort-${child.pid}-another-host-abcdef`,
    ];
    for (const name of kept) {
      mkdirSync(join(tmp, name), { mode: 0o700 });
      writeFileSync(join(tmp, name, 'run_0.bin'), 'x');
    }
    chownSync(join(tmp, kept[1]!), 65534, 65534);
    const r = await headOne(['cat', big, '--sort', 'path'], { TMPDIR: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(tmp).sort()).toEqual([...kept].sort());
  });

  it('SIGINT during diff, runs on disk: exit 130, runs removed', async () => {
    const tmp = fresh('tmp');
    const json = join(fresh('out'), 'diff.json');
    const { child, done } = start(['diff', big, big, '--json', json, '--quiet'], { TMPDIR: tmp });
    await until(() => listing(tmp).some((n) => /run_\d+\.bin$/.test(n)), 'the first sort run');
    child.kill('SIGINT');
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('pwalk-ts: diff: SIGINT: stopped\n');
    expect(listing(tmp)).toEqual([]);
    expect(existsSync(json)).toBe(false);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} while sql stages the walk into its cache: exit ${code}, promptly, no staging or temp folder left`, async () => {
      const tmp = fresh('tmp');
      const cache = fresh('cache');
      const { child, done } = start(['sql', big, 'SELECT count(*) FROM entries', '--cache-dir', cache], { TMPDIR: tmp });
      // Staging is under way: the entries table is being written (its temporary file beside where it goes).
      const writing = (n: string): boolean => {
        try {
          return readdirSync(join(cache, n)).some((f) => f.startsWith('.entries.parquet.') && f.endsWith('.tmp'));
        } catch {
          return false; // renamed into place meanwhile: staging is over
        }
      };
      await until(() => readdirSync(cache).some((n) => n.startsWith('.staging-') && writing(n)), 'staging');
      const sent = Date.now();
      child.kill(signal);
      const r = await done;
      expect(r.signal).toBeNull();
      expect(r.code).toBe(code);
      expect(Date.now() - sent).toBeLessThan(10_000);
      oneLine(r.stderr);
      expect(listing(tmp)).toEqual([]);
      expect(readdirSync(cache)).toEqual([]);
    });
  }

  it('a staging folder whose process is gone (SIGKILL) is removed by the next sql run; a live one is kept', async () => {
    const cache = fresh('cache');
    const dead = spawnSync('true').pid;
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const stale = `.staging-${dead}-${hostname()}-AbC123`;
      const live = `.staging-${sleeper.pid}-${hostname()}-XyZ789`;
      for (const name of [stale, live]) {
        // As mkdtemp makes them: only such folders of the caller's are ever removed.
        mkdirSync(join(cache, name), { mode: 0o700 });
        writeFileSync(join(cache, name, 'entries.parquet'), 'partial');
      }
      const r = await run(['sql', small, 'SELECT count(*) AS n FROM entries', '--cache-dir', cache, '--csv'], { TMPDIR: fresh('tmp') });
      expect(r.stderr).toBe('');
      expect(r.stdout.toString()).toBe('"n"\r\n3\r\n');
      const left = readdirSync(cache).filter((n) => n.startsWith('.'));
      expect(left).toEqual([live]);
    } finally {
      sleeper.kill();
    }
  });
});
