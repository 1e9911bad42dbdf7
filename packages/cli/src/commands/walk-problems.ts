import type { Walk } from '@pwalk-ts/reader';
import type { CliIo } from '../io.js';

/**
 * Says on stderr what is wrong with a walk that was read: not finished, or
 * damaged. Returns true when there was something to say.
 */
export function reportProblems(walk: Walk, io: CliIo): boolean {
  const lines: string[] = [];
  if (walk.status === 'incomplete') lines.push(`walk ${walk.dir} is incomplete: the walker did not finish (killed, or still running)`);
  if (walk.status === 'interrupted' || walk.status === 'failed') {
    lines.push(`walk ${walk.dir} is ${walk.status}${walk.manifest?.message ? `: ${walk.manifest.message}` : ''}`);
  }
  for (const p of walk.problems) lines.push(`${p.code}: ${p.message}`);
  // A command that reads the walk more than once (report: three passes) meets each damaged block each time.
  for (const line of new Set(lines)) io.stderr.write(`pwalk-ts: ${line}\n`);
  return lines.length > 0;
}
