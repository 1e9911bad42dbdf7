import type { WalkRun } from '@pwalk-ts/walker';
import { ExitCode } from './exit-codes.js';
import { humanBytes, humanCount, humanDuration } from './format-units.js';
import type { CliIo } from './io.js';
import { startProgress } from './progress-reporter.js';
import { escapeControls } from './output/terminal-text.js';

/**
 * Follows a running walk (a new one or a resume) to its end: progress, SIGINT/SIGTERM
 * (once: finish the directories in progress; twice: abort), the summary line, and the
 * exit code of how it ended.
 */
export async function superviseWalk(run: WalkRun, out: string, quiet: boolean, io: CliIo): Promise<number> {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => () => {
    signals++;
    if (signals === 1) {
      if (!quiet) io.stderr.write(`\npwalk-ts: ${signal}: finishing the directories in progress (again to abort)\n`);
      run.interrupt(signal);
    } else {
      io.stderr.write(`pwalk-ts: ${signal} again: aborting; ${out} is incomplete\n`);
      process.exit(signal === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM);
    }
  };
  const off = [io.onSignal('SIGINT', onSignal('SIGINT')), io.onSignal('SIGTERM', onSignal('SIGTERM'))];
  const progress = await startProgress(io, () => run.progress(), quiet);
  const result = await run.result;
  progress.stop();
  for (const f of off) f();

  const t = result.manifest.totals;
  const elapsed = (result.manifest.endTime ?? Date.now()) - result.manifest.startTime;
  const rate = elapsed > 0 ? Math.round((t.entries * 1000) / elapsed) : t.entries;
  if (result.status === 'failed') {
    const folder = result.recorded ? 'is marked failed' : 'could not be marked failed';
    io.stderr.write(`pwalk-ts: walk failed: ${escapeControls(String(result.message))}; ${out} ${folder} (what was written reads with pwalk-ts cat)\n`);
    return ExitCode.FATAL;
  }
  if (!quiet || result.status !== 'complete' || result.errors > 0) {
    const summary =
      `${humanCount(t.entries)} entries (${humanCount(t.files)} files, ${humanCount(t.dirs)} dirs, ${humanBytes(t.bytes as bigint)}) ` +
      `in ${humanDuration(elapsed)} (${humanCount(rate)}/s), ${humanCount(result.errors)} errors`;
    const state = result.status === 'interrupted' ? ` [${result.message}]` : '';
    io.stderr.write(`pwalk-ts: ${summary}${state} -> ${out}\n`);
    if (result.errors > 0) io.stderr.write(`pwalk-ts: list them with: pwalk-ts cat ${out} --errors\n`);
  }
  if (result.status === 'interrupted') return result.signal === 'SIGTERM' ? ExitCode.SIGTERM : ExitCode.SIGINT;
  return result.errors > 0 ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}
