import { Queue, RedisConnection, createIORedisClient, type ConnectionOptions, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { WalkerError, WalkerErrorCode } from '../errors.js';
import type { QueueSettings } from './queue-settings.js';

/**
 * The ioredis options of every connection of a walk, BullMQ's included. Nothing
 * reconnects: a multi-host walk treats a lost Redis as the end of this host's part
 * (HostRunner sees 'end'), since jobs and commits cannot be trusted across a gap.
 */
function redisOptions(q: QueueSettings): RedisOptions {
  return {
    host: q.host,
    port: q.port,
    ...(q.username !== undefined ? { username: q.username } : {}),
    ...(q.password !== undefined ? { password: q.password } : {}),
    db: q.db,
    ...(q.tls ? { tls: {} } : {}),
    connectTimeout: q.connectTimeoutMs,
    retryStrategy: () => null,
    // BullMQ requires it of blocking connections; with no reconnect, no command waits for one anyway.
    maxRetriesPerRequest: null,
  };
}

/** Without a listener ioredis prints every socket error with its stack. */
function quiet(client: Redis): Redis {
  client.on('error', () => undefined);
  return client;
}

// BullMQ opens its connections (a Worker's blocking one, a Queue's) through this
// factory: each gets an 'error' listener from birth, so a socket error on one that
// BullMQ has already closed, or is closing, is never printed. A lost Redis is
// reported once, on the host's own connection.
RedisConnection.clientFactory = (opts) => createIORedisClient(quiet(new Redis(opts)));

/** Connection options for BullMQ's Worker: commands issued while its connection opens wait for it. */
export function bullConnection(q: QueueSettings): ConnectionOptions {
  return redisOptions(q);
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEDOUT' })), ms).unref();
  });
}

/**
 * Opens a connection of this host's own (commands, or a subscriber) and checks Redis
 * answers within the connect timeout; a failure is one line naming the URL. The
 * caller listens for 'end' to learn the connection was lost.
 */
export async function connectRedis(q: QueueSettings): Promise<Redis> {
  const client = new Redis({ ...redisOptions(q), lazyConnect: true, enableOfflineQueue: false });
  // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
  let socketError: Error | null = null;
  client.on('error', (err: Error) => (socketError ??= err));
  try {
    // ioredis's connectTimeout covers the TCP connection only; a server that accepts and never answers is timed here.
    await Promise.race([client.connect().then(() => client.ping()), timeout(q.connectTimeoutMs)]);
  } catch (thrown) {
    // ioredis's disconnect() half-closes the socket and destroys it only after 2 s (a
    // timer that keeps the process alive): a refused connection has ended already, and a
    // server that never answers never closes its side, so the socket is destroyed now.
    if (client.status !== 'end') client.disconnect();
    client.stream?.destroy();
    const cause = (socketError ?? thrown) as NodeJS.ErrnoException;
    const why =
      cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code === 'ETIMEDOUT' ? `no answer in ${q.connectTimeoutMs / 1000} s` : cause.message;
    throw new WalkerError(WalkerErrorCode.QUEUE_UNREACHABLE, `cannot reach Redis at ${q.display}: ${why}`, { cause });
  }
  return client;
}

/**
 * A BullMQ Queue on the walk's Redis. Its commands fail at once rather than wait
 * for a connection that will not come back. Its connection errors are not reported
 * from here: a lost Redis is noticed once, on the host's own connection
 * (HostRunner), and an 'error' event without a listener would make BullMQ print a
 * stack trace.
 */
export function openQueue(name: string, q: QueueSettings): Queue {
  const queue = new Queue(name, { connection: { ...redisOptions(q), enableOfflineQueue: false } });
  queue.on('error', () => undefined);
  return queue;
}
