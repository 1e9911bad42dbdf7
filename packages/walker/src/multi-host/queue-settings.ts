import { z } from 'zod';

/** Where the queue is and how jobs behave; resolved once from `--queue URL`. */
export interface QueueSettings {
  /** The URL without its password, for messages and the manifest. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly db: number;
  /** rediss://: TLS, the server's certificate checked against Node's CAs (NODE_EXTRA_CA_CERTS adds one). */
  readonly tls: boolean;
  /** How long a job stays locked without renewal; a dead host's jobs come back after this. */
  readonly lockMs: number;
  /** How often each host looks for jobs whose lock expired. */
  readonly stalledMs: number;
  /** Subdirectories per job. */
  readonly dirsPerJob: number;
  /** How long to wait for Redis to answer a connection. */
  readonly connectTimeoutMs: number;
  /** How often the seeding host renews its heartbeat key (and workers look for it); the key expires after three. */
  readonly heartbeatMs: number;
}

const USAGE = 'expected redis://[user:password@]host[:port][/db], or rediss:// for TLS';

const QueueUrl = z
  .string()
  .min(1, `--queue needs a URL: ${USAGE}`)
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `--queue ${JSON.stringify(text)} is not a URL: ${USAGE}` });
      return z.NEVER;
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      ctx.addIssue({ code: 'custom', message: `--queue ${JSON.stringify(text)}: only redis:// and rediss:// are supported (${USAGE})` });
      return z.NEVER;
    }
    const db = url.pathname === '' || url.pathname === '/' ? 0 : Number(url.pathname.slice(1));
    if (url.hostname === '' || !Number.isInteger(db) || db < 0 || url.search !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: `--queue ${JSON.stringify(text)}: ${USAGE}` });
      return z.NEVER;
    }
    return url;
  });

/** Tuning read once from the environment (the tests shorten the lock, heartbeat and connect timeout to see their effects in seconds). */
const Tuning = z.object({
  PWALK_QUEUE_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  PWALK_QUEUE_DIRS_PER_JOB: z.coerce.number().int().min(1).max(10_000).default(16),
  PWALK_QUEUE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  PWALK_QUEUE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

/** Parses `--queue URL` (one clear line on a bad URL, as a thrown ZodError's first issue). */
export function resolveQueueSettings(text: string, env: NodeJS.ProcessEnv = process.env): QueueSettings {
  const url = QueueUrl.parse(text);
  const tuning = Tuning.parse({
    PWALK_QUEUE_LOCK_MS: env.PWALK_QUEUE_LOCK_MS,
    PWALK_QUEUE_DIRS_PER_JOB: env.PWALK_QUEUE_DIRS_PER_JOB,
    PWALK_QUEUE_HEARTBEAT_MS: env.PWALK_QUEUE_HEARTBEAT_MS,
    PWALK_QUEUE_CONNECT_TIMEOUT_MS: env.PWALK_QUEUE_CONNECT_TIMEOUT_MS,
  });
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? 6379 : Number(url.port);
  return Object.freeze({
    display: `${url.protocol}//${url.hostname}:${port}${url.pathname.length > 1 ? url.pathname : ''}`,
    host,
    port,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:',
    lockMs: tuning.PWALK_QUEUE_LOCK_MS,
    stalledMs: Math.max(250, Math.floor(tuning.PWALK_QUEUE_LOCK_MS / 2)),
    dirsPerJob: tuning.PWALK_QUEUE_DIRS_PER_JOB,
    connectTimeoutMs: tuning.PWALK_QUEUE_CONNECT_TIMEOUT_MS,
    heartbeatMs: tuning.PWALK_QUEUE_HEARTBEAT_MS,
  });
}
