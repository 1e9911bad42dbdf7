import { type Walk, type WalkManifest } from '@pwalk-ts/reader';
import type { InfoArgs } from '../command-table/info.js';
import { ExitCode } from '../exit-codes.js';
import { humanBytes, humanCount, humanDuration } from '../format-units.js';
import { exactJson } from '../output/exact-json.js';
import type { CliIo } from '../io.js';
import { openWalkForReading, reportProblems } from './walk-problems.js';

interface Verification {
  entries: number;
  errors: number;
  /** Per file: records found against records the manifest lists. */
  mismatches: string[];
}

export async function run(args: InfoArgs, io: CliIo): Promise<number> {
  const walk = await openWalkForReading(args.positionals[0]!);
  const verification = args.verify ? await verify(walk) : null;
  if (args.json) io.stdout.write(exactJson(toJson(walk, verification), 2) + '\n');
  else io.stdout.write(toText(walk, verification));
  const problems = reportProblems(walk, io);
  for (const m of verification?.mismatches ?? []) io.stderr.write(`pwalk-ts: ${m}\n`);
  return problems || (verification?.mismatches.length ?? 0) > 0 ? ExitCode.ENTRY_ERRORS : ExitCode.OK;
}

async function verify(walk: Walk): Promise<Verification> {
  const result: Verification = { entries: 0, errors: 0, mismatches: [] };
  for await (const _ of walk.records({ onCorrupt: 'skip' })) result.entries++;
  for await (const _ of walk.errors({ onCorrupt: 'skip' })) result.errors++;
  const m = walk.manifest;
  if (m !== null && m.status !== 'running') {
    const listed = m.files.reduce((n, f) => n + f.records, 0);
    const found = result.entries + result.errors;
    if (listed !== found && walk.problems.length === 0) {
      result.mismatches.push(`manifest lists ${listed} records, the thread files hold ${found}`);
    }
  }
  return result;
}

function toJson(walk: Walk, v: Verification | null): Record<string, unknown> {
  const m = walk.manifest;
  return {
    dir: walk.dir,
    status: walk.status,
    manifest:
      m === null
        ? null
        : {
            ...m,
            root: m.root.toString('utf8'),
            rootAbsolute: m.rootAbsolute.toString('utf8'),
            resumes: m.resumes?.map((r) => ({ ...r, setAside: r.setAside.map((a) => ({ file: a.file, dirs: a.dirs.map((d) => d.toString('utf8')) })) })),
          },
    files: walk.files.map((f) => ({ name: f.name, thread: f.header.thread, fullAttrs: f.header.fullAttrs })),
    verified:
      v === null
        ? null
        : { entries: v.entries, errors: v.errors, problems: walk.problems.map((p) => ({ code: p.code, message: p.message, file: p.file, offset: p.offset })) },
  };
}

function toText(walk: Walk, v: Verification | null): string {
  const m: WalkManifest | null = walk.manifest;
  const lines: string[] = [`walk      ${walk.dir}`, `status    ${walk.status}`];
  if (m !== null) {
    const duration = m.endTime === null ? 'unfinished' : humanDuration(m.endTime - m.startTime);
    const opts = m.options;
    lines.push(
      `root      ${m.root.toString('utf8')}  (${m.rootAbsolute.toString('utf8')})`,
      `walk id   ${m.walkId}`,
      `host      ${m.host}, user ${m.user.name || m.user.uid}, pwalk-ts ${m.tool.version} on Node ${m.tool.node}`,
      `started   ${new Date(m.startTime).toISOString()}, took ${duration}`,
      `options   threads ${opts.threads}${opts.engine === undefined ? '' : `, engine ${opts.engine}`}${opts.compact ? ', compact' : ''}${opts.oneFileSystem ? ', one-file-system' : ''}` +
        `${opts.snapshots ? '' : ', no-snapshots'}${opts.maxDepth === null ? '' : `, max-depth ${opts.maxDepth}`}` +
        `${opts.exclude.length ? `, exclude ${opts.exclude.join(' ')}` : ''}`,
      `entries   ${humanCount(m.totals.entries)} (${humanCount(m.totals.files)} files, ${humanCount(m.totals.dirs)} dirs)`,
      `size      ${humanBytes(m.totals.bytes)} (${m.totals.bytes} bytes)`,
      `errors    ${humanCount(m.totals.errors)}`,
    );
    for (const r of m.resumes ?? []) {
      const dirs = r.setAside.reduce((n, a) => n + a.dirs.length, 0);
      lines.push(
        `resumed   ${new Date(r.startTime).toISOString()}, took ${r.endTime === null ? 'unfinished' : humanDuration(r.endTime - r.startTime)}; ${humanCount(dirs)} unfinished dirs read again`,
      );
    }
    if (m.message !== null) lines.push(`message   ${m.message}`);
  } else {
    lines.push('manifest  none: missing or set aside (below)');
  }
  lines.push(`files     ${walk.files.length} thread file(s)`);
  if (v !== null) {
    const ok = walk.problems.length === 0 && v.mismatches.length === 0;
    lines.push(`verified  ${humanCount(v.entries)} entries, ${humanCount(v.errors)} error records: ${ok ? 'every block checks out' : 'PROBLEMS (below)'}`);
  }
  return lines.join('\n') + '\n';
}
