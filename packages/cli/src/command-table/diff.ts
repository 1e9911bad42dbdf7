import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { checkReportOutputs, REPORT_OUTPUT_EPILOGUE, reportOutputFlags } from './report-flags.js';

const flags = {
  ...reportOutputFlags,
  top: flag.integer('N', 1, 1_000_000, 'rows in each grown and shrunk list, and largest new files', 20),
};

export type DiffArgs = ParsedArgs<typeof flags>;

export const diffDefinition = defineCommand({
  name: 'diff',
  synopsis: 'diff OLD_WALK NEW_WALK [options]',
  summary: 'what changed between two walks (HTML, JSON)',
  description:
    'What changed between two walks of the same tree: new, deleted and modified files\n(same path; modified = size or mtime changed), and growth and shrinkage by\ndirectory, owner and extension. Both walks are read in path order and merged, so\nmemory stays bounded for any walk size.',
  operands: { min: 2, max: 2, tooFew: 'give two walk folders: pwalk-ts diff OLD_WALK NEW_WALK' },
  flags,
  check: checkReportOutputs,
  epilogue: REPORT_OUTPUT_EPILOGUE,
  load: () => import('../commands/diff.js'),
});
