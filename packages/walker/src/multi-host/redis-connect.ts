import { Queue, RedisConnection, type ConnectionOptions } from 'bullmq';
import { WalkerError, WalkerErrorCode } from '../errors.js';
import type { QueueSettings } from './queue-settings.js';
import { RespRedisClient, type RedisClientOptions } from './redis-client.js';

function clientOptions(q: QueueSettings): RedisClientOptions {
  return {
    host: q.host,
    port: q.port,
    ...(q.username !== undefined ? { username: q.username } : {}),
    ...(q.password !== undefined ? { password: q.password } : {}),
    db: q.db,
    connectTimeout: q.connectTimeoutMs,
  };
}

// BullMQ builds its connections through this factory, so it runs on the same client.
RedisConnection.clientFactory = (opts) => {
  const o = opts as Partial<RedisClientOptions> & { connectionName?: string };
  return new RespRedisClient({
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 6379,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    db: o.db ?? 0,
    connectTimeout: o.connectTimeout ?? 5_000,
    ...(o.connectionName !== undefined ? { connectionName: o.connectionName } : {}),
  }) as unknown as ReturnType<NonNullable<typeof RedisConnection.clientFactory>>;
};

/** Connection options for BullMQ's Queue and Worker. */
export function bullConnection(q: QueueSettings): ConnectionOptions {
  return clientOptions(q) as unknown as ConnectionOptions;
}

/** Opens a connection and checks Redis answers; a failure is one line naming the URL. */
export async function connectRedis(q: QueueSettings): Promise<RespRedisClient> {
  const client = new RespRedisClient(clientOptions(q));
  try {
    await client.connect();
    await client.call('PING');
  } catch (cause) {
    client.disconnect();
    const e = cause as NodeJS.ErrnoException;
    const why = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ETIMEDOUT' ? `no answer in ${q.connectTimeoutMs / 1000} s` : e.message;
    throw new WalkerError(WalkerErrorCode.QUEUE_UNREACHABLE, `cannot reach Redis at ${q.display}: ${why}`, { cause });
  }
  return client;
}

/**
 * A BullMQ Queue on the walk's Redis. Its connection errors are not reported from
 * here: a lost Redis is noticed once, on the host's own connection (HostRunner), and
 * an 'error' event without a listener would make BullMQ print a stack trace.
 */
export function openQueue(name: string, q: QueueSettings): Queue {
  const queue = new Queue(name, { connection: bullConnection(q) });
  queue.on('error', () => undefined);
  return queue;
}
