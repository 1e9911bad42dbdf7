import { defineCommand, type ParsedArgs } from '../command-definition.js';

const flags = {};

export type BrowseArgs = ParsedArgs<typeof flags>;

export const browseDefinition = defineCommand({
  name: 'browse',
  synopsis: 'browse WALK',
  summary: 'explore where the space goes, full screen in the terminal',
  description:
    'A full-screen browser of a walk, in the spirit of ncdu: one screen per directory,\n' +
    'its children largest first (disk usage, hard links once). Press ? for the keys.\n' +
    'The first run indexes the walk once (into ~/.cache/pwalk-ts/browse, or\n' +
    '$XDG_CACHE_HOME); later runs open at once. Needs a terminal.',
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts browse WALK' },
  flags,
  load: () => import('../commands/browse.js'),
});
