// Walk folders of format version 1, kept as they were written (test/fixtures/format1:
// a full and a --compact walk, made as nobody of a tree with hard links, a sparse 5 GiB
// file, a time before 1970, a non-UTF-8 name, a fifo, symlinks and two unreadable
// entries) stay readable by every command after the format moved on. `expected/`
// holds each command's output as the format-1 code printed it when the fixtures were
// written (that code was itself checked against ground truth): every command must still
// print exactly that, and the Python reader must yield the same records.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, REPO, runCli } from './helpers/run-cli.js';
import { makeTempBase, PYTHON, removeTempBase } from './helpers/trees.js';

const FIXTURES = 'test/fixtures/format1';
const READ_WALK = join(REPO, 'packages/reader/tools/read_walk.py');

const expected = (walk: string, name: string): string => readFileSync(join(REPO, FIXTURES, 'expected', walk, name), 'utf8');

/** Each command and the golden file its stdout must equal. */
const COMMANDS: { args: string[]; golden: string; full?: true }[] = [
  { args: ['cat'], golden: 'cat.ndjson' },
  { args: ['cat', '--errors'], golden: 'cat-errors.ndjson' },
  { args: ['cat', '--format', 'csv'], golden: 'cat.csv' },
  { args: ['cat', '--format', 'pwalk'], golden: 'cat-pwalk.csv', full: true },
  { args: ['du', '--json'], golden: 'du.json' },
  { args: ['usage', '--json'], golden: 'usage.json', full: true },
  { args: ['largest', '--json'], golden: 'largest.json' },
  { args: ['info', '--json'], golden: 'info.json' },
];

let base: string;
beforeAll(() => {
  base = makeTempBase('format1');
});
afterAll(() => removeTempBase(base));

describe.each(['walk', 'walk-compact'])('format-1 fixture %s', (walk) => {
  const dir = `${FIXTURES}/${walk}`;

  it('the fixture is format 1', () => {
    const names = readdirSync(join(REPO, dir)).filter((n) => n.endsWith('.bin'));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(readFileSync(join(REPO, dir, n)).readUInt16LE(8), n).toBe(1);
  });

  for (const { args, golden, full } of COMMANDS) {
    if (full && walk === 'walk-compact') continue;
    it(`${args.join(' ')} prints what the format-1 code printed`, async () => {
      const r = await runCli([args[0]!, dir, ...args.slice(1)]);
      // The fixtures hold two unreadable entries: a walk with entry errors exits 1 from info.
      expect(r.stderr).not.toMatch(/PWALK_/);
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toBe(expected(walk, golden));
    });
  }

  it('report --json holds the document the format-1 code wrote', async () => {
    const out = join(base, `${walk}-report.json`);
    const r = await runCli(['report', dir, '--json', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const strip = (s: string): Record<string, unknown> => ({ ...(JSON.parse(s) as object), generatedAt: null });
    // Every section the format-1 code wrote, equal; sections added to the report since (drillDown) may follow.
    expect(strip(readFileSync(out, 'utf8'))).toMatchObject(strip(expected(walk, 'report.json')));
  });

  it('diff against itself finds no change; sql and export read every entry', async () => {
    const d = await runCli(['diff', dir, dir, '--json', join(base, `${walk}-diff.json`), '--quiet']);
    expect(d.code, d.stderr).toBe(0);
    const diff = JSON.parse(readFileSync(join(base, `${walk}-diff.json`), 'utf8')) as Record<string, { entries: number }>;
    const entries = parseNdjson(expected(walk, 'cat.ndjson')).length;
    expect([diff.added!.entries, diff.deleted!.entries, diff.modified!.entries, diff.unchanged!.entries]).toEqual([0, 0, 0, entries]);
    const sql = await runCli(['sql', dir, 'SELECT count(*) AS n FROM entries', '--no-cache', '--csv']);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toBe(`"n"\r\n${entries}\r\n`);
    const exp = await runCli(['export', dir, '-o', join(base, `${walk}.parquet`)]);
    expect(exp.code, exp.stderr).toBe(0);
  });

  it('the Python reader yields the records cat printed', () => {
    const out = execFileSync(PYTHON, ['-B', READ_WALK, join(REPO, dir)], { encoding: 'utf8' });
    const python = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l.replace(/("inode":\s*)(\d+)/, '$1"$2"')) as { pathBase64: string; inode: string; error?: unknown })
      .filter((r) => r.error === undefined)
      .map((r) => `${Buffer.from(r.pathBase64, 'base64').toString('latin1')}:${r.inode}`)
      .sort();
    const cat = parseNdjson(expected(walk, 'cat.ndjson'))
      .map(
        (e) =>
          `${e.pathBase64 === undefined ? Buffer.from(e.path as string).toString('latin1') : Buffer.from(e.pathBase64 as string, 'base64').toString('latin1')}:${String(e.inode)}`,
      )
      .sort();
    expect(python).toEqual(cat);
  });
});
