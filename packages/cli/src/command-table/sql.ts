import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';
import { checkCacheFlags } from './cache-flags.js';

const flags = {
  json: flag.switch('a JSON array of objects; integers exact at any size, BLOBs base64'),
  csv: flag.switch('RFC 4180 with a header row; text quoted, BLOBs as exact bytes'),
  'cache-dir': flag.text(
    'DIR',
    'where the walk is kept as Parquet between queries (default\n$XDG_CACHE_HOME/pwalk-ts/sql or ~/.cache/pwalk-ts/sql; about\n60 bytes per entry, one copy per walk folder; delete it any time)',
  ),
  cache: flag.negated('stage the walk in --temp-dir for this query only'),
  'temp-dir': flag.text('DIR', 'where DuckDB spills, and the walk is staged with --no-cache\n(default: the system temp folder)'),
  'memory-limit': flag.size(
    'SIZE',
    1e6,
    1e15,
    "DuckDB's memory limit, e.g. 512MB, 4GB (1MB to 1PB); beyond\nit large sorts and joins spill to the temp folder",
    '1GB',
  ),
};

export type SqlArgs = ParsedArgs<typeof flags>;

export const sqlDefinition = defineCommand({
  name: 'sql',
  synopsis: 'sql WALK "QUERY" [options]',
  summary: 'a SQL query (DuckDB) over the views entries, errors',
  description: `Runs a SQL query (DuckDB's dialect) over a walk folder. Two views are there:
  entries   one row per entry: path, path_bytes, type, depth, size, blocks,
            allocated, inode, parent_inode, dev, mode, uid, gid, nlink,
            mtime, atime, ctime (UTC timestamps), mtime_s, atime_s, ctime_s
  errors    one row per error record: path, path_bytes, type, depth, inode,
            parent_inode, syscall, code
e.g.  pwalk-ts sql WALK "SELECT uid, count(*), sum(size) FROM entries GROUP BY uid"
A query is SELECT statements only and reads no file but the walk's: no COPY, ATTACH,
INSTALL, LOAD, SET or PRAGMA, no read_csv or glob of other files.`,
  operands: { min: 2, max: 2, tooFew: 'give a walk folder and a query: pwalk-ts sql WALK "SELECT ..."' },
  flags,
  check(args) {
    if (args.json && args.csv) throw new UsageError('--json and --csv exclude each other');
    checkCacheFlags(args);
  },
  load: () => import('../commands/sql.js'),
});
