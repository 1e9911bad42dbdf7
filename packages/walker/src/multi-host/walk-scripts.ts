import type { Redis, Result } from 'ioredis';
import type { JobTotals } from './host-thread-protocol.js';
import type { WalkKeys } from './walk-keys.js';

/**
 * The Lua scripts that make a multi-host walk exactly-once. Each runs atomically
 * in Redis, so no two hosts can both commit one job, and no commit lands after
 * the walk has ended.
 */

/**
 * Adds two decimal strings of non-negative integers. The byte total passes what
 * HINCRBY holds (2^63 - 1: a job with two sparse files of 2^63 - 1 bytes already
 * does) and Lua's numbers are doubles, exact below 2^53, so the sum goes 14 digits
 * at a time (two such limbs and a carry stay below 2^53).
 */
const ADD_DECIMAL = `
local function addDecimal(a, b)
  local limbs, carry, i, j = {}, 0, #a, #b
  while i > 0 or j > 0 or carry > 0 do
    local x = i > 0 and tonumber(string.sub(a, math.max(1, i - 13), i)) or 0
    local y = j > 0 and tonumber(string.sub(b, math.max(1, j - 13), j)) or 0
    local sum = x + y + carry
    carry = sum >= 1e14 and 1 or 0
    table.insert(limbs, 1, string.format('%014.0f', sum - carry * 1e14))
    i, j = i - 14, j - 14
  end
  local digits = (string.gsub(table.concat(limbs), '^0+', ''))
  return digits == '' and '0' or digits
end
`;

/**
 * Commits a job: its id joins the committed set, its thread file's summary and
 * the walk totals move forward (bytes as a decimal string, ADD_DECIMAL), its plan
 * is dropped. Returns 1 when committed, 0 when another attempt of the same job
 * committed first, -1 when the walk is no longer running. In the last two cases
 * the caller rolls its file back.
 */
const COMMIT = `${ADD_DECIMAL}
if redis.call('GET', KEYS[1]) ~= 'running' then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[4], 'entries', ARGV[4])
redis.call('HINCRBY', KEYS[4], 'dirs', ARGV[5])
redis.call('HINCRBY', KEYS[4], 'files', ARGV[6])
redis.call('HINCRBY', KEYS[4], 'errors', ARGV[7])
redis.call('HSET', KEYS[4], 'bytes', addDecimal(redis.call('HGET', KEYS[4], 'bytes') or '0', ARGV[8]))
redis.call('HINCRBY', KEYS[4], 'dirsRead', ARGV[9])
redis.call('HINCRBY', KEYS[4], 'jobs', 1)
redis.call('DEL', KEYS[5])
return 1
`;

/** Stores a job's plan unless one is there; returns the stored plan (an earlier attempt's) or nil. */
const PLAN = `
local old = redis.call('GET', KEYS[1])
if old then return old end
redis.call('SET', KEYS[1], ARGV[1])
return false
`;

/** Moves the status from 'running' to ARGV[1] once, with its message, and tells every host. Returns 1 if this call ended the walk. */
const END = `
if redis.call('GET', KEYS[1]) ~= 'running' then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('PUBLISH', KEYS[3], ARGV[1])
return 1
`;

export type CommitResult = 'committed' | 'duplicate' | 'walk-ended';

// The commands defineCommand adds (ioredis runs each by EVALSHA, loading it on NOSCRIPT): keys first, then arguments.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    pwalkCommit(...keysThenArgs: (string | number)[]): Result<number, Context>;
    pwalkPlan(...keysThenArgs: string[]): Result<string | null, Context>;
    pwalkEnd(...keysThenArgs: string[]): Result<number, Context>;
  }
}

export class WalkScripts {
  constructor(
    private readonly redis: Redis,
    private readonly keys: WalkKeys,
  ) {
    redis.defineCommand('pwalkCommit', { numberOfKeys: 5, lua: COMMIT });
    redis.defineCommand('pwalkPlan', { numberOfKeys: 1, lua: PLAN });
    redis.defineCommand('pwalkEnd', { numberOfKeys: 3, lua: END });
  }

  async commit(jobId: string, fileName: string, fileSummary: string, t: JobTotals): Promise<CommitResult> {
    const k = this.keys;
    const r = await this.redis.pwalkCommit(
      k.status,
      k.committed,
      k.files,
      k.totals,
      k.plan(jobId),
      jobId,
      fileName,
      fileSummary,
      t.entries,
      t.dirs,
      t.files,
      t.errors,
      String(t.bytes),
      t.dirsRead,
    );
    return r === 1 ? 'committed' : r === 0 ? 'duplicate' : 'walk-ended';
  }

  /** The plan an earlier attempt of this job stored, or null after storing `plan` as this job's. */
  async plan(jobId: string, plan: string): Promise<string | null> {
    return this.redis.pwalkPlan(this.keys.plan(jobId), plan);
  }

  async end(status: 'complete' | 'failed' | 'interrupted', message: string | null): Promise<boolean> {
    const k = this.keys;
    return (await this.redis.pwalkEnd(k.status, k.message, k.channel, status, message ?? '')) === 1;
  }
}
