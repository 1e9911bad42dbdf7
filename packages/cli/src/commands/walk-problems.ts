import { openWalk, WalkErrorCode, type Walk } from '@pwalk-ts/reader';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';

/**
 * Opens a walk as every command reads one: damage (a bad or foreign manifest, a
 * thread file lost, emptied or cut, a corrupt block) is listed in `walk.problems` and
 * the rest is read, so only a folder holding nothing of a walk is a fatal error.
 */
export function openWalkForReading(dir: string): Promise<Walk> {
  return openWalk(dir, { onCorrupt: 'skip' });
}

/**
 * Says on stderr what is wrong with a walk that was read: not finished, or
 * damaged. Returns true when there was something to say.
 */
export function reportProblems(walk: Walk, io: CliIo): boolean {
  const lines: string[] = [];
  // A manifest set aside has its own problem line, which says what it means.
  const manifestRejected = walk.problems.some((p) => p.code === WalkErrorCode.BAD_MANIFEST);
  if (walk.manifest === null && !manifestRejected) {
    lines.push(
      `walk ${walk.dir} is incomplete: it has no manifest.msgpack (deleted, or the walker died before writing it); root unknown, paths are relative to '.'`,
    );
  }
  if (walk.status === 'incomplete' && walk.manifest !== null)
    lines.push(`walk ${walk.dir} is incomplete: the walker did not finish (killed, or still running)`);
  if (walk.status === 'interrupted' || walk.status === 'failed') {
    lines.push(`walk ${walk.dir} is ${walk.status}${walk.manifest?.message ? `: ${walk.manifest.message}` : ''}`);
  }
  for (const p of walk.problems) lines.push(`${p.code}: ${p.message}`);
  // A command that reads the walk more than once (report: three passes) meets each damaged block each time.
  // A problem or a failure message can name a path of the tree (or of the walk folder), whose control characters a terminal would obey.
  for (const line of new Set(lines)) io.stderr.write(`pwalk-ts: ${escapeControls(line)}\n`);
  return lines.length > 0;
}
