// WalkOptions resolved into WalkSettings on a machine of two cores: threads, workers,
// calls in flight and the engine, by hand from the rules in settings.ts.
import { describe, expect, it, vi } from 'vitest';
import { resolveSettings, type WalkSettings } from '../src/settings.js';

vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), availableParallelism: () => 2 }));

const LOCAL = { name: 'ext4', latencyBound: false };
const NFS = { name: 'nfs', latencyBound: true };

/** threads, workers, calls in flight per worker, engine. */
function chosen(s: WalkSettings) {
  return [s.threads, s.workers, s.inflightPerWorker, s.engine];
}

function engineOf(threads: number | undefined, engine: 'auto' | 'sync' | 'async', filesystem: typeof LOCAL) {
  return chosen(resolveSettings({ root: '/data', out: '/o', threads, engine }, filesystem));
}

describe('resolveSettings', () => {
  it('defaults: a thread per core, the synchronous engine, nothing excluded, no depth limit', () => {
    const s = resolveSettings({ root: '/data', out: '/o' }, LOCAL, {});
    expect(s).toEqual({
      root: '/data',
      base: '/data/',
      out: '/o',
      threads: 2,
      workers: 2,
      inflightPerWorker: 1,
      engine: 'sync',
      exclude: [],
      oneFileSystem: false,
      snapshots: true,
      maxDepth: Infinity,
      compact: false,
      blockCapacity: 1 << 20,
      pauseBeforeOpenMs: 0,
    });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.exclude)).toBe(true);
  });

  it.each([
    // threads, engine, filesystem -> threads, workers (at most the 2 cores), calls in flight per worker, engine
    [16, 'auto', LOCAL, [16, 2, 1, 'sync (local filesystem)']],
    [16, 'auto', NFS, [16, 2, 8, 'async (nfs)']],
    [5, 'auto', NFS, [5, 2, 3, 'async (nfs)']],
    [1, 'auto', NFS, [1, 1, 1, 'sync']],
    [2, 'auto', NFS, [2, 2, 1, 'sync']],
    [5, 'async', LOCAL, [5, 2, 3, 'async']],
    [16, 'sync', NFS, [16, 2, 1, 'sync']],
  ] as const)('--threads %d --engine %s on %o', (threads, engine, filesystem, expected) => {
    expect(engineOf(threads, engine, filesystem)).toEqual(expected);
  });

  it('the base ends in exactly one slash', () => {
    expect(resolveSettings({ root: '/', out: '/o' }, LOCAL).base).toBe('/');
    expect(resolveSettings({ root: '/data/', out: '/o' }, LOCAL).base).toBe('/data/');
  });

  it('keeps the filters and limits it was given', () => {
    const s = resolveSettings(
      { root: 'r', out: 'o', exclude: ['*.tmp', '/scratch'], oneFileSystem: true, snapshots: false, maxDepth: 0, compact: true, blockCapacity: 4096 },
      LOCAL,
    );
    expect([s.exclude, s.oneFileSystem, s.snapshots, s.maxDepth, s.compact, s.blockCapacity]).toEqual([['*.tmp', '/scratch'], true, false, 0, true, 4096]);
  });

  it('reads the test pause from the environment given, whole milliseconds up to a minute', () => {
    const pause = (value: string) => resolveSettings({ root: '/r', out: '/o' }, LOCAL, { PWALK_TEST_PAUSE_BEFORE_OPEN_MS: value }).pauseBeforeOpenMs;
    expect(pause('25')).toBe(25);
    expect(() => pause('60001')).toThrow();
    expect(() => pause('-1')).toThrow();
  });

  it('takes the test thread count for a walk that sets none, never over one that does', () => {
    const walk = (threads: number | undefined, value: string) =>
      chosen(resolveSettings({ root: '/r', out: '/o', threads }, LOCAL, { PWALK_TEST_THREADS: value, PWALK_TEST_ENGINE: 'async' }));
    expect(walk(undefined, '64')).toEqual([64, 2, 32, 'async (PWALK_TEST_ENGINE)']);
    expect(walk(undefined, '1')).toEqual([1, 1, 1, 'sync']);
    expect(walk(8, '1')).toEqual([8, 2, 4, 'async (PWALK_TEST_ENGINE)']);
    expect(walk(undefined, '')).toEqual([2, 2, 1, 'sync']);
    expect(() => walk(undefined, '0')).toThrow();
    expect(() => walk(undefined, '1025')).toThrow();
    expect(() => walk(undefined, 'eight')).toThrow();
  });

  it.each([
    [{ root: '', out: '/o' }, 'the root path is empty'],
    [{ root: '/r', out: '/o', exclude: ['//'] }, "a pattern of only '/' names no path below the root, got //"],
  ])('refuses %o: %s', (options, message) => {
    expect(() => resolveSettings(options, LOCAL)).toThrow(message);
  });

  it.each([{ threads: 0 }, { threads: 1025 }, { threads: 2.5 }, { maxDepth: -1 }, { blockCapacity: 4095 }, { blockCapacity: 2 ** 30 + 1 }])(
    'refuses %o',
    (bad) => {
      expect(() => resolveSettings({ root: '/r', out: '/o', ...bad }, LOCAL)).toThrow();
    },
  );
});
