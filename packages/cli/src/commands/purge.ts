import { closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolveOwnerNames, systemErrorText, type OwnerNames, type Walk } from '@pwalk-ts/reader';
import { purgeMode, type PurgeArgs } from '../command-table/purge.js';
import { ExitCode } from '../exit-codes.js';
import { writeChunk, type CliIo } from '../io.js';
import { pathBase64 } from '../output/record-formats.js';
import { PurgeLog, type Decision } from '../purge/purge-log.js';
import {
  checkWalkComplete,
  openQuarantine,
  openWalkedRoot,
  protectedFiles,
  quarantineBelowRoot,
  walkRootEntry,
  type OpenedDirectory,
} from '../purge/purge-root.js';
import { parseFindExpression } from '../find/find-expression.js';
import { runPurge, type PurgeOutcome } from '../purge/purge-run.js';
import { abortOnSignals } from '../signal-abort.js';
import { openWalkForReading } from './walk-problems.js';

/** The decisions in the order the closing line names them. */
const DECISIONS: readonly Decision[] = ['moved', 'deleted', 'would purge', 'kept: changed', 'kept: gone', 'kept: protected', 'failed'];

export async function run(args: PurgeArgs, io: CliIo): Promise<number> {
  if (args.restore !== undefined) {
    const { runRestore } = await import('../purge/restore.js');
    return runRestore(args.restore, args.log, args.quiet, io);
  }
  const walk = await openWalkForReading(args.positionals[0]!);
  checkWalkComplete(walk);
  const names = await resolveOwnerNames();
  // The same walk start at action time, so the expression means there what it meant when the candidates were chosen.
  const selection = parseFindExpression(args.rawOperands, { referenceMs: walk.manifest!.startTime, rootArgument: walk.root.bytes, owners: names });
  const root = openWalkedRoot(walk, await walkRootEntry(walk));
  const opened: OpenedDirectory[] = [root];
  const abort = abortOnSignals(io);
  try {
    const mode = purgeMode(args);
    const quarantine = mode.kind === 'quarantine' ? openQuarantine(mode.dir, root) : null;
    if (quarantine !== null) opened.push(quarantine);
    const log = new PurgeLog(args.log!);
    let outcome: PurgeOutcome;
    try {
      log.write(startLine(walk, root, quarantine, args));
      outcome = await runPurge({
        walk,
        selection,
        mode,
        root,
        quarantine,
        quarantineBelowRoot: quarantine === null ? null : quarantineBelowRoot(quarantine, root),
        protectedFiles: protectedFiles(walk, log.fd),
        log,
        names,
        maxFiles: args['max-files'],
        maxBytes: args['max-bytes'],
        threads: args.threads,
        signal: abort.signal,
        pauseBeforeActMs: testPauseBeforeActMs(),
      });
      log.write({ purge: 'end', time: new Date().toISOString(), stoppedBy: outcome.stoppedBy, decisions: Object.fromEntries(outcome.decisions) });
      log.close();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).syscall === undefined) throw err;
      io.stderr.write(`pwalk-ts: purge: stopped: cannot write the log ${log.file}: ${systemErrorText(err)}\n`);
      return ExitCode.FATAL;
    }
    return await report(outcome, names, args, io, abort.exitCode());
  } finally {
    abort.off();
    for (const d of opened) closeSync(d.fd);
  }
}

/** PWALK_TEST_PAUSE_BEFORE_ACT_MS (PurgePlan.pauseBeforeActMs), at most a minute; 0 when unset or not a count of milliseconds. */
function testPauseBeforeActMs(): number {
  const ms = Number(process.env['PWALK_TEST_PAUSE_BEFORE_ACT_MS'] ?? 0);
  return Number.isInteger(ms) && ms > 0 ? Math.min(ms, 60_000) : 0;
}

/** The log's first line for a run: what `--restore` needs (root and quarantine, as checked) and what an auditor asks. */
function startLine(walk: Walk, root: OpenedDirectory, quarantine: OpenedDirectory | null, args: PurgeArgs): object {
  return {
    purge: 'start',
    time: new Date().toISOString(),
    host: hostname(),
    pid: process.pid,
    walk: walk.dir,
    walkId: walk.walkId,
    root: walk.root.text,
    rootBase64: pathBase64(walk.root.bytes),
    rootAbsolute: root.path,
    rootDev: root.stat.dev,
    rootInode: root.stat.ino,
    mode: purgeMode(args).kind,
    quarantine: quarantine?.path,
    quarantineDev: quarantine?.stat.dev,
    quarantineInode: quarantine?.stat.ino,
    expression: args.rawOperands,
    maxFiles: args['max-files'],
    maxBytes: args['max-bytes'],
  };
}

async function report(outcome: PurgeOutcome, names: OwnerNames, args: PurgeArgs, io: CliIo, signalExit: number): Promise<number> {
  if (!args.quiet) await writeChunk(io.stdout, outcome.owners.table(names, args['dry-run'] ? 'to purge' : 'purged'));
  const counts = DECISIONS.filter((d) => outcome.decisions.has(d)).map((d) => `${outcome.decisions.get(d)} ${d}`);
  const why = outcome.stoppedBy === 'limit' ? '; stopped at --max-files/--max-bytes' : outcome.stoppedBy === 'signal' ? '; stopped by a signal' : '';
  io.stderr.write(`pwalk-ts: purge: ${counts.length === 0 ? 'no candidates' : counts.join(', ')}${why} (log: ${args.log})\n`);
  if (outcome.stoppedBy === 'signal') return signalExit;
  return outcome.stoppedBy === 'limit' || outcome.decisions.has('failed') ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
