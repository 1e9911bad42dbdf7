import { resolveOwnerNames, type Walk } from '@pwalk-ts/reader';
import type { TrendArgs } from '../command-table/trend.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount, humanSignedBytes } from '../format-units.js';
import type { CliIo } from '../io.js';
import { writeReportOutputs } from '../report/report-output.js';
import { trendHtml } from '../report/trend-html.js';
import { trendJson, type TrendWalk } from '../report/trend-model.js';
import type { TrendJson } from '../report/trend-schema.js';
import { walkStartText } from '../report/walk-line.js';
import { stopOnSignals } from '../signal-abort.js';
import { defaultSummaryCacheDir, forgetRemovedWalks, keptSummary } from '../summary-cache.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

export async function run(args: TrendArgs, io: CliIo): Promise<number> {
  const walks: Walk[] = [];
  for (const dir of args.positionals) walks.push(await openWalkForReading(dir));
  const sorted = inTimeOrder(walks);
  const mixedRoots = checkRoots(sorted, args['allow-mixed-roots']);
  const cacheDir = args.cache ? (args['cache-dir'] ?? defaultSummaryCacheDir()) : null;
  const names = resolveOwnerNames();
  return stopOnSignals(io, 'trend', async (signal) => {
    let keepFailed = false;
    const onKeepFailed = (err: Error) => {
      if (keepFailed) return;
      keepFailed = true;
      io.stderr.write(`pwalk-ts: trend: cannot keep summaries in ${cacheDir}: ${err.message} (choose another with --cache-dir, or --no-cache)\n`);
    };
    if (cacheDir !== null) forgetRemovedWalks(cacheDir);
    const series: TrendWalk[] = [];
    // One walk at a time: a walk read whole holds its owners and top directories, the next waits.
    for (const walk of sorted) series.push({ walk, summary: (await keptSummary(walk, cacheDir, { signal, onKeepFailed })).summary });
    const doc = trendJson({ walks: series, names: await names, top: args.top, mixedRoots, generatedAt: new Date() });
    await writeReportOutputs(args, doc, trendHtml, summary, io);
    let bad = false;
    for (const walk of sorted) bad = reportProblems(walk, io) || bad;
    return bad ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
  });
}

/** The walks by start time (ties by folder name). A walk without a manifest has no time to be placed at. */
function inTimeOrder(walks: readonly Walk[]): Walk[] {
  for (const w of walks) {
    if (w.manifest === null) throw new UsageError(`walk ${w.dir} has no readable manifest: when it was made is unknown, so it has no place in a trend`);
  }
  return [...walks].sort((a, b) => a.manifest!.startTime - b.manifest!.startTime || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** Whether the walks are of several roots; refused unless allowed, naming the first walk that differs from the latest. */
function checkRoots(walks: readonly Walk[], allowMixed: boolean): boolean {
  const latest = walks.at(-1)!;
  const root = latest.manifest!.rootAbsolute;
  const other = walks.find((w) => !w.manifest!.rootAbsolute.equals(root));
  if (other === undefined) return false;
  if (allowMixed) return true;
  const text = (w: Walk) => w.manifest!.rootAbsolute.toString('utf8');
  throw new UsageError(
    `walks of different roots: ${other.dir} is of ${text(other)}, ${latest.dir} of ${text(latest)} (--allow-mixed-roots charts them together)`,
  );
}

function summary(t: TrendJson): string {
  const first = t.walks[0]!;
  const last = t.walks.at(-1)!;
  const lines = [
    `walks      ${humanCount(t.walks.length)}, ${walkStartText(first.startTime)} to ${walkStartText(last.startTime)}`,
    `size now   ${humanBytes(last.totals.bytes)}  (${humanCount(last.totals.files)} files)`,
    `change     ${last.totals.deltaBytes === null ? '-' : humanSignedBytes(BigInt(last.totals.deltaBytes))} since the walk before, ${humanSignedBytes(BigInt(last.totals.bytes) - BigInt(first.totals.bytes))} over the series`,
  ];
  return lines.join('\n') + '\n';
}
