import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/**
 * A Redis client speaking RESP2 over one TCP connection, shaped as BullMQ's
 * `IRedisClient` (the driver interface BullMQ 6 talks to) so BullMQ runs on it
 * without its optional ioredis/node-redis peers, which this project does not
 * install. It never reconnects on its own: a multi-host walk treats a lost Redis
 * as the end of the walk (the caller sees 'end'), and only BullMQ's explicit
 * `disconnect(true)` (interrupting a blocking wait) opens a new socket.
 */

export type RedisReply = string | number | null | RedisReply[];
type Arg = string | number | Buffer;

/** An error reply from Redis (`-ERR ...`), as opposed to a lost connection. */
export class RedisReplyError extends Error {
  override readonly name = 'RedisReplyError';
}

/** BullMQ recognises a lost connection by exactly this message. */
export const CONNECTION_CLOSED = 'Connection is closed.';

export interface RedisClientOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** Milliseconds to wait for the TCP connection and handshake. */
  connectTimeout: number;
  connectionName?: string;
}

interface Pending {
  resolve: (v: RedisReply) => void;
  reject: (e: Error) => void;
}

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings. */
function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** Incremental RESP2 decoder: feed bytes, take whole replies. */
class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  feed(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
  }

  /** The next whole reply, or undefined when more bytes are needed. Error replies come back as RedisReplyError values. */
  next(): RedisReply | RedisReplyError | undefined {
    const start = this.pos;
    const value = this.parse();
    if (value === undefined) this.pos = start;
    return value;
  }

  private line(): string | undefined {
    const end = this.buf.indexOf(CRLF, this.pos);
    if (end < 0) return undefined;
    const text = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 2;
    return text;
  }

  private parse(): RedisReply | RedisReplyError | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const type = this.buf[this.pos++];
    const text = this.line();
    if (text === undefined) return undefined;
    switch (type) {
      case 0x2b: // +
        return text;
      case 0x2d: // -
        return new RedisReplyError(text);
      case 0x3a: // :
        return Number(text);
      case 0x24: {
        // $
        const len = Number(text);
        if (len < 0) return null;
        if (this.buf.length < this.pos + len + 2) return undefined;
        const s = this.buf.toString('utf8', this.pos, this.pos + len);
        this.pos += len + 2;
        return s;
      }
      case 0x2a: {
        // *
        const n = Number(text);
        if (n < 0) return null;
        const out: RedisReply[] = [];
        for (let i = 0; i < n; i++) {
          const item = this.parse();
          if (item === undefined) return undefined;
          // An error nested in an array (EXEC) stays a value for the caller to sort out.
          out.push(item as RedisReply);
        }
        return out;
      }
      default:
        throw new RedisReplyError(`unexpected reply type byte 0x${(type ?? 0).toString(16)}`);
    }
  }
}

interface Script {
  sha: string;
  lua: string;
  numberOfKeys: number;
}

function scriptArgs(script: Script, args: unknown[]): Arg[] {
  // BullMQ passes either the arguments or one array of them.
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return [
    script.numberOfKeys,
    ...list.map((a) => (Buffer.isBuffer(a) ? a : a === undefined || a === null ? '' : String(a))),
  ];
}

function flatHash(data: Record<string, string | number>): Arg[] {
  const out: Arg[] = [];
  for (const [k, v] of Object.entries(data)) out.push(k, v);
  return out;
}

function toHash(reply: RedisReply): Record<string, string> {
  const out: Record<string, string> = {};
  const list = (reply ?? []) as string[];
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

export class RespRedisClient extends EventEmitter {
  status: 'connecting' | 'ready' | 'end' = 'connecting';
  readonly isCluster = false;
  options: Record<string, unknown>;
  private socket: Socket | null = null;
  private parser = new ReplyParser();
  private readonly pending: Pending[] = [];
  /** Commands issued before the handshake finished, sent once it has. */
  private readonly queued: Buffer[] = [];
  private readonly scripts = new Map<string, Script>();
  private subscriber = false;
  private opening: Promise<void> | null = null;

  constructor(private readonly opts: RedisClientOptions) {
    super();
    this.options = { ...opts };
    // An 'error' without a listener would throw; owners attach their own and see 'end'.
    this.on('error', () => undefined);
    void this.connect().catch(() => undefined);
  }

  connect(): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  private open(): Promise<void> {
    this.status = 'connecting';
    this.parser = new ReplyParser();
    return new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host: this.opts.host, port: this.opts.port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      let settled = false;
      const timer = setTimeout(() => {
        fail(Object.assign(new Error(`connect ETIMEDOUT ${this.opts.host}:${this.opts.port}`), { code: 'ETIMEDOUT' }));
      }, this.opts.connectTimeout);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          reject(err);
        }
        this.emit('error', err);
        socket.destroy();
      };
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('error', fail);
      socket.on('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.closed();
        if (!settled) {
          settled = true;
          reject(new Error(CONNECTION_CLOSED));
        }
      });
      socket.on('connect', () => {
        this.handshake().then(
          () => {
            clearTimeout(timer);
            settled = true;
            this.status = 'ready';
            for (const b of this.queued.splice(0)) socket.write(b);
            this.emit('connect');
            this.emit('ready');
            resolve();
          },
          (err: Error) => fail(err),
        );
      });
    });
  }

  private async handshake(): Promise<void> {
    const { username, password, db, connectionName } = this.opts;
    if (password !== undefined) await this.direct(username !== undefined ? ['AUTH', username, password] : ['AUTH', password]);
    if (db !== undefined && db !== 0) await this.direct(['SELECT', db]);
    if (connectionName !== undefined) await this.direct(['CLIENT', 'SETNAME', connectionName]);
  }

  /** Sends on the socket now, bypassing the pre-handshake queue. */
  private direct(args: readonly Arg[]): Promise<RedisReply> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket!.write(encodeCommand(args));
    });
  }

  private onData(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (;;) {
      let reply: RedisReply | RedisReplyError | undefined;
      try {
        reply = this.parser.next();
      } catch (err) {
        this.emit('error', err);
        this.socket?.destroy();
        return;
      }
      if (reply === undefined) return;
      if (this.subscriber && Array.isArray(reply) && reply[0] === 'message') {
        this.emit('message', reply[1], reply[2]);
        continue;
      }
      const p = this.pending.shift();
      if (p === undefined) continue;
      if (reply instanceof RedisReplyError) p.reject(reply);
      else p.resolve(reply);
    }
  }

  private closed(): void {
    this.socket = null;
    this.status = 'end';
    const lost = this.pending.splice(0);
    this.queued.length = 0;
    for (const p of lost) p.reject(new Error(CONNECTION_CLOSED));
    this.emit('close');
    this.emit('end');
  }

  /** Sends one command and resolves with its reply; rejects with RedisReplyError or a lost connection. */
  call(...args: Arg[]): Promise<RedisReply> {
    if (this.status === 'end' && this.opening === null) return Promise.reject(new Error(CONNECTION_CLOSED));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      const bytes = encodeCommand(args);
      if (this.status === 'ready') this.socket!.write(bytes);
      else this.queued.push(bytes);
    });
  }

  disconnect(reconnect = false): void {
    const socket = this.socket;
    if (socket !== null) {
      socket.destroy();
      this.socket = null;
      this.closed();
    } else if (this.status !== 'end') {
      this.status = 'end';
      this.emit('end');
    }
    if (reconnect) void this.connect().catch((err: Error) => this.emit('error', err));
  }

  async quit(): Promise<string> {
    if (this.status === 'ready') await this.call('QUIT').catch(() => undefined);
    this.disconnect();
    return 'OK';
  }

  duplicate(overrides?: { connectionName?: string }): RespRedisClient {
    const copy = new RespRedisClient({ ...this.opts, ...(overrides?.connectionName !== undefined ? { connectionName: overrides.connectionName } : {}) });
    for (const [name, s] of this.scripts) copy.defineCommand(name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
    return copy;
  }

  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void {
    const sha = createHash('sha1').update(definition.lua).digest('hex');
    this.scripts.set(name, { sha, lua: definition.lua, numberOfKeys: definition.numberOfKeys });
    // BullMQ checks for the command as a property before defining it again.
    (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => this.runCommand(name, args);
  }

  async runCommand(name: string, args: unknown[]): Promise<RedisReply> {
    const script = this.scripts.get(name);
    if (script === undefined) throw new Error(`unknown script command ${name}`);
    const rest = scriptArgs(script, args);
    try {
      return await this.call('EVALSHA', script.sha, ...rest);
    } catch (err) {
      if (!(err instanceof RedisReplyError) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.call('EVAL', script.lua, ...rest);
    }
  }

  multi(): RespTransaction {
    return new RespTransaction(this, this.scripts, true);
  }

  pipeline(): RespTransaction {
    return new RespTransaction(this, this.scripts, false);
  }

  /** Enters subscriber mode on this connection: 'message' (channel, text) events follow. */
  async subscribe(channel: string): Promise<void> {
    this.subscriber = true;
    await this.call('SUBSCRIBE', channel);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return toHash(await this.call('HGETALL', key));
  }
  async hget(key: string, field: string): Promise<string | null> {
    return (await this.call('HGET', key, field)) as string | null;
  }
  async hmget(key: string, ...fields: string[]): Promise<(string | null)[]> {
    return (await this.call('HMGET', key, ...fields)) as (string | null)[];
  }
  async hset(key: string, data: Record<string, string | number>): Promise<number> {
    return (await this.call('HSET', key, ...flatHash(data))) as number;
  }
  async hdel(key: string, ...fields: string[]): Promise<number> {
    return (await this.call('HDEL', key, ...fields)) as number;
  }
  async hexists(key: string, field: string): Promise<number> {
    return (await this.call('HEXISTS', key, field)) as number;
  }
  async get(key: string): Promise<string | null> {
    return (await this.call('GET', key)) as string | null;
  }
  async set(key: string, value: string | number, options?: { PX?: number; EX?: number }): Promise<string | null> {
    const extra: Arg[] = options?.PX !== undefined ? ['PX', options.PX] : options?.EX !== undefined ? ['EX', options.EX] : [];
    return (await this.call('SET', key, value, ...extra)) as string | null;
  }
  async del(...keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : ((await this.call('DEL', ...keys)) as number);
  }
  async exists(...keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : ((await this.call('EXISTS', ...keys)) as number);
  }
  async keys(pattern: string): Promise<string[]> {
    return (await this.call('KEYS', pattern)) as string[];
  }
  async zrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return (await this.call('ZRANGE', key, start, end, ...(options?.WITHSCORES === true ? ['WITHSCORES'] : []))) as string[];
  }
  async zrevrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return (await this.call('ZREVRANGE', key, start, end, ...(options?.WITHSCORES === true ? ['WITHSCORES'] : []))) as string[];
  }
  async zcard(key: string): Promise<number> {
    return (await this.call('ZCARD', key)) as number;
  }
  async zscore(key: string, member: string): Promise<string | null> {
    return (await this.call('ZSCORE', key, member)) as string | null;
  }
  async zadd(key: string, ...scoreMembers: (string | number)[]): Promise<number> {
    return (await this.call('ZADD', key, ...scoreMembers)) as number;
  }
  async zrem(key: string, ...members: string[]): Promise<number> {
    return (await this.call('ZREM', key, ...members)) as number;
  }
  async lrange(key: string, start: number, end: number): Promise<string[]> {
    return (await this.call('LRANGE', key, start, end)) as string[];
  }
  async llen(key: string): Promise<number> {
    return (await this.call('LLEN', key)) as number;
  }
  async ltrim(key: string, start: number, end: number): Promise<string> {
    return (await this.call('LTRIM', key, start, end)) as string;
  }
  async lpos(key: string, value: string): Promise<number | null> {
    return (await this.call('LPOS', key, value)) as number | null;
  }
  async lpush(key: string, ...values: string[]): Promise<number> {
    return (await this.call('LPUSH', key, ...values)) as number;
  }
  async rpop(key: string): Promise<string | null> {
    return (await this.call('RPOP', key)) as string | null;
  }
  async smembers(key: string): Promise<string[]> {
    return (await this.call('SMEMBERS', key)) as string[];
  }
  async sadd(key: string, ...members: string[]): Promise<number> {
    return (await this.call('SADD', key, ...members)) as number;
  }
  async scard(key: string): Promise<number> {
    return (await this.call('SCARD', key)) as number;
  }
  async incr(key: string): Promise<number> {
    return (await this.call('INCR', key)) as number;
  }
  async incrby(key: string, by: number): Promise<number> {
    return (await this.call('INCRBY', key, by)) as number;
  }
  async xadd(key: string, id: string, fields: Record<string, string | number>, options?: { MAXLEN?: number; approximate?: boolean }): Promise<string> {
    const trim: Arg[] = options?.MAXLEN !== undefined ? ['MAXLEN', ...(options.approximate !== false ? ['~'] : []), options.MAXLEN] : [];
    return (await this.call('XADD', key, ...trim, id, ...flatHash(fields))) as string;
  }
  async xread(streams: { key: string; id: string }[], options?: { BLOCK?: number; COUNT?: number }): Promise<RedisReply> {
    const extra: Arg[] = [
      ...(options?.BLOCK !== undefined ? ['BLOCK', options.BLOCK] : []),
      ...(options?.COUNT !== undefined ? ['COUNT', options.COUNT] : []),
    ];
    return this.call('XREAD', ...extra, 'STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id));
  }
  async xtrim(key: string, strategy: 'MAXLEN', threshold: number, options?: { approximate?: boolean }): Promise<number> {
    return (await this.call('XTRIM', key, strategy, ...(options?.approximate !== false ? ['~'] : []), threshold)) as number;
  }
  async xlen(key: string): Promise<number> {
    return (await this.call('XLEN', key)) as number;
  }
  async bzpopmin(key: string, timeout: number): Promise<[string, string, string] | null> {
    return (await this.call('BZPOPMIN', key, timeout)) as [string, string, string] | null;
  }
  async info(section?: string): Promise<string> {
    return (await this.call('INFO', ...(section !== undefined ? [section] : []))) as string;
  }
  clientSetName(name: string): Promise<RedisReply> {
    return this.call('CLIENT', 'SETNAME', name);
  }
  async clientList(): Promise<string> {
    return (await this.call('CLIENT', 'LIST')) as string;
  }
  async clientInfo(): Promise<string> {
    return (await this.call('CLIENT', 'INFO')) as string;
  }
  async scan(cursor: string | number, options: { MATCH?: string; COUNT?: number } = {}): Promise<[string, string[]]> {
    const extra: Arg[] = [
      ...(options.MATCH !== undefined ? ['MATCH', options.MATCH] : []),
      ...(options.COUNT !== undefined ? ['COUNT', options.COUNT] : []),
    ];
    return (await this.call('SCAN', cursor, ...extra)) as [string, string[]];
  }
  scanStream(options: { match: string; count?: number }): Readable {
    let cursor = '0';
    let first = true;
    const next = async (stream: Readable): Promise<void> => {
      let keys: string[] = [];
      // Skip empty batches: a read that pushes nothing is never called again.
      while (keys.length === 0 && (first || cursor !== '0')) {
        first = false;
        [cursor, keys] = await this.scan(cursor, { MATCH: options.match, ...(options.count !== undefined ? { COUNT: options.count } : {}) });
      }
      if (keys.length > 0) stream.push(keys);
      if (cursor === '0') stream.push(null);
    };
    const stream: Readable = new Readable({
      objectMode: true,
      read: () => void next(stream).catch((err: Error) => stream.destroy(err)),
    });
    return stream;
  }
}

/** A pipeline (commands sent back to back) or MULTI/EXEC transaction. */
export class RespTransaction {
  private readonly commands: Arg[][] = [];
  private readonly transforms: ((v: RedisReply) => unknown)[] = [];

  constructor(
    private readonly client: RespRedisClient,
    private readonly scripts: Map<string, Script>,
    private readonly atomic: boolean,
  ) {}

  private add(args: Arg[], transform: (v: RedisReply) => unknown = (v) => v): this {
    this.commands.push(args);
    this.transforms.push(transform);
    return this;
  }

  hgetall(key: string): this {
    return this.add(['HGETALL', key], toHash);
  }
  hset(key: string, data: Record<string, string | number>): this {
    return this.add(['HSET', key, ...flatHash(data)]);
  }
  hscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.add(['HSCAN', key, cursor, ...(options?.COUNT !== undefined ? ['COUNT', options.COUNT] : [])]);
  }
  smembers(key: string): this {
    return this.add(['SMEMBERS', key]);
  }
  sscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.add(['SSCAN', key, cursor, ...(options?.COUNT !== undefined ? ['COUNT', options.COUNT] : [])]);
  }
  zrange(key: string, start: number, end: number): this {
    return this.add(['ZRANGE', key, start, end]);
  }
  lrange(key: string, start: number, end: number): this {
    return this.add(['LRANGE', key, start, end]);
  }
  llen(key: string): this {
    return this.add(['LLEN', key]);
  }
  del(...keys: string[]): this {
    return keys.length === 0 ? this : this.add(['DEL', ...keys]);
  }
  runCommand(name: string, args: unknown[]): this {
    const script = this.scripts.get(name);
    if (script === undefined) throw new Error(`unknown script command ${name}`);
    // EVAL, not EVALSHA: a transaction cannot fall back after NOSCRIPT.
    return this.add(['EVAL', script.lua, ...scriptArgs(script, args)]);
  }

  async exec(): Promise<[Error | null, unknown][] | null> {
    const settle = (p: Promise<RedisReply>): Promise<[Error | null, RedisReply]> =>
      p.then(
        (v): [Error | null, RedisReply] => [null, v],
        (e: Error): [Error | null, RedisReply] => [e, null],
      );
    if (!this.atomic) {
      const results = await Promise.all(this.commands.map((c) => settle(this.client.call(...c))));
      return results.map(([e, v], i) => (e !== null ? [e, null] : [null, this.transforms[i]!(v)]));
    }
    const queued = [settle(this.client.call('MULTI')), ...this.commands.map((c) => settle(this.client.call(...c)))];
    const exec = this.client.call('EXEC');
    await Promise.all(queued);
    const replies = (await exec) as (RedisReply | RedisReplyError)[] | null;
    if (replies === null) return null;
    return replies.map((v, i) => (v instanceof RedisReplyError ? [v, null] : [null, this.transforms[i]!(v as RedisReply)]));
  }
}
