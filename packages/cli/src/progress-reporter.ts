import type { WalkProgress } from '@pwalk-ts/walker';
import { humanBytes, humanCount, humanDuration } from './format-units.js';
import type { CliIo } from './io.js';

/** How often the bar redraws on a terminal, and how often a plain line is printed otherwise. */
const TTY_INTERVAL_MS = 200;
const LOG_INTERVAL_MS = 10_000;
const RATE_WINDOW_MS = 3_000;

export interface ProgressReporter {
  stop(): void;
}

/**
 * Samples the walk's shared counters on a timer (workers never read the clock)
 * and shows them: a live bar on a terminal, a plain line every 10 s in logs.
 */
export async function startProgress(io: CliIo, sample: () => WalkProgress, quiet: boolean): Promise<ProgressReporter> {
  if (quiet) return { stop: () => undefined };
  // The rate over the last few seconds: a 200 ms sample alone jumps with every large directory.
  const window: { entries: number; at: number }[] = [];
  const rate = (p: WalkProgress): number => {
    window.push({ entries: p.entries, at: p.elapsedMs });
    while (window.length > 2 && p.elapsedMs - window[0]!.at > RATE_WINDOW_MS) window.shift();
    const first = window[0]!;
    const dt = p.elapsedMs - first.at;
    return dt > 0 ? ((p.entries - first.entries) * 1000) / dt : 0;
  };
  if (io.stderr.isTTY === true) {
    // Perf: loaded only for a terminal, once the walk runs: a walk from cron or with
    // --quiet never loads its 20 modules, and one on a terminal no longer waits for them.
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr,
        format: '{entries} entries | {rate}/s | {bytes} | {dirsRead} dirs read, {queued} queued | {errors} errors | {elapsed}',
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: false,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = (p: WalkProgress): Record<string, string> => ({
      entries: humanCount(p.entries),
      rate: humanCount(Math.round(rate(p))),
      bytes: humanBytes(p.bytes),
      dirsRead: humanCount(p.dirsRead),
      queued: humanCount(p.queued),
      errors: humanCount(p.errors),
      elapsed: humanDuration(p.elapsedMs),
    });
    bar.start(1, 0, payload(sample()));
    const timer = setInterval(() => bar.update(0, payload(sample())), TTY_INTERVAL_MS);
    return {
      stop() {
        clearInterval(timer);
        bar.update(0, payload(sample()));
        bar.stop();
      },
    };
  }
  const timer = setInterval(() => {
    const p = sample();
    io.stderr.write(
      `pwalk-ts: ${humanCount(p.entries)} entries (${humanCount(Math.round(rate(p)))}/s), ${humanBytes(p.bytes)}, ` +
        `${humanCount(p.dirsRead)} dirs read, ${humanCount(p.queued)} queued, ${humanCount(p.errors)} errors, ${humanDuration(p.elapsedMs)}\n`,
    );
  }, LOG_INTERVAL_MS);
  return { stop: () => clearInterval(timer) };
}
