import { closeSync, constants, createReadStream, fstatSync, openSync } from 'node:fs';
import { link, lstat, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { resolveOwnerNames, RootPath, systemErrorText, type OwnerNames } from '@pwalk-ts/reader';
import { PurgeRefusedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeChunk, type CliIo } from '../io.js';
import { parseExactJson } from '../output/exact-json.js';
import { escapeControls } from '../output/terminal-text.js';
import { atPath, DirectoryHandles, identityOf, type FolderIdentity } from './directory-handles.js';
import { OwnerSummary } from './owner-summary.js';
import { PurgeLog, type Decision } from './purge-log.js';
import { checkTrustedPath } from './trusted-file.js';
import { belowRoot } from './relative-path.js';

/** A run's first log line, as far as a restore reads it. */
interface RunStart {
  purge: 'start';
  root: string;
  rootBase64?: string;
  rootAbsolute: string;
  rootDev: bigint;
  rootInode: bigint;
  quarantine?: string;
  quarantineDev?: bigint;
  quarantineInode?: bigint;
}

/** A candidate's log line, as far as a restore reads it. */
interface CandidateLine {
  decision: Decision;
  path: string;
  pathBase64?: string;
  size: bigint;
  uid: bigint | null;
  checked: { dev: bigint; inode: bigint } | null;
  /** The folder the file was moved from, by identity (logs written before it was logged have none). */
  folder?: FolderIdentity;
}

/** A directory a run's line names, opened and checked against the dev and inode the run logged. */
function openLogged(path: string, dev: bigint, inode: bigint, what: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (cause) {
    throw new PurgeRefusedError(`purge --restore: cannot open the ${what} ${path}: ${systemErrorText(cause)}`, { cause });
  }
  const st = fstatSync(fd, { bigint: true });
  if (st.dev !== dev || st.ino !== inode) {
    closeSync(fd);
    throw new PurgeRefusedError(`purge --restore: the ${what} ${path} is no longer the directory the purge used`);
  }
  return fd;
}

/** What became of one `moved` line; `alreadyBack`: it was found restored, nothing done now. */
interface RestoreOutcome {
  readonly decision: Decision;
  readonly detail?: object;
  readonly alreadyBack?: boolean;
}

/** One quarantine run of the log: where its files are and where they go back. */
class RunRestorer {
  private readonly rootPath: RootPath;
  private readonly tree: DirectoryHandles;
  private readonly quarantine: DirectoryHandles;
  readonly fds: number[];

  constructor(start: RunStart) {
    this.rootPath = new RootPath(start.rootBase64 === undefined ? Buffer.from(start.root) : Buffer.from(start.rootBase64, 'base64'));
    const rootFd = openLogged(start.rootAbsolute, start.rootDev, start.rootInode, 'root');
    const quarantineFd = openLogged(start.quarantine!, start.quarantineDev!, start.quarantineInode!, 'quarantine');
    this.fds = [rootFd, quarantineFd];
    this.tree = new DirectoryHandles(rootFd);
    this.quarantine = new DirectoryHandles(quarantineFd);
  }

  /** The path below the root of a logged path, or null when it is not below this run's root. */
  relative(line: CandidateLine): Uint8Array | null {
    const bytes = line.pathBase64 === undefined ? Buffer.from(line.path) : Buffer.from(line.pathBase64, 'base64');
    // What every path below the root starts with: the root joined with a one-byte name, less that byte.
    const named = this.rootPath.join(Buffer.from('x'));
    const head = named.subarray(0, named.length - 1);
    return bytes.subarray(0, head.length).equals(head) ? bytes.subarray(head.length) : null;
  }

  /**
   * Moves one file back: it must still be the inode the purge moved; it is linked back
   * under its name (link fails rather than replace a file a user made there since)
   * and then unlinked from the quarantine, so a restore killed between the two is
   * finished by running it again.
   */
  async restore(rel: Uint8Array, checked: { dev: bigint; inode: bigint }, folder: FolderIdentity | undefined): Promise<RestoreOutcome> {
    const split = belowRoot(rel);
    if (split === null) return { decision: 'failed', detail: { errno: 'EINVAL', syscall: 'path', note: 'outside the walk root' } };
    const held = this.quarantine.acquire(split.parent);
    const home = this.tree.acquire(split.parent);
    try {
      const from = atPath(await held.fd, split.name);
      let fromStat;
      try {
        fromStat = await lstat(from, { bigint: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw Object.assign(err as Error, { syscall: 'lstat' });
        const back = await this.sameAtHome(home.fd, split.name, checked);
        // Linked back by an earlier restore, or by this one for an earlier line naming the same file.
        return back ? { decision: 'restored', detail: { note: 'already back' }, alreadyBack: true } : { decision: 'kept: gone' };
      }
      if (fromStat.dev !== checked.dev || fromStat.ino !== checked.inode) return { decision: 'kept: changed', detail: { changed: ['inode'] } };
      // Another folder made since under the old one's name (maybe by someone who may read what lands there) is not where it goes.
      const homeNow = await identityOf(home);
      if (folder !== undefined && (Object.keys(homeNow) as (keyof FolderIdentity)[]).some((k) => homeNow[k] !== folder[k]))
        return { decision: 'kept: changed', detail: { changed: ['folder'] } };
      const to = atPath(await home.fd, split.name);
      try {
        await link(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !(await this.sameAtHome(home.fd, split.name, checked)))
          throw Object.assign(err as Error, { syscall: 'link' });
      }
      await unlink(from).catch((err: Error) => Promise.reject(Object.assign(err, { syscall: 'unlink' })));
      return { decision: 'restored' };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { decision: 'failed', detail: { errno: e.code ?? 'EIO', syscall: e.syscall ?? 'open' } };
    } finally {
      this.quarantine.release(held);
      this.tree.release(home);
    }
  }

  async close(): Promise<void> {
    await this.tree.closeAll();
    await this.quarantine.closeAll();
    for (const fd of this.fds) closeSync(fd);
  }

  private async sameAtHome(dir: Promise<number>, name: Uint8Array, checked: { dev: bigint; inode: bigint }): Promise<boolean> {
    try {
      const st = await lstat(atPath(await dir, name), { bigint: true });
      return st.dev === checked.dev && st.ino === checked.inode;
    } catch {
      return false;
    }
  }
}

/** What one line of the log is to a restore; `damaged` when it is no purge log line (cut short by a full disk, edited). */
type ParsedLine = { kind: 'start'; start: RunStart } | { kind: 'candidate'; line: CandidateLine } | { kind: 'other' } | { kind: 'damaged' };

const isInteger = (v: unknown): v is bigint => typeof v === 'bigint';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isOptionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** A line parsed and checked for the fields a restore reads (a line missing one would throw halfway through a file). */
function parseLine(text: string): ParsedLine {
  let v: unknown;
  try {
    v = parseExactJson(text);
  } catch {
    return { kind: 'damaged' };
  }
  if (!isObject(v)) return { kind: 'damaged' };
  if (v.purge === 'end') return { kind: 'other' };
  if (v.purge === 'start') {
    const rootOk = typeof v.root === 'string' && isOptionalString(v.rootBase64) && typeof v.rootAbsolute === 'string';
    const quarantineOk = v.quarantine === undefined || (typeof v.quarantine === 'string' && isInteger(v.quarantineDev) && isInteger(v.quarantineInode));
    return rootOk && isInteger(v.rootDev) && isInteger(v.rootInode) && quarantineOk ? { kind: 'start', start: v as unknown as RunStart } : { kind: 'damaged' };
  }
  const checked = v.checked;
  const folder = v.folder;
  const ok =
    typeof v.decision === 'string' &&
    typeof v.path === 'string' &&
    isOptionalString(v.pathBase64) &&
    isInteger(v.size) &&
    (v.uid === null || isInteger(v.uid)) &&
    (checked === null || (isObject(checked) && isInteger(checked.dev) && isInteger(checked.inode))) &&
    (folder === undefined || (isObject(folder) && isInteger(folder.dev) && isInteger(folder.inode) && isInteger(folder.uid) && isInteger(folder.birthtimeNs)));
  return ok ? { kind: 'candidate', line: v as unknown as CandidateLine } : { kind: 'damaged' };
}

/** The summary's names for a line found already restored and for a line skipped. */
const ALREADY_BACK = 'already back';
const SKIPPED = 'lines skipped (not purge log lines)';

/** How much of a damaged line the report shows. */
const EXCERPT = 80;

/**
 * `purge --restore LOG`: every file a quarantine run of LOG logged as moved goes back
 * where it was, run by run (a log may hold several, appended). Nothing is remembered
 * from line to line but the run: a path logged twice (a killed run's line and the
 * re-run's) is found back home the second time, with its quarantine name gone, and
 * said so; a set of the paths seen would stop at V8's 2^24 entries. A line that is no
 * purge log line is skipped and reported; the next lines are read on (exit 1).
 */
export async function runRestore(logFile: string, outFile: string | undefined, quiet: boolean, io: CliIo): Promise<number> {
  // The log names the folders files are linked back into: one another user could have written would choose them.
  checkTrustedPath(logFile, 'log');
  const names = await resolveOwnerNames();
  const out = outFile === undefined ? null : new PurgeLog(outFile);
  const owners = new OwnerSummary();
  const counts = new Map<string, number>();
  const count = (what: string): void => void counts.set(what, (counts.get(what) ?? 0) + 1);
  let run: RunRestorer | null = null;
  let lineNumber = 0;
  try {
    const lines = createInterface({ input: createReadStream(logFile), crlfDelay: Infinity });
    for await (const text of lines) {
      lineNumber++;
      const parsed = parseLine(text);
      if (parsed.kind === 'damaged') {
        count(SKIPPED);
        const excerpt = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}...` : text;
        io.stderr.write(`pwalk-ts: purge --restore: line ${lineNumber} skipped, not a purge log line: ${escapeControls(excerpt)}\n`);
        continue;
      }
      if (parsed.kind === 'start') {
        await run?.close();
        run = null;
        if (parsed.start.quarantine !== undefined) run = new RunRestorer(parsed.start);
        continue;
      }
      if (parsed.kind !== 'candidate' || run === null) continue;
      const line = parsed.line;
      if (line.decision !== 'moved' || line.checked === null) continue;
      const rel = run.relative(line);
      const { decision, detail, alreadyBack } =
        rel === null
          ? { decision: 'failed' as const, detail: { errno: 'EINVAL', syscall: 'path', note: 'outside the walk root' }, alreadyBack: false }
          : await run.restore(rel, line.checked, line.folder);
      count(alreadyBack ? ALREADY_BACK : decision);
      if (decision === 'restored' && !alreadyBack) owners.add(line.uid === null ? null : Number(line.uid), line.size);
      const logged = {
        time: new Date().toISOString(),
        decision,
        path: line.path,
        pathBase64: line.pathBase64,
        size: line.size,
        uid: line.uid,
        checked: line.checked,
        ...detail,
      };
      if (out !== null) out.write(logged);
      else if (decision !== 'restored') io.stderr.write(`pwalk-ts: purge --restore: ${decision}: ${escapeControls(line.path)}\n`);
    }
  } catch (cause) {
    if (lineNumber === 0 && (cause as NodeJS.ErrnoException).syscall !== undefined) {
      throw new PurgeRefusedError(`purge --restore: cannot read ${logFile}: ${systemErrorText(cause)}`, { cause });
    }
    throw cause;
  } finally {
    await run?.close();
    out?.close();
  }
  return finish(counts, owners, names, quiet, io);
}

async function finish(counts: Map<string, number>, owners: OwnerSummary, names: OwnerNames, quiet: boolean, io: CliIo): Promise<number> {
  if (!quiet) await writeChunk(io.stdout, owners.table(names, 'restored'));
  // Decisions in the order met, the lines skipped last.
  const said = [...counts].sort(([a], [b]) => Number(a === SKIPPED) - Number(b === SKIPPED)).map(([d, n]) => `${n} ${d}`);
  io.stderr.write(`pwalk-ts: purge --restore: ${said.length === 0 ? 'nothing moved in this log' : said.join(', ')}\n`);
  return counts.has('failed') || counts.has('kept: changed') || counts.has(SKIPPED) ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
