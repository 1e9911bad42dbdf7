// The SDK's entry point loads no Parquet code: `import { openWalk } from
// '@pwalk-ts/reader'` (and so every walk and every reader of one) must not pull in
// hyparquet-writer or hysnappy, which only '@pwalk-ts/reader/parquet' needs. A child
// process imports the built package under a resolve hook that fails any module whose
// URL names either library, so re-adding the re-export to index.ts fails here. In the same
// way '@pwalk-ts/reader/format', and the walker's thread modules built on it, load no zod or
// msgpackr (the manifest code): every worker thread of every walk would pay for them.
// A new walk's main thread (the walker's index) loads no reading SDK (analyses, sorts,
// ncdu), and the module the CLI starts the walk's threads with loads nothing but Node's.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const PARQUET = 'hyparquet|hysnappy';
const MANIFEST_CODE = '/zod@|/msgpackr';
/** The SDK's walk reader, analyses and ncdu export (sdk/path-key.js is the codec's too). */
const READING_SDK = '/reader/dist/(sdk/walk\\.js|analysis/|ncdu/)';
/** Anything but Node's own modules and the walker's. */
const NOT_NODE_OR_WALKER = '^(?!node:|file:.*/packages/walker/dist/)';

/** A resolve hook that fails any module whose URL matches `forbidden`. */
function hooks(forbidden: string): string {
  return `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (new RegExp(${JSON.stringify(forbidden)}).test(resolved.url)) throw new Error('loaded ' + resolved.url);
  return resolved;
}`;
}

/** Imports `specifier` from the repository root in a child, failing on a `forbidden` module; its exit status and output. */
function importInChild(specifier: string, forbidden = PARQUET): { status: number | null; stdout: string; stderr: string } {
  const child = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks(forbidden))}));
const entry = await import(process.argv[1]);
console.log(Object.keys(entry).sort().join(' '));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child, specifier], { cwd: REPO, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('entry points', () => {
  it('@pwalk-ts/reader loads no hyparquet or hysnappy module', () => {
    const r = importInChild('@pwalk-ts/reader');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split(' ')).toContain('openWalk');
  });

  it('@pwalk-ts/reader/format loads none either', () => {
    const r = importInChild('@pwalk-ts/reader/format');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split(' ')).toContain('RecordBuffer');
  });

  it('the hook does catch them: @pwalk-ts/reader/parquet loads hysnappy and hyparquet-writer', () => {
    const r = importInChild('@pwalk-ts/reader/parquet');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/loaded file:.*(hyparquet|hysnappy)/);
  });

  it('@pwalk-ts/reader/format loads no zod or msgpackr module', () => {
    const r = importInChild('@pwalk-ts/reader/format', MANIFEST_CODE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split(' ')).toContain('FrameBuffer');
  });

  it("nor do the walker's thread modules (the scanners, the engines, the thread file)", () => {
    for (const module of ['scan-thread.js', 'latency-engine.js', 'progress-counters.js', 'work-queue.js', 'worker-failure.js']) {
      const r = importInChild(join(REPO, 'packages/walker/dist', module), MANIFEST_CODE);
      expect(r.stderr, module).toBe('');
      expect(r.status, module).toBe(0);
    }
  });

  it('the hook does catch them: @pwalk-ts/reader (the SDK, which reads manifests) loads zod', () => {
    const r = importInChild('@pwalk-ts/reader', MANIFEST_CODE);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/loaded file:.*(zod|msgpackr)/);
  });

  it("@pwalk-ts/walker (a new walk's main thread) loads none of the reading SDK", () => {
    const r = importInChild(join(REPO, 'packages/walker/dist/index.js'), READING_SDK);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ')).toContain('startWalk');
  });

  it('the hook does catch them: the resume, loaded when called, reads the walk with the SDK', () => {
    const r = importInChild(join(REPO, 'packages/walker/dist/resume.js'), READING_SDK);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/loaded file:.*reader\/dist\/(sdk\/walk\.js|analysis\/|ncdu\/)/);
  });

  it('@pwalk-ts/walker/threads, which the CLI loads before the walker, loads only Node and the walker', () => {
    const r = importInChild(join(REPO, 'packages/walker/dist/walker-threads.js'), NOT_NODE_OR_WALKER);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ')).toContain('prestartWalkerThreads');
  });
});
