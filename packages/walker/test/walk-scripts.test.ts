// A multi-host walk's Redis keys, and the arguments each Lua script is called with,
// without a Redis: WalkScripts on a fake client that records its calls.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ACTIVE_WALKS, WALK_STARTED_CHANNEL, walkKeys } from '../src/multi-host/walk-keys.js';
import { WalkScripts } from '../src/multi-host/walk-scripts.js';

describe('walkKeys', () => {
  it('names every key of a walk after its walk id', () => {
    const keys = walkKeys('0f1e');
    expect({ ...keys, plan: keys.plan('job-7') }).toEqual({
      queueName: 'pwalk-0f1e',
      info: 'pwalk:0f1e:info',
      status: 'pwalk:0f1e:status',
      alive: 'pwalk:0f1e:alive',
      message: 'pwalk:0f1e:message',
      channel: 'pwalk:0f1e:events',
      committed: 'pwalk:0f1e:committed',
      files: 'pwalk:0f1e:files',
      totals: 'pwalk:0f1e:totals',
      plan: 'pwalk:0f1e:plan:job-7',
      planPattern: 'pwalk:0f1e:plan:*',
    });
  });

  it('two walks share no key, and none is one of the keys every walk shares', () => {
    const flat = (id: string) => {
      const { plan, ...rest } = walkKeys(id);
      return [...Object.values(rest), plan('j')];
    };
    const a = flat('aaaa');
    const b = flat('bbbb');
    expect(a.filter((key) => b.includes(key) || key === ACTIVE_WALKS || key === WALK_STARTED_CHANNEL)).toEqual([]);
  });

  it('the queue name has no colon (BullMQ refuses one)', () => {
    expect(walkKeys('0f1e').queueName).not.toContain(':');
  });
});

/** What defineCommand registered and what each command was called with. */
class FakeRedis {
  readonly scripts = new Map<string, { numberOfKeys: number; lua: string }>();
  readonly calls: { command: string; args: (string | number)[] }[] = [];
  reply: unknown = 1;

  defineCommand(command: string, definition: { numberOfKeys: number; lua: string }): void {
    this.scripts.set(command, definition);
    (this as unknown as Record<string, unknown>)[command] = (...args: (string | number)[]) => {
      this.calls.push({ command, args });
      return Promise.resolve(this.reply);
    };
  }
}

/** The highest KEYS[n] and ARGV[n] a script reads. */
function slotsRead(lua: string): { keys: number; argv: number } {
  const highest = (name: string) => Math.max(0, ...[...lua.matchAll(new RegExp(`${name}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])));
  return { keys: highest('KEYS'), argv: highest('ARGV') };
}

function scriptsOnFake(): { redis: FakeRedis; scripts: WalkScripts; keys: ReturnType<typeof walkKeys> } {
  const redis = new FakeRedis();
  const keys = walkKeys('w1');
  return { redis, scripts: new WalkScripts(redis as unknown as Redis, keys), keys };
}

describe('WalkScripts', () => {
  it('each script is declared with as many keys as it reads', () => {
    const { redis } = scriptsOnFake();
    expect([...redis.scripts].map(([command, s]) => [command, s.numberOfKeys, slotsRead(s.lua)])).toEqual([
      ['pwalkCommit', 5, { keys: 5, argv: 9 }],
      ['pwalkPlan', 1, { keys: 1, argv: 1 }],
      ['pwalkEnd', 3, { keys: 3, argv: 2 }],
    ]);
  });

  it('commit passes the walk keys, then the job, file and totals in the order the script reads them (bytes as a decimal string)', async () => {
    const { redis, scripts, keys } = scriptsOnFake();
    const totals = { entries: 7, dirsRead: 2, dirs: 3, files: 4, errors: 1, bytes: 2n ** 70n };
    expect(await scripts.commit('job-1', 'thread_h-1-0.0.bin', '{"records":7}', totals)).toBe('committed');
    expect(redis.calls).toEqual([
      {
        command: 'pwalkCommit',
        args: [
          keys.status,
          keys.committed,
          keys.files,
          keys.totals,
          'pwalk:w1:plan:job-1',
          'job-1',
          'thread_h-1-0.0.bin',
          '{"records":7}',
          7,
          3,
          4,
          1,
          '1180591620717411303424',
          2,
        ],
      },
    ]);
  });

  it("commit's replies: 1 committed, 0 another attempt committed first, -1 the walk has ended", async () => {
    const { redis, scripts } = scriptsOnFake();
    const totals = { entries: 0, dirsRead: 0, dirs: 0, files: 0, errors: 0, bytes: 0n };
    const outcomes = [];
    for (const reply of [1, 0, -1]) {
      redis.reply = reply;
      outcomes.push(await scripts.commit('j', 'f', '{}', totals));
    }
    expect(outcomes).toEqual(['committed', 'duplicate', 'walk-ended']);
  });

  it("plan stores under the job's plan key and returns an earlier attempt's plan", async () => {
    const { redis, scripts } = scriptsOnFake();
    redis.reply = '["earlier"]';
    expect(await scripts.plan('job-2', '["mine"]')).toBe('["earlier"]');
    expect(redis.calls).toEqual([{ command: 'pwalkPlan', args: ['pwalk:w1:plan:job-2', '["mine"]'] }]);
  });

  it('end passes the status, the message ("" for none) and the channel; true only when this call ended the walk', async () => {
    const { redis, scripts, keys } = scriptsOnFake();
    expect(await scripts.end('failed', null)).toBe(true);
    redis.reply = 0;
    expect(await scripts.end('interrupted', 'SIGINT')).toBe(false);
    expect(redis.calls.map((c) => c.args)).toEqual([
      [keys.status, keys.message, keys.channel, 'failed', ''],
      [keys.status, keys.message, keys.channel, 'interrupted', 'SIGINT'],
    ]);
  });
});
