// `--queue URL` and the queue tuning from the environment, resolved by hand.
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { resolveQueueSettings } from '../src/multi-host/queue-settings.js';

const USAGE = 'expected redis://[user:password@]host[:port][/db], or rediss:// for TLS';

function refusal(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolveQueueSettings(text, env);
  } catch (err) {
    if (err instanceof ZodError) return err.issues[0]!.message;
    throw err;
  }
  throw new Error(`accepted ${text}`);
}

describe('resolveQueueSettings', () => {
  it('a plain URL: port and database defaulted, the tuning defaults', () => {
    expect(resolveQueueSettings('redis://127.0.0.1:6399', {})).toEqual({
      display: 'redis://127.0.0.1:6399',
      host: '127.0.0.1',
      port: 6399,
      username: undefined,
      password: undefined,
      db: 0,
      tls: false,
      lockMs: 10_000,
      stalledMs: 5_000,
      dirsPerJob: 16,
      connectTimeoutMs: 5_000,
      heartbeatMs: 5_000,
    });
  });

  it('TLS, escaped credentials (kept out of the display) and a database', () => {
    const q = resolveQueueSettings('rediss://al%40ice:p%3Ass@redis.example:7000/3', {});
    expect([q.display, q.host, q.port, q.username, q.password, q.db, q.tls]).toEqual([
      'rediss://redis.example:7000/3',
      'redis.example',
      7000,
      'al@ice',
      'p:ss',
      3,
      true,
    ]);
  });

  it('an IPv6 host without brackets, the default port; a bare slash is database 0', () => {
    const v6 = resolveQueueSettings('redis://[::1]', {});
    expect([v6.display, v6.host, v6.port, v6.db]).toEqual(['redis://[::1]:6379', '::1', 6379, 0]);
    const slash = resolveQueueSettings('redis://h/', {});
    expect([slash.display, slash.db]).toEqual(['redis://h:6379', 0]);
  });

  it('the tuning from the environment; the stalled check at half the lock, never under 250 ms', () => {
    const env = { PWALK_QUEUE_LOCK_MS: '600', PWALK_QUEUE_DIRS_PER_JOB: '64', PWALK_QUEUE_HEARTBEAT_MS: '1000', PWALK_QUEUE_CONNECT_TIMEOUT_MS: '250' };
    const q = resolveQueueSettings('redis://h', env);
    expect([q.lockMs, q.stalledMs, q.dirsPerJob, q.heartbeatMs, q.connectTimeoutMs]).toEqual([600, 300, 64, 1000, 250]);
    expect(resolveQueueSettings('redis://h', { PWALK_QUEUE_LOCK_MS: '500' }).stalledMs).toBe(250);
  });

  it.each([
    ['', `--queue needs a URL: ${USAGE}`],
    ['not a url', `--queue "not a url" is not a URL: ${USAGE}`],
    ['localhost:6379', `--queue "localhost:6379": only redis:// and rediss:// are supported (${USAGE})`],
    ['http://h', `--queue "http://h": only redis:// and rediss:// are supported (${USAGE})`],
    ['redis://h/x', `--queue "redis://h/x": ${USAGE}`],
    ['redis://h?db=1', `--queue "redis://h?db=1": ${USAGE}`],
    ['redis://h#x', `--queue "redis://h#x": ${USAGE}`],
  ])('refuses %j in one line', (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it.each([
    ['PWALK_QUEUE_LOCK_MS', '499'],
    ['PWALK_QUEUE_DIRS_PER_JOB', '0'],
    ['PWALK_QUEUE_DIRS_PER_JOB', '1.5'],
    ['PWALK_QUEUE_HEARTBEAT_MS', '600001'],
    ['PWALK_QUEUE_CONNECT_TIMEOUT_MS', 'soon'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => resolveQueueSettings('redis://h', { [name]: value })).toThrow(ZodError);
  });
});
