// Worker threads started before their walk (walker-threads.ts), on the built walker:
// a thread runs worker.js, which exists only in dist.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WorkerData } from '../src/worker-data.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { WalkerThread } = (await import(join(DIST, 'walker-threads.js'))) as typeof import('../src/walker-threads.js');

describe('WalkerThread', () => {
  it('does not keep the process alive before its walk: a walk refused at its checks exits at once', () => {
    const script = `import { prestartWalkerThreads } from ${JSON.stringify(join(DIST, 'walker-threads.js'))};
prestartWalkerThreads(4);`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reports an end that came before its walk (say, a module that failed to load) when handed one', async () => {
    const thread = new WalkerThread();
    await thread.worker.terminate();
    const messages: unknown[] = [];
    const ended = await new Promise<Error | null>((resolve) => thread.start({} as WorkerData, (m) => messages.push(m), resolve));
    expect(ended).toBeNull();
    expect(messages).toEqual([]);
  });
});
