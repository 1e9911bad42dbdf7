import { resolve } from 'node:path';
import { resumeWalk } from '@pwalk-ts/walker';
import type { ResumeArgs } from '../command-table/resume.js';
import type { CliIo } from '../io.js';
import { escapeControls } from '../output/terminal-text.js';
import { superviseWalk } from '../supervise-walk.js';

export async function run(args: ResumeArgs, io: CliIo): Promise<number> {
  const out = resolve(io.cwd, args.positionals[0]!);
  const onWait = (message: string): void => {
    if (!args.quiet) io.stderr.write(`pwalk-ts: ${escapeControls(message)}\n`);
  };
  const walk = await resumeWalk({ out, threads: args.threads, onWait });
  return superviseWalk(walk, out, args.quiet, io);
}
