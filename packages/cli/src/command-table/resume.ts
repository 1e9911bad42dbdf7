import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  threads: flag.integer('N', 1, 1024, "filesystem calls in flight (default: the walk's own --threads)"),
  quiet: flag.switch('print nothing but errors'),
};

export type ResumeArgs = ParsedArgs<typeof flags>;

export const resumeDefinition = defineCommand({
  name: 'resume',
  synopsis: 'resume WALK [--threads N] [--quiet]',
  summary: 'carry a killed or interrupted walk on to the end',
  description:
    'Carries a walk that was killed, interrupted or failed on to the end, in its own\n' +
    'folder: the records of every directory it had finished are kept, every directory\n' +
    'it had not finished is read again, and everything below. The walk keeps its root\n' +
    'and options (exclude, depth, one-file-system, compact): they cannot be changed.\n' +
    'Entries are read as they are now: what changed since the walk stopped shows in the\n' +
    'directories read again. A resume that is itself stopped can be resumed again.\n' +
    'Refused (exit 2, nothing changed): a complete walk, a walk of format 1, a walk\n' +
    'still running or being resumed, a multi-host walk, a damaged walk, a root that is\n' +
    'gone or another directory or filesystem now.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts resume WALK', tooMany: 'one walk folder per resume' },
  flags,
  load: () => import('../commands/resume.js'),
});
