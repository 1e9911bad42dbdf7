// The SDK's entry point loads no Parquet code: `import { openWalk } from
// '@pwalk-ts/reader'` (and so every walk and every reader of one) must not pull in
// hyparquet-writer or hysnappy, which only '@pwalk-ts/reader/parquet' needs. A child
// process imports the built package under a resolve hook that fails any module whose
// URL names either library, so re-adding the re-export to index.ts fails here.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const HOOKS = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/hyparquet|hysnappy/.test(resolved.url)) throw new Error('loaded ' + resolved.url);
  return resolved;
}`;

const CHILD = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const entry = await import(process.argv[1]);
console.log(Object.keys(entry).sort().join(' '));`;

/** Imports `specifier` from the repository root in a child; its exit status and output. */
function importInChild(specifier: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, specifier], { cwd: REPO, encoding: 'utf8' });
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

  it('the hook does catch them: @pwalk-ts/reader/parquet loads hyparquet-writer', () => {
    const r = importInChild('@pwalk-ts/reader/parquet');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/loaded file:.*hyparquet/);
  });
});
