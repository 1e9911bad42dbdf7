// A real Redis for the multi-host tests: the one CI starts (PWALK_TEST_REDIS), or a
// private redis-server on a free loopback port, started here and stopped by the
// test's afterAll. Tests that kill Redis always take a private one.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export interface TestRedis {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Stops a private server (SIGTERM, then SIGKILL); leaves CI's server alone. */
  stop(): Promise<void>;
  /** SIGKILLs a private server at once (a Redis lost mid-walk). */
  kill(): void;
}

/** Why no Redis can be had, or null. */
export function redisSkipReason(): string | null {
  if (process.env.PWALK_TEST_REDIS !== undefined && process.env.PWALK_TEST_REDIS !== '') return null;
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'redis-server is not installed and PWALK_TEST_REDIS is not set (apt-get install redis-server)';
  }
}

/** CI's Redis when there is one, else a private server. */
export async function testRedis(): Promise<TestRedis> {
  const shared = process.env.PWALK_TEST_REDIS;
  if (shared !== undefined && shared !== '') {
    const port = Number(new URL(shared).port || 6379);
    return { url: shared, port, stop: () => Promise.resolve(), kill: () => undefined };
  }
  return privateRedis();
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Up when it answers PING, or refuses it for want of a password. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', () => resolve(false));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/** A redis-server of this test's own, in memory only; `extraArgs` such as ['--requirepass', 'pw']. */
export async function privateRedis(extraArgs: readonly string[] = []): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => void child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
