// The resume entry point. Resuming reads the stopped walk with the reading SDK (its
// manifest, thread files and state), which it loads only when called: a new walk, whose
// main thread imports this package's index, never loads it (bench/RESULTS.md, "Start-up").
import type { ResumeOptions } from './resume.js';
import type { WalkRun } from './walk.js';

export type { ResumeOptions } from './resume.js';

/** While a resume runs, this file in the walk folder holds its pid and host: a second resume of the walk is refused. */
export const RESUME_LOCK = 'resume.lock';

/** Carries a stopped single-host walk to its end, in the same walk folder: see resume.ts. */
export async function resumeWalk(options: ResumeOptions): Promise<WalkRun> {
  const { resumeWalk: resume } = await import('./resume.js');
  return resume(options);
}
