import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  json: flag.switch('the summary as JSON (integers exact)'),
  verify: flag.negated('read only the manifest and headers, not every block'),
};

export type InfoArgs = ParsedArgs<typeof flags>;

export const infoDefinition = defineCommand({
  name: 'info',
  synopsis: 'info WALK [--json] [--no-verify]',
  summary: 'summary and verification of a walk folder',
  description: "Shows a walk folder's manifest and checks it: every block's checksum is verified\nand the records counted against the manifest.",
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts info WALK' },
  flags,
  load: () => import('../commands/info.js'),
});
