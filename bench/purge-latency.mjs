// Purge rate on a latency-bound filesystem: ../shared/tools/latencyfs.c (every
// metadata call answered after --delay-ms) with the three calls a purge writes with
// (unlink, rename, link, mkdir) added to a copy of it here, delayed the same, since the
// shared mirror is read-only. Each round: a fresh tree of old files, mounted, walked,
// the kernel's dentry and inode caches dropped (as after NFS's attribute cache
// expires), then one purge (or GNU find -delete for comparison) timed.
//
//   node bench/purge-latency.mjs [--dirs 100] [--files 40] [--delay-ms 5] [--repeat 1] [--threads 1,4,16,64] [--only delete,dry-run] [--cli A.js,B.js]
// --cli: the pwalk-ts entry points to time in turn (e.g. a copy of packages/cli built
// before a change, then this one), each case run once per CLI in the same round.
// Root; Debian fuse3, libfuse3-dev, pkg-config, gcc.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mountedAt, unmount } from './slowfs-mount.mjs';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const LATENCYFS = path.join(REPO, '../shared/tools/latencyfs.c');
const CLI = path.join(REPO, 'packages/cli/bin/pwalk-ts.js');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { values: opts } = parseArgs({
  options: {
    dirs: { type: 'string', default: '100' },
    files: { type: 'string', default: '40' },
    'delay-ms': { type: 'string', default: '5' },
    repeat: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1,4,16,64' },
    // Cases whose name contains one of these words, e.g. --only delete,dry-run
    only: { type: 'string', default: '' },
    cli: { type: 'string', default: '' },
  },
});

/** The calls a purge makes that the read-only mirror refuses, each delayed like the rest. */
const WRITE_CALLS = `
static int lf_unlink(const char *path) {
  pause_call(K_WRITE);
  int dir; const char *name; int r = resolve(path, &dir, &name);
  if (r != 0) return r;
  r = unlinkat(dir, name, 0) == 0 ? 0 : -errno;
  if (dir != src_fd) close(dir);
  return r;
}
static int lf_mkdir(const char *path, mode_t mode) {
  pause_call(K_WRITE);
  int dir; const char *name; int r = resolve(path, &dir, &name);
  if (r != 0) return r;
  r = mkdirat(dir, name, mode) == 0 ? 0 : -errno;
  if (dir != src_fd) close(dir);
  return r;
}
static int lf_link(const char *from, const char *to) {
  pause_call(K_WRITE);
  while (*from == '/') from++;
  while (*to == '/') to++;
  return linkat(src_fd, from, src_fd, to, 0) == 0 ? 0 : -errno;
}
static int lf_rename(const char *from, const char *to, unsigned int flags) {
  pause_call(K_WRITE);
  while (*from == '/') from++;
  while (*to == '/') to++;
  return syscall(SYS_renameat2, src_fd, from, src_fd, to, flags) == 0 ? 0 : -errno;
}
`;

function buildWritableLatencyfs(dir) {
  let source = fs.readFileSync(LATENCYFS, 'utf8');
  const edit = (from, to) => {
    if (!source.includes(from)) throw new Error(`latencyfs.c changed: cannot find ${from}`);
    source = source.replace(from, to);
  };
  edit('#include <unistd.h>', '#include <unistd.h>\n#include <sys/syscall.h>');
  edit('K_READLINK, K_COUNT', 'K_READLINK, K_WRITE, K_COUNT');
  edit('"readlink"}', '"readlink", "write"}');
  edit(
    'static const struct fuse_operations ops = {',
    `${WRITE_CALLS}\nstatic const struct fuse_operations ops = {\n    .unlink = lf_unlink,\n    .mkdir = lf_mkdir,\n    .rename = lf_rename,\n    .link = lf_link,`,
  );
  edit('? "ro,fsname', '? "fsname');
  const c = path.join(dir, 'latencyfs-rw.c');
  fs.writeFileSync(c, source);
  const bin = path.join(dir, 'latencyfs-rw');
  const flags = execFileSync('pkg-config', ['fuse3', '--cflags', '--libs'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('gcc', ['-O2', '-Wall', '-o', bin, c, ...flags]);
  return bin;
}

function buildTree(src) {
  fs.rmSync(src, { recursive: true, force: true });
  execFileSync('python3', [
    '-c',
    `
import os, sys, time
root, dirs, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
old = int((time.time() - 200 * 86400) * 1e9)
for d in range(dirs):
    p = os.path.join(root, "u%02d" % (d % 10), "d%d" % d)
    os.makedirs(p, exist_ok=True)
    for f in range(files):
        q = os.path.join(p, "f%d.dat" % f)
        with open(q, "wb") as h: h.write(b"x" * (f * 10))
        os.utime(q, ns=(old, old))
`,
    src,
    opts.dirs,
    opts.files,
  ]);
}

async function withMount(bin, src, mnt, stats, fn) {
  const server = spawn(bin, [src, mnt, '--delay-ms', opts['delay-ms'], '--stats', stats], { stdio: 'ignore' });
  const exited = once(server, 'exit');
  try {
    for (let waited = 0; !mountedAt(mnt); waited += 20) {
      if (server.exitCode !== null || waited > 15_000) throw new Error(`latencyfs did not mount ${mnt}`);
      await sleep(20);
    }
    return await fn();
  } finally {
    if (mountedAt(mnt)) unmount(['fusermount3', '-u', mnt], mnt);
    await exited;
  }
}

function timed(argv) {
  const start = process.hrtime.bigint();
  execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pwalk-purge-bench-'));
const bin = buildWritableLatencyfs(scratch);
const src = path.join(scratch, 'src');
const mnt = path.join(scratch, 'mnt');
fs.mkdirSync(mnt);
const files = Number(opts.dirs) * Number(opts.files);
const clis = opts.cli === '' ? [CLI] : opts.cli.split(',').map((p) => path.resolve(p));
const cases = [
  { name: 'find -delete', argv: () => ['find', mnt, '-mindepth', '1', '-type', 'f', '-atime', '+90', '-delete'] },
  ...opts.threads.split(',').map((t) => ({
    name: `purge --delete --threads ${t}`,
    argv: (w, cli) => [process.execPath, cli, 'purge', w, '-atime', '+90', '--delete', '--log', path.join(scratch, 'log'), '--threads', t, '--quiet'],
  })),
  ...opts.threads.split(',').map((t) => ({
    name: `purge --quarantine --threads ${t}`,
    argv: (w, cli) => [
      process.execPath,
      cli,
      'purge',
      w,
      '-atime',
      '+90',
      '--quarantine',
      path.join(mnt, '.q'),
      '--log',
      path.join(scratch, 'log'),
      '--threads',
      t,
      '--quiet',
    ],
  })),
  {
    name: 'purge --dry-run --threads 64',
    argv: (w, cli) => [process.execPath, cli, 'purge', w, '-atime', '+90', '--dry-run', '--log', path.join(scratch, 'log'), '--threads', '64', '--quiet'],
  },
].filter((c) => opts.only === '' || opts.only.split(',').some((word) => c.name.includes(word)));
console.log(`${files} old files in ${opts.dirs} directories, ${opts['delay-ms']} ms per call, cores ${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}`);
try {
  for (let round = 0; round < Number(opts.repeat); round++) {
    for (const [c, cli] of cases.flatMap((c) => (c.name.startsWith('find') ? [[c, null]] : clis.map((cli) => [c, cli])))) {
      buildTree(src);
      const walk = path.join(scratch, 'walk');
      fs.rmSync(walk, { recursive: true, force: true });
      const stats = path.join(scratch, 'stats.json');
      const seconds = await withMount(bin, src, mnt, stats, async () => {
        execFileSync(process.execPath, [CLI, mnt, '--out', walk, '--threads', '64', '--quiet']);
        fs.writeFileSync('/proc/sys/vm/drop_caches', '2');
        return timed(c.argv(walk, cli));
      });
      const left = Number(
        execFileSync('find', [src, '-path', path.join(src, '.q'), '-prune', '-o', '-type', 'f', '-printf', 'x'], { encoding: 'utf8' }).length,
      );
      const s = JSON.parse(fs.readFileSync(stats, 'utf8'));
      console.log(
        `${c.name.padEnd(34)} ${clis.length > 1 && cli !== null ? `[${cli}] ` : ''}${seconds.toFixed(2).padStart(7)} s  ${Math.round(files / seconds)
          .toString()
          .padStart(6)} files/s  left ${left}  mean in flight (whole mount) ${s.meanInFlight}  load ${os.loadavg()[0].toFixed(1)}`,
      );
    }
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
