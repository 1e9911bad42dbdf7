// `pwalk-ts purge` against what a user who can write into the walked tree or the log's
// folder can plant or race: a FIFO, a device or their own file at the log path; a log
// cut short or damaged; a path logged twice; a directory swapped in between a file's
// check and its move; a quarantine below a folder they control; a chain of folders
// thousands deep. Truth: Python's lstat and openat walks of the trees.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { inTempFolderPerTest, logOf, OLD, treeState, walk, walkedOldTree } from './helpers/purge-trees.js';
import { CLI, parseNdjson, runCli, runCliOk } from './helpers/run-cli.js';
import { mountTmpfs, py } from './helpers/trees.js';

let base: string;
const mounts: string[] = [];
inTempFolderPerTest('purge', mounts, (dir) => (base = dir));

/** Runs the CLI; a run still going after `ms` is killed (SIGKILL: a purge blocked in an open ignores SIGTERM) and reported with code null. */
function runKilledAfter(args: string[], ms: number, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('purge: hostile logs and races', () => {
  it("refuses at once (exit 2) a log that is a FIFO nobody reads, another user's FIFO or a device; a missing log is made 0600", async () => {
    const tree = await walkedOldTree(base);
    const refused = async (log: string, message: RegExp): Promise<void> => {
      const r = await runKilledAfter(['purge', join(base, 'w'), '--delete', '--log', log], 20_000);
      expect(r.code, `${log}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    };
    // Planted by a user where the log goes: before, the open blocked forever, SIGTERM or not.
    execFileSync('mkfifo', ['-m', '0666', join(base, 'planted.fifo')]);
    chownSync(join(base, 'planted.fifo'), 65534, 65534);
    await refused(join(base, 'planted.fifo'), /cannot write the log .*planted\.fifo: it is a FIFO \(or socket\) nobody reads/);
    execFileSync('mkfifo', ['-m', '0600', join(base, 'mine.fifo')]);
    await refused(join(base, 'mine.fifo'), /cannot write the log .*mine\.fifo: it is a FIFO \(or socket\) nobody reads/);
    // Another user's FIFO someone reads: its owner could feed the admin's records anywhere.
    const reader = await open(join(base, 'planted.fifo'), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await refused(join(base, 'planted.fifo'), /cannot write the log .*planted\.fifo: it belongs to uid 65534/);
    } finally {
      await reader.close();
    }
    execFileSync('mknod', ['-m', '0600', join(base, 'null.dev'), 'c', '1', '3']);
    await refused(join(base, 'null.dev'), /cannot write the log .*null\.dev: not a regular file or a FIFO/);
    for (const name of OLD) expect(existsSync(join(tree, name)), name).toBe(true);
    const made = join(base, 'new.log');
    await runCliOk(['purge', join(base, 'w'), '--dry-run', '--log', made, '--quiet']);
    expect(py(`import os, sys; s = os.lstat(sys.argv[1]); print(oct(s.st_mode), s.st_uid)`, made).trim()).toBe('0o100600 0');
  });

  it('a log cut short gets the next run on a line of its own; --restore skips damaged lines (reported escaped, exit 1) and restores the rest', async () => {
    const tree = await walkedOldTree(base);
    const before = treeState(tree);
    const log = join(base, 'purge.log');
    // What a full disk leaves: the start of a line, no newline; with an escape sequence a name could hold.
    writeFileSync(log, '{"time":"2026-12-05","decision":"moved","path":"/scratch/\x1b[2Jx', { mode: 0o600 });
    await runCliOk(['purge', join(base, 'w'), '--quarantine', join(base, 'q'), '--log', log, '--quiet']);
    const text = readFileSync(log, 'utf8').split('\n');
    expect(JSON.parse(text[1]!)).toMatchObject({ purge: 'start' });
    // A line damaged in the middle of the run as well.
    text.splice(3, 0, 'not a log line');
    writeFileSync(log, text.join('\n'));
    const r = await runCli(['purge', '--restore', log, '--quiet']);
    expect(r.stderr).toMatch(/line 1 skipped, not a purge log line: .*\/scratch\/\\x1b\[2Jx\n/);
    expect(r.stderr).toMatch(/line 4 skipped, not a purge log line: not a log line\n/);
    expect(r.stderr).toMatch(/purge --restore: 7 restored, 2 lines skipped \(not purge log lines\)\n/);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.code).toBe(1);
    expect(treeState(tree)).toEqual(before);
  });

  it('restore keeps no set of paths: a path logged twice is found back the second time; another file moved later under the same name is reported, not skipped', async () => {
    const tree = await walkedOldTree(base, OLD, 'w1');
    const log = join(base, 'purge.log');
    await runCliOk(['purge', join(base, 'w1'), '--quarantine', join(base, 'q1'), '--log', log, '--quiet']);
    // A killed run's line and its re-run's for the same file.
    const lines = readFileSync(log, 'utf8').split('\n');
    writeFileSync(log, [...lines.slice(0, -2), lines.find((l) => l.includes('/a/one"'))!, ...lines.slice(-2)].join('\n'));
    // Later, another old file under one of the names, moved by a second run into another quarantine, logged in the same file.
    py(`import os, sys; open(sys.argv[1], "w").write("later"); os.utime(sys.argv[1], (0, 0))`, join(tree, 'a/one'));
    await walk(tree, join(base, 'w2'));
    await runCliOk(['purge', join(base, 'w2'), '--quarantine', join(base, 'q2'), '--log', log, '--quiet', '-path', '*/a/one']);
    const r = await runCli(['purge', '--restore', log]);
    expect(r.stderr).toMatch(/purge --restore: 7 restored, 1 already back, 1 failed\n/);
    expect(r.stderr).toMatch(/failed: .*\/a\/one\n/);
    expect(r.code).toBe(1);
    // Each file counted once in the owners' table.
    expect(r.stdout).toMatch(/^root\s+7\s/m);
    expect(existsSync(join(base, 'q2/a/one'))).toBe(true);
    for (const name of OLD) expect(existsSync(join(tree, name)), name).toBe(true);
  });

  it("refuses a quarantine below a folder another user owns or can write, unless it is root's and sticky", async () => {
    await walkedOldTree(base);
    py(
      `import os, sys
b = sys.argv[1]
for name, mode in (("users", 0o755), ("open", 0o777), ("sticky", 0o1777)):
    os.mkdir(os.path.join(b, name)); os.chmod(os.path.join(b, name), mode)
os.chown(os.path.join(b, "users"), 65534, 65534)`,
      base,
    );
    const refused = async (parent: string, message: RegExp): Promise<void> => {
      const r = await runCli(['purge', join(base, 'w'), '--quarantine', join(base, parent, 'q'), '--log', join(base, `${parent}.log`)]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(base, parent, 'q'))).toBe(false);
    };
    await refused('users', /--quarantine .*users\/q is below .*users, which could move it away or replace it: it belongs to uid 65534/);
    await refused('open', /is below .*open, which could move it away or replace it: it is writable by its group or others and not a sticky folder of root's/);
    const log = join(base, 'sticky.log');
    await runCliOk(['purge', join(base, 'w'), '--quarantine', join(base, 'sticky/q'), '--log', log, '--quiet']);
    expect((parseNdjson(readFileSync(log, 'utf8'))[0] as { quarantine: string }).quarantine).toBe(join(realpathSync(base), 'sticky/q'));
    for (const name of OLD) expect(existsSync(join(base, 'sticky/q', name)), name).toBe(true);
  });

  it('acts at the bottom of a chain of folders thousands deep (a user can make one): opened a level at a time, not by recursion', async () => {
    // On a tmpfs: removing thousands of folders from this machine's ext4 takes a second or two per thousand.
    const mount = join(base, 'tmpfs');
    expect(mountTmpfs(mount, 'size=64m,mode=0700', 'pwalk-test-purge-deep')).toBeNull();
    mounts.push(mount);
    const tree = join(mount, 't');
    const quarantine = join(mount, 'q');
    // The recursive opening this replaced overflowed the stack at 3,500 levels.
    const DEPTH = 4000;
    mkdirSync(tree);
    // Built with openat: the paths are far past PATH_MAX.
    py(
      `import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(int(sys.argv[2])):
    os.mkdir("d", dir_fd=fd); nfd = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd); os.close(fd); fd = nfd
h = os.open("bottom", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd); os.write(h, b"deep"); os.close(h)
os.utime("bottom", ns=(0, 0), dir_fd=fd)`,
      tree,
      String(DEPTH),
    );
    await walk(tree, join(base, 'w'));
    const log = join(base, 'purge.log');
    await runCliOk(['purge', join(base, 'w'), '--quarantine', quarantine, '--log', log, '--quiet', '-name', 'bottom']);
    expect(logOf(log).map((l) => [l.decision, l.path.length])).toEqual([['moved', tree.length + 2 * DEPTH + '/bottom'.length]]);
    const at = (dir: string): string =>
      py(
        `import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(int(sys.argv[2])):
    nfd = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd); os.close(fd); fd = nfd
print(sorted(os.listdir(fd)))`,
        dir,
        String(DEPTH),
      ).trim();
    expect(at(tree)).toBe('[]');
    expect(at(quarantine)).toBe("['bottom']");
  });

  it('a quarantine move never takes a directory swapped in after the check, and finishes a move a killed run left under both names', async () => {
    const tree = await walkedOldTree(base, ['d/x', 'd/y']);
    const log = join(base, 'purge.log');
    const quarantine = join(base, 'q');
    const running = runKilledAfter(['purge', join(base, 'w'), '--quarantine', quarantine, '--log', log, '--threads', '1', '-name', 'x'], 30_000, {
      PWALK_TEST_PAUSE_BEFORE_ACT_MS: '3000',
    });
    while (!existsSync(log) || !readFileSync(log, 'utf8').includes('"start"')) await sleep(20);
    await sleep(1000);
    // Checked and waiting: the user's own folder (a descriptor in it kept) takes the file's name.
    py(`import os, sys; d = sys.argv[1]; os.rename(d + "/x", d + "/x.was"); os.mkdir(d + "/x"); open(d + "/x/mine", "w").write("m")`, join(tree, 'd'));
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(quarantine, 'd/x'))).toBe(false);
    expect(readdirSync(join(tree, 'd/x'))).toEqual(['mine']);
    expect(logOf(log)).toMatchObject([{ decision: 'kept: changed', note: 'replaced while being moved' }]);

    // A run killed between the quarantine's link and the tree's unlink: both names hold the file.
    py(`import os, sys; os.makedirs(sys.argv[2] + "/d", exist_ok=True); os.link(sys.argv[1] + "/d/y", sys.argv[2] + "/d/y")`, tree, quarantine);
    const again = join(base, 'again.log');
    await runCliOk(['purge', join(base, 'w'), '--quarantine', quarantine, '--log', again, '--quiet', '-name', 'y']);
    expect(logOf(again)).toMatchObject([{ decision: 'moved', note: 'moved by an earlier run, stopped before its unlink here' }]);
    expect(existsSync(join(tree, 'd/y'))).toBe(false);
    await runCliOk(['purge', '--restore', again, '--quiet']);
    expect(readFileSync(join(tree, 'd/y'), 'utf8')).toBe('d/yd/yd/y');
    expect(existsSync(join(quarantine, 'd/y'))).toBe(false);
  });
});
