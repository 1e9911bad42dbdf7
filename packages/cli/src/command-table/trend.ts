import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { checkCacheFlags } from './cache-flags.js';
import { checkReportOutputs, REPORT_OUTPUT_EPILOGUE, reportOutputFlags } from './report-flags.js';

const flags = {
  ...reportOutputFlags,
  top: flag.integer('N', 1, 1_000, 'series drawn per chart (directories, users, groups), ranked\nby the latest walk; the rest is one more series', 8),
  'allow-mixed-roots': flag.switch('chart walks of different roots together (refused otherwise)'),
  'cache-dir': flag.text(
    'DIR',
    "where each walk's summary is kept (default\n$XDG_CACHE_HOME/pwalk-ts/summaries or ~/.cache/pwalk-ts/summaries;\nabout 100 bytes per owner and top directory\nof each walk; delete it any time)",
  ),
  cache: flag.negated('read every walk whole, keeping no summary'),
};

export type TrendArgs = ParsedArgs<typeof flags>;

export const trendDefinition = defineCommand({
  name: 'trend',
  synopsis: 'trend WALK... [options]',
  summary: 'capacity over many walks of one root (HTML, JSON)',
  description: `Capacity over time from walks of the same root, given in any order (sorted by
when each walk started): total bytes and files per walk, per top directory and per
user and group (the top N by the latest walk, the rest as one series), and the
change between consecutive walks. Each walk is read once: its summary (totals,
top directories, owners) is kept in the cache, keyed by the walk's files, so a
nightly trend over 30 walks reads 30 small summaries and only the new walk whole.`,
  operands: { min: 1, max: Number.MAX_SAFE_INTEGER, tooFew: 'give one or more walk folders: pwalk-ts trend WALK...' },
  flags,
  check(args) {
    checkReportOutputs(args);
    checkCacheFlags(args);
  },
  epilogue: REPORT_OUTPUT_EPILOGUE,
  load: () => import('../commands/trend.js'),
});
