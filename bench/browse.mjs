// `pwalk-ts browse` on a big walk (issue 14): time to the first screen with no index
// (the index is built first), time to the first screen from the cached index, time to
// open the walk's largest directory (most direct entries) through the '/' prompt, peak
// RSS of each run, and the index's size beside the walk's. Runs the real CLI in a tmux
// pane (120x40) and polls the screen.
//   node bench/browse.mjs [--walk WALK | --root DIR] [--repeat N]
// Without --walk, DIR (default: the 1 M corpus, bench/.corpus/local, made by
// corpus.mjs) is walked first with --threads 2 into bench/out/browse-walk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(BENCH, '../packages/cli/bin/pwalk-ts.js');
const { values } = parseArgs({ options: { walk: { type: 'string' }, root: { type: 'string' }, repeat: { type: 'string', default: '3' } } });
const scratch = mkdtempSync(path.join(tmpdir(), 'pwalk-bench-browse-'));
// A tmux server of its own, its socket in the scratch folder (removed at the end).
const tmux = (...args) => execFileSync('tmux', ['-S', path.join(scratch, 'tmux'), ...args], { encoding: 'utf8', stdio: 'pipe' });
const screen = () => tmux('capture-pane', '-p', '-t', 'main');

function folderBytes(dir) {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

async function waitFor(test, what, timeoutMs = 600_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${s}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One browse run: seconds to the first screen, then (optionally) to the directory `jump`; peak RSS in MiB. */
async function run(walk, cache, scratch, jump) {
  const timeFile = path.join(scratch, 'time');
  rmSync(timeFile, { force: true });
  const script = path.join(scratch, 'run.sh');
  execFileSync('sh', ['-c', `cat > ${script}`], {
    input: `export XDG_CACHE_HOME='${cache}'\n/usr/bin/time -f %M -o '${timeFile}' '${process.execPath}' '${CLI}' browse '${walk}'\necho DONE\nexec sleep 3600\n`,
  });
  const start = performance.now();
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '120', '-y', '40', `sh ${script}`);
  await waitFor((s) => s.includes('sort: size'), 'the first screen');
  const first = (performance.now() - start) / 1000;
  let open = null;
  if (jump !== null) {
    tmux('send-keys', '-t', 'main', '/');
    tmux('send-keys', '-t', 'main', '-l', jump.path);
    const asked = performance.now();
    tmux('send-keys', '-t', 'main', 'Enter');
    await waitFor((s) => s.includes(` 1/${jump.entries}  sort`), `the directory ${jump.path}`);
    open = (performance.now() - asked) / 1000;
  }
  tmux('send-keys', '-t', 'main', 'q');
  await waitFor((s) => s.includes('DONE'), 'the end');
  tmux('kill-server');
  return { first, open, rssMiB: Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) / 1024 };
}

try {
  let walk = values.walk;
  if (walk === undefined) {
    const root = values.root ?? path.join(BENCH, '.corpus/local');
    walk = path.join(BENCH, 'out/browse-walk');
    rmSync(walk, { recursive: true, force: true });
    execFileSync(process.execPath, [CLI, root, '--threads', '2', '--out', walk, '--quiet'], { stdio: 'inherit' });
  }
  const info = JSON.parse(execFileSync(process.execPath, [CLI, 'info', walk, '--json', '--no-verify'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  // The largest directory by direct entries, as an absolute path for the '/' prompt.
  const dirs = execFileSync(process.execPath, [CLI, 'du', walk, '--depth', '1000000', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const widest = dirs.reduce((a, b) => (b.directEntries > a.directEntries ? b : a));
  const jump = { path: widest.path, entries: widest.directEntries };
  const entries = info.manifest?.totals?.entries ?? dirs[0].entries;
  console.log(
    `walk ${walk}: ${entries} entries, ${dirs.length} directories, ${(folderBytes(walk) / 2 ** 20).toFixed(1)} MiB; widest directory ${jump.entries} entries`,
  );
  for (let round = 1; round <= Number(values.repeat); round++) {
    const cache = mkdtempSync(path.join(scratch, 'cache-'));
    const cold = await run(walk, cache, scratch, null);
    const indexDir = path.join(cache, 'pwalk-ts/browse');
    const index = readdirSync(indexDir).filter((n) => n.endsWith('.idx'));
    const indexBytes = statSync(path.join(indexDir, index[0])).size;
    const warm = await run(walk, cache, scratch, jump);
    console.log(
      `round ${round}: no index: first screen ${cold.first.toFixed(2)} s (peak RSS ${cold.rssMiB.toFixed(0)} MiB); ` +
        `cached index: first screen ${warm.first.toFixed(2)} s, widest directory open ${warm.open.toFixed(2)} s (peak RSS ${warm.rssMiB.toFixed(0)} MiB); ` +
        `index ${(indexBytes / 2 ** 20).toFixed(1)} MiB (${(indexBytes / entries).toFixed(1)} bytes per entry)`,
    );
    rmSync(cache, { recursive: true, force: true });
  }
} finally {
  try {
    tmux('kill-server');
  } catch {
    // not running
  }
  rmSync(scratch, { recursive: true, force: true });
}
