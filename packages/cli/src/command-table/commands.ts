import type { CommandDefinition } from '../command-definition.js';
import { browseDefinition } from './browse.js';
import { catDefinition } from './cat.js';
import { diffDefinition } from './diff.js';
import { duDefinition } from './du.js';
import { exportDefinition } from './export.js';
import { findDefinition } from './find.js';
import { infoDefinition } from './info.js';
import { largestDefinition } from './largest.js';
import { purgeDefinition } from './purge.js';
import { reportDefinition } from './report.js';
import { resumeDefinition } from './resume.js';
import { sqlDefinition } from './sql.js';
import { trendDefinition } from './trend.js';
import { usageDefinition } from './usage.js';
import { walkDefinition } from './walk.js';
import { workerDefinition } from './worker.js';

/** Every command, in the order `pwalk-ts --help` lists them; `walk` is also what a bare ROOT runs. */
export const COMMANDS: readonly CommandDefinition[] = [
  walkDefinition,
  resumeDefinition,
  infoDefinition,
  catDefinition,
  findDefinition,
  duDefinition,
  workerDefinition,
  usageDefinition,
  largestDefinition,
  exportDefinition,
  sqlDefinition,
  reportDefinition,
  diffDefinition,
  trendDefinition,
  purgeDefinition,
  browseDefinition,
];

export const DEFAULT_COMMAND: CommandDefinition = walkDefinition;
