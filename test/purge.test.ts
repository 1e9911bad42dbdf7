// `pwalk-ts purge` on real trees: files changed after the walk are kept, a directory
// swapped for a link is not followed, quarantine + restore give back the exact tree,
// a killed purge run again ends as one run, a signal stops it between operations,
// nobody acts only where it may, and every refusal. Truth: Python's lstat of the
// trees before and after, and GNU find for which files the expression selects.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, constants, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  buildOld,
  inTempFolderPerTest,
  decisions,
  files,
  gnuFind,
  hex,
  logOf,
  OLD,
  treeState,
  walk,
  walkedOldTree,
  type LogLine,
} from './helpers/purge-trees.js';
import { CLI, parseNdjson, runCli, runCliOk, type CliResult } from './helpers/run-cli.js';
import { mountTmpfs, py } from './helpers/trees.js';

let base: string;
const mounts: string[] = [];
inTempFolderPerTest('purge', mounts, (dir) => (base = dir));

describe('purge: what changed since the walk is kept', () => {
  it('deletes what is still old and unchanged; keeps files touched, grown, replaced, hard-linked or read since', async () => {
    const tree = join(base, 't');
    buildOld(tree, ...OLD, 'x/touched', 'x/grown', 'x/replaced', 'x/linked', 'x/read');
    py(`import os, sys; open(os.path.join(sys.argv[1], 'x/fresh'), 'w').write('new')`, tree);
    const selected = gnuFind(tree, '-atime', '+90');
    await walk(tree, join(base, 'w'));
    py(
      `
import os, sys, time
t = sys.argv[1]; x = lambda n: os.path.join(t, "x", n)
old = os.stat(x("replaced")).st_mtime_ns
os.utime(x("touched"))
with open(x("grown"), "ab") as h: h.write(b"more")
with open(x("replaced.new"), "wb") as h: h.write(b"x/replacedx/replacedx/replaced")
os.utime(x("replaced.new"), ns=(old, old)); os.rename(x("replaced.new"), x("replaced"))
os.link(x("linked"), x("linked.again"))
open(x("read")).read()
`,
      tree,
    );
    const log = join(base, 'purge.log');
    const r = await runCli(['purge', join(base, 'w'), '-atime', '+90', '--delete', '--log', log]);
    expect(r.stderr, readFileSync(log, 'utf8')).toMatch(/purge: 7 deleted, 5 kept: changed/);
    expect(r.code).toBe(0);
    const lines = logOf(log);
    const byPath = decisions(lines, tree);
    // Every candidate GNU find selected in the untouched tree has exactly one line.
    expect(Object.keys(byPath).sort()).toEqual(selected);
    for (const rel of [...OLD, 'hostile/new\nline', 'hostile/link']) expect(byPath[hex(rel)]).toBe('deleted');
    expect(byPath[Buffer.from('hostile/bytes\xff\xfe', 'latin1').toString('hex')]).toBe('deleted');
    for (const rel of ['touched', 'grown', 'replaced', 'linked', 'read']) expect(byPath[hex(`x/${rel}`)]).toBe('kept: changed');
    const changed = Object.fromEntries(lines.filter((l) => l.changed !== undefined).map((l) => [l.path.split('/').pop(), l.changed]));
    expect(changed.replaced).toContain('inode');
    expect(changed.grown).toContain('size');
    expect(changed.linked).toContain('nlink');
    expect(changed.touched).toContain('mtime');
    // A read changes only the atime: the expression, re-evaluated on it, no longer holds.
    expect(changed.read).toEqual(['expression']);
    expect(files(treeState(tree))).toEqual(['touched', 'grown', 'replaced', 'linked', 'linked.again', 'read', 'fresh'].map((n) => hex(`x/${n}`)).sort());
    expect(r.stdout).toMatch(/^root\s+7\s/m);
  });

  it('does not follow a directory swapped for a symbolic link to outside the tree', async () => {
    const tree = join(base, 't');
    const outside = join(base, 'outside');
    buildOld(tree, 'd/victim', 'e/f/victim2', 'keep/me');
    buildOld(outside, 'victim', 'f/victim2');
    await walk(tree, join(base, 'w'));
    const before = treeState(outside);
    py(
      `
import os, sys
t, o = sys.argv[1], sys.argv[2]
for d in ("d", "e"):
    os.rename(os.path.join(t, d), os.path.join(t, d + ".moved")); os.symlink(o, os.path.join(t, d))
`,
      tree,
      outside,
    );
    const log = join(base, 'purge.log');
    const r = await runCli(['purge', join(base, 'w'), '--delete', '--log', log]);
    expect(r.code).toBe(0);
    expect(treeState(outside)).toEqual(before);
    const byPath = decisions(logOf(log), tree);
    expect(byPath[hex('d/victim')]).toBe('kept: changed');
    expect(byPath[hex('e/f/victim2')]).toBe('kept: changed');
    expect(byPath[hex('keep/me')]).toBe('deleted');
    expect(logOf(log).find((l) => l.path.endsWith('d/victim'))!.changed).toEqual(['directory']);
    expect(existsSync(join(tree, 'd.moved/victim'))).toBe(true);
  });
});

describe('purge: quarantine and restore', () => {
  it('moves the candidates into the quarantine (same inodes), and --restore gives back the exact tree', async () => {
    const tree = join(base, 't');
    buildOld(tree, ...OLD, '-dash', 'sp ace/name');
    py(
      `
import os, sys
t = sys.argv[1]
os.link(os.path.join(t, "a/one"), os.path.join(t, "c/one.hardlink"))
open(os.path.join(t, "a/fresh"), "w").write("new")
`,
      tree,
    );
    const selected = gnuFind(tree, '-mtime', '+90');
    const before = treeState(tree);
    await walk(tree, join(base, 'w'));
    const quarantine = join(base, 'q');
    const log = join(base, 'purge.log');
    const r = await runCli(['purge', join(base, 'w'), '--quarantine', quarantine, '--log', log, '-mtime', '+90', '--threads', '8']);
    expect(r.stderr).toMatch(/purge: 10 moved \(log/);
    expect(r.code).toBe(0);
    const during = treeState(tree);
    const held = treeState(quarantine);
    expect(files(held)).toEqual(selected);
    for (const rel of selected) {
      // Moved, not copied: the same inode, size and times.
      expect(held[rel]!.slice(1, 3)).toEqual(before[rel]!.slice(1, 3));
      expect(held[rel]!.slice(7)).toEqual(before[rel]!.slice(7));
      expect(during[rel]).toBeUndefined();
    }
    expect(files(during)).toEqual([hex('a/fresh')]);
    const restored = await runCli(['purge', '--restore', log, '--log', join(base, 'restore.log')]);
    expect(restored.stderr).toMatch(/10 restored/);
    expect(restored.code).toBe(0);
    expect(treeState(tree)).toEqual(before);
    expect(files(treeState(quarantine))).toEqual([]);
    // Restoring again finds nothing left to move and changes nothing.
    const again = await runCli(['purge', '--restore', log, '--quiet']);
    expect(again.code).toBe(0);
    expect(treeState(tree)).toEqual(before);
  });

  it('restore puts a file back only into the folder it came from, not one made since under its name', async () => {
    const tree = await walkedOldTree(base, ['alice/secret', 'bob/notes']);
    const quarantine = join(base, 'q');
    const log = join(base, 'purge.log');
    await runCliOk(['purge', join(base, 'w'), '--quarantine', quarantine, '--log', log, '--quiet']);
    expect(existsSync(join(tree, 'alice/secret'))).toBe(false);
    // Alice removes her emptied folder; another user makes one under the same name.
    rmSync(join(tree, 'alice'), { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(tree, 0o777);
    execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'mkdir', '-m', '0777', join(tree, 'alice')]);
    chmodSync(tree, 0o755);
    const restoreLog = join(base, 'restore.log');
    const r = await runCli(['purge', '--restore', log, '--log', restoreLog]);
    expect(r.code, r.stderr).toBe(1);
    expect(readdirSync(join(tree, 'alice'))).toEqual([]);
    expect(existsSync(join(quarantine, 'alice/secret'))).toBe(true);
    const byPath = decisions(logOf(restoreLog), tree);
    expect(byPath[hex('alice/secret')]).toBe('kept: changed');
    expect(byPath[hex('bob/notes')]).toBe('restored');
    expect(logOf(restoreLog).find((l) => l.decision === 'kept: changed')).toMatchObject({ changed: ['folder'] });
  });

  it('a quarantine inside the walked tree is never a candidate of a later purge', async () => {
    const tree = await walkedOldTree(base, ['a/one', 'a/two'], 'w1');
    const quarantine = join(tree, '.purge');
    await runCliOk(['purge', join(base, 'w1'), '--quarantine', quarantine, '--log', join(base, 'l1'), '--quiet']);
    py(`import os, sys; os.mkdir(sys.argv[1]); open(os.path.join(sys.argv[1], 'three'), 'w').write('3')`, join(tree, 'b'));
    await walk(tree, join(base, 'w2'));
    const log = join(base, 'l2');
    await runCliOk(['purge', join(base, 'w2'), '--quarantine', quarantine, '--log', log, '--quiet']);
    expect(decisions(logOf(log), tree)).toEqual({ [hex('b/three')]: 'moved' });
    expect(files(treeState(quarantine))).toContain(hex('a/one'));
    expect(files(treeState(quarantine))).toContain(hex('b/three'));
  });

  it('never replaces a file made in the place of a quarantined one', async () => {
    const tree = await walkedOldTree(base, ['a/one', 'a/two']);
    const log = join(base, 'purge.log');
    await runCliOk(['purge', join(base, 'w'), '--quarantine', join(base, 'q'), '--log', log, '--quiet']);
    py(`import os, sys; open(os.path.join(sys.argv[1], 'a/one'), 'w').write('a new file')`, tree);
    const r = await runCli(['purge', '--restore', log, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: .*a\/one/);
    expect(readFileSync(join(tree, 'a/one'), 'utf8')).toBe('a new file');
    expect(existsSync(join(base, 'q/a/one'))).toBe(true);
    expect(existsSync(join(tree, 'a/two'))).toBe(true);
  });
});

/** A purge whose log is a FIFO the test reads: once the test stops reading, the purge blocks on its next line. */
async function stalledPurge(
  args: string[],
  fifo: string,
  readBytes: number,
): Promise<{ child: ReturnType<typeof spawn>; rest: () => Promise<string>; exit: Promise<number | null> }> {
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  // A FIFO log must have a reader when the purge opens it (one without is refused): this one, which needs no writer to open.
  const opening = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const child = spawn(process.execPath, [CLI, 'purge', ...args, '--log', fifo, '--quiet'], { stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The reader the test reads with blocks (waits for the purge's open, then for its lines).
  const handle = await open(fifo, 'r');
  await opening.close();
  const head = Buffer.alloc(readBytes);
  let got = 0;
  while (got < readBytes) got += (await handle.read(head, got, readBytes - got)).bytesRead;
  // The pipe fills (64 KiB) and the purge's next write blocks between two operations.
  await sleep(400);
  const rest = async (): Promise<string> => {
    const tail = await handle.readFile();
    await handle.close();
    return head.toString('latin1') + tail.toString('latin1');
  };
  return { child, rest, exit };
}

describe('purge: interrupted', () => {
  const MANY = Array.from({ length: 1000 }, (_, i) => `d${i % 30}/file${i}`);

  it('a purge killed half-way and run again ends as one run, and its log restores everything', async () => {
    const one = join(base, 'one');
    const two = join(base, 'two');
    buildOld(one, ...MANY);
    buildOld(two, ...MANY);
    const original = treeState(two);
    await walk(one, join(base, 'w1'));
    await walk(two, join(base, 'w2'));
    await runCliOk(['purge', join(base, 'w1'), '--quarantine', join(base, 'q1'), '--log', join(base, 'one.log'), '--quiet']);

    const stalled = await stalledPurge([join(base, 'w2'), '--quarantine', join(base, 'q2'), '--threads', '4'], join(base, 'two.fifo'), 8192);
    stalled.child.kill('SIGKILL');
    await stalled.exit;
    const firstRun = parseNdjson((await stalled.rest()).replace(/[^\n]*$/, '')) as unknown as LogLine[];
    const movedFirst = firstRun.filter((l) => l.decision === 'moved').length;
    expect(movedFirst).toBeGreaterThan(0);
    expect(movedFirst).toBeLessThan(MANY.length);
    expect(files(treeState(join(base, 'q2'))).length).toBeGreaterThanOrEqual(movedFirst);

    const log2 = join(base, 'two.log');
    const rerun = await runCli(['purge', join(base, 'w2'), '--quarantine', join(base, 'q2'), '--log', log2, '--quiet']);
    expect(rerun.code).toBe(0);
    expect(files(treeState(two))).toEqual(files(treeState(one)));
    expect(files(treeState(join(base, 'q2')))).toEqual(files(treeState(join(base, 'q1'))));
    // Each candidate is logged as moved by the second run, those the first moved with a note.
    const second = logOf(log2);
    expect(second.every((l) => l.decision === 'moved')).toBe(true);
    expect(second.filter((l) => l.note === 'moved by an earlier run').length).toBeGreaterThanOrEqual(movedFirst);
    await runCliOk(['purge', '--restore', log2, '--quiet']);
    expect(treeState(two)).toEqual(original);
  });

  it('SIGINT stops between operations: every file gone has its line, the rest is untouched, exit 130', async () => {
    const tree = await walkedOldTree(base, MANY);
    const stalled = await stalledPurge([join(base, 'w'), '--delete'], join(base, 'log.fifo'), 4096);
    stalled.child.kill('SIGINT');
    const text = await stalled.rest();
    expect(await stalled.exit).toBe(130);
    const lines = parseNdjson(text) as unknown as LogLine[];
    expect(lines.at(-1)).toMatchObject({ purge: 'end', stoppedBy: 'signal' });
    const deleted = lines.filter((l) => l.decision === 'deleted').length;
    expect(deleted).toBeGreaterThan(0);
    expect(deleted).toBeLessThan(MANY.length);
    expect(files(treeState(tree)).length).toBe(MANY.length + 3 - deleted);
  });
});

describe('purge: permissions, limits and refusals', () => {
  it('as nobody, acts only where permissions allow and logs the rest as failed with their errno', async () => {
    const tree = join(base, 't');
    buildOld(tree, 'mine/a', 'mine/b', 'roots/c', 'closed/d');
    chownSync(join(tree, 'mine'), 65534, 65534);
    chmodSync(join(tree, 'closed'), 0o700);
    await walk(tree, join(base, 'w'));
    const logDir = join(base, 'logs');
    py(`import os, sys; os.mkdir(sys.argv[1]); os.chown(sys.argv[1], 65534, 65534)`, logDir);
    const log = join(logDir, 'purge.log');
    const r = await runCli(['purge', join(base, 'w'), '--delete', '--log', log, '-path', '*/mine/*', '-o', '-path', '*/roots/*', '-o', '-path', '*/closed/*'], {
      asNobody: true,
    });
    expect(r.code).toBe(1);
    const lines = logOf(log);
    const by = Object.fromEntries(lines.map((l) => [l.path.slice(tree.length + 1), [l.decision, l.errno]]));
    expect(by).toEqual({
      'mine/a': ['deleted', undefined],
      'mine/b': ['deleted', undefined],
      'roots/c': ['failed', 'EACCES'],
      'closed/d': ['failed', 'EACCES'],
    });
    expect(existsSync(join(tree, 'mine/a'))).toBe(false);
    expect(existsSync(join(tree, 'roots/c'))).toBe(true);
    expect(existsSync(join(tree, 'closed/d'))).toBe(true);
  });

  it('--max-files and --max-bytes stop it before it does more', async () => {
    const tree = await walkedOldTree(base);
    const r = await runCli(['purge', join(base, 'w'), '--dry-run', '--log', join(base, 'l1'), '--max-files', '2', '--threads', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 would purge; stopped at --max-files/);
    // Sizes: every file of OLD holds its path three times (a/one: 15 bytes); 20 bytes take one such file, not two.
    const d = await runCli([
      'purge',
      join(base, 'w'),
      '--delete',
      '--log',
      join(base, 'l2'),
      '-name',
      'one',
      '-o',
      '-name',
      'two',
      '--max-bytes',
      '20',
      '--threads',
      '1',
    ]);
    expect(d.code).toBe(1);
    expect(logOf(join(base, 'l2')).filter((l) => l.decision === 'deleted')).toHaveLength(1);
    expect([existsSync(join(tree, 'a/one')), existsSync(join(tree, 'a/two'))].sort()).toEqual([false, true]);
  });

  it('never acts on its own log or on the walk folder, when they lie in the tree', async () => {
    const tree = join(base, 't');
    buildOld(tree, 'a/one');
    const log = join(tree, 'purge.log');
    writeFileSync(log, '');
    await walk(tree, join(tree, 'w'));
    const walkFiles = readdirSync(join(tree, 'w')).sort();
    await runCliOk(['purge', join(tree, 'w'), '--delete', '--log', log, '--quiet']);
    expect(existsSync(join(tree, 'a/one'))).toBe(false);
    expect(readdirSync(join(tree, 'w')).sort()).toEqual(walkFiles);
    // Every candidate reached gets its line: the log and the walk's files say why they stay.
    const byPath = decisions(logOf(log), tree);
    expect(byPath[hex('purge.log')]).toBe('kept: protected');
    const walkLines = Object.entries(byPath).filter(([rel]) => Buffer.from(rel, 'hex').toString().startsWith('w/'));
    expect(walkLines.map(([rel]) => rel)).toContain(hex('w/manifest.msgpack'));
    expect(new Set(walkLines.map(([, decision]) => decision))).toEqual(new Set(['kept: protected']));
  });

  it('--dry-run changes nothing and logs what GNU find selects', async () => {
    const tree = await walkedOldTree(base);
    const before = treeState(tree);
    const log = join(base, 'l');
    await runCliOk(['purge', join(base, 'w'), '-name', '*o*', '--dry-run', '--log', log, '--quiet']);
    expect(treeState(tree)).toEqual(before);
    const byPath = decisions(logOf(log), tree);
    expect(Object.keys(byPath).sort()).toEqual(gnuFind(tree, '-name', '*o*'));
    expect(new Set(Object.values(byPath))).toEqual(new Set(['would purge']));
  });

  it('trusts no walk folder, log or restore log another user could have written (one line, exit 2, nothing done)', async () => {
    const tree = await walkedOldTree(base);
    const refused = async (args: string[], message: RegExp): Promise<void> => {
      const r = await runCli(['purge', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    };
    // A walk folder (or one of its files) another user owns or can write: it could select any file of the tree.
    execFileSync('cp', ['-a', join(base, 'w'), join(base, 'w-nobody')]);
    execFileSync('chown', ['-R', 'nobody:nogroup', join(base, 'w-nobody')]);
    await refused([join(base, 'w-nobody'), '--delete', '--log', join(base, 'l1')], /walk folder .*w-nobody cannot be trusted: it belongs to uid 65534/);
    execFileSync('cp', ['-a', join(base, 'w'), join(base, 'w-open')]);
    chmodSync(join(base, 'w-open', 'thread_0.bin'), 0o666);
    await refused([join(base, 'w-open'), '--delete', '--log', join(base, 'l2')], /walk file .* cannot be trusted: it is writable by its group or others/);
    // A log another user made first, or can write: they could edit the record a restore trusts.
    writeFileSync(join(base, 'nobody.log'), '');
    chownSync(join(base, 'nobody.log'), 65534, 65534);
    await refused([join(base, 'w'), '--delete', '--log', join(base, 'nobody.log')], /cannot write the log .*nobody\.log: it belongs to uid 65534/);
    writeFileSync(join(base, 'open.log'), '');
    chmodSync(join(base, 'open.log'), 0o662);
    await refused([join(base, 'w'), '--delete', '--log', join(base, 'open.log')], /cannot write the log .*open\.log: it is writable by its group or others/);
    // A restore from a log another user wrote: it would choose the folders files are linked into.
    await refused(['--restore', join(base, 'nobody.log')], /log .*nobody\.log cannot be trusted: it belongs to uid 65534/);
    // Nothing was done: every old file is still there.
    for (const name of OLD) expect(existsSync(join(tree, name)), name).toBe(true);
  });

  it('refuses a walk that is not complete, a root that is now another filesystem, an unsafe quarantine, a path outside the root', async () => {
    const tree = join(base, 't');
    buildOld(tree, ...OLD, 'zz/victim');
    buildOld(base, 'victim');
    await walk(tree, join(base, 'w'));
    const refused = async (args: string[], message: RegExp): Promise<CliResult> => {
      const r = await runCli(['purge', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
      return r;
    };
    await refused([join(base, 'w'), '--log', join(base, 'l')], /exactly one of --dry-run, --quarantine DIR, --delete/);
    await refused([join(base, 'w'), '--delete'], /--log FILE is required/);
    await refused([join(base, 'w'), '--delete', '--log', join(base, 'l'), '-bogus'], /unknown predicate '-bogus'/);
    symlinkSync('/etc/passwd', join(base, 'planted.log'));
    await refused([join(base, 'w'), '--delete', '--log', join(base, 'planted.log')], /cannot write the log .*symbolic link/);
    expect(treeState(tree)[hex('a/one')]).toBeDefined();
    const other = join(base, 'elsewhere');
    if (mountTmpfs(other, 'size=1m,mode=0700', 'pwalk-test-purge') === null) {
      mounts.push(other);
      await refused([join(base, 'w'), '--quarantine', join(other, 'q'), '--log', join(base, 'l')], /is on another filesystem than the root/);
    }
    chmodSync(join(base), 0o755);
    py(`import os, sys; os.mkdir(sys.argv[1], 0o777); os.chmod(sys.argv[1], 0o777)`, join(base, 'open-q'));
    await refused([join(base, 'w'), '--quarantine', join(base, 'open-q'), '--log', join(base, 'l')], /writable by its group or others/);

    // A forged record whose path leaves the root: the walk is damage (FORMAT.md 7.3), the file outside untouched.
    py(FORGE_DOTDOT, join(base, 'w'));
    const r = await runCli(['purge', join(base, 'w'), '--delete', '--log', join(base, 'l')]);
    expect(r.code).toBe(2);
    const info = await runCli(['info', join(base, 'w')]);
    expect(info.stderr.toString()).toMatch(/PWALK_CORRUPT_RECORD: record \d+: directory "\.\." is not below the root/);
    expect(existsSync(join(base, 'victim'))).toBe(true);

    // A filesystem mounted over the root since the walk: another device there.
    const root2 = join(base, 'r');
    buildOld(root2, 'a/one');
    await walk(root2, join(base, 'w2'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'pwalk-test-purge-root', root2]);
    mounts.push(root2);
    await refused([join(base, 'w2'), '--delete', '--log', join(base, 'l3')], /root .* is now another filesystem/);

    rmSync(join(base, 'w', 'manifest.msgpack'));
    await refused([join(base, 'w'), '--delete', '--log', join(base, 'l')], /is incomplete, not complete/);
  });
});

/**
 * Rewrites the walk's record of zz/victim as ../victim (CRC fixed), as a damaged or forged walk might hold:
 * in format 1 its path; in format 2 the header of directory zz (FORMAT.md 7.3: nothing shared with the
 * previous header, 2 bytes), which names every entry below it.
 */
const FORGE_DOTDOT = `
import glob, os, struct, sys, zlib
for p in glob.glob(os.path.join(sys.argv[1], "thread_*.bin")):
    b = bytearray(open(p, "rb").read()); off = 64
    while off + 16 <= len(b):
        n = struct.unpack_from("<I", b, off + 4)[0]
        payload = bytes(b[off + 16: off + 16 + n])
        if b"zz/victim" in payload or b"\\x00\\x02zz" in payload:
            payload = payload.replace(b"zz/victim", b"../victim").replace(b"\\x00\\x02zz", b"\\x00\\x02..")
            b[off + 16: off + 16 + n] = payload
            struct.pack_into("<I", b, off + 12, zlib.crc32(payload))
        off += 16 + n
    open(p, "wb").write(b)
`;
