// The walk folder under umask 002 (common on HPC, where groups share files): mkdir's
// default would make it 775, and a resume and purge then refuse it as writable by its
// group. The walker makes it (and any parent it makes) 755 and its files 644 whatever
// the umask, and takes group and other write off an empty folder it was given.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest, writeManifest } from '@pwalk-ts/reader';
import { CLI } from '../helpers/run-cli.js';
import { makeTempBase, removeTempBase } from '../helpers/trees.js';

let base: string;
let tree: string;

beforeAll(() => {
  base = makeTempBase('walk-folder-mode');
  tree = join(base, 'tree');
  mkdirSync(join(tree, 'd'), { recursive: true });
  writeFileSync(join(tree, 'd', 'f'), 'x');
});
afterAll(() => removeTempBase(base));

/** The CLI run by a shell whose umask is 002; its exit code and stderr. */
function underUmask002(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync('sh', ['-c', 'umask 002 && exec "$@"', 'sh', process.execPath, CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

/** The folder and every file in it: none writable by group or others. */
function expectPrivate(folder: string): void {
  expect(modeOf(folder).toString(8)).toBe('755');
  for (const name of readdirSync(folder)) expect(`${name} ${(modeOf(join(folder, name)) & 0o022).toString(8)}`).toBe(`${name} 0`);
}

it('a walk made under umask 002 is 755 with 644 files, parents made for it too, and a resume (same umask) accepts and keeps it so', () => {
  const out = join(base, 'made', 'by', 'walk');
  const walked = underUmask002([tree, '--out', out, '--threads', '2', '--quiet']);
  expect(walked.code, walked.stderr).toBe(0);
  expect(modeOf(join(base, 'made')).toString(8)).toBe('755');
  expect(modeOf(join(base, 'made', 'by')).toString(8)).toBe('755');
  expectPrivate(out);
  writeManifest(out, { ...readManifest(out), status: 'interrupted', endTime: null });
  const resumed = underUmask002(['resume', out, '--quiet']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expectPrivate(out);
});

it('an empty folder given as 775 (made under umask 002) is closed to its group before the walk writes in it', () => {
  const out = join(base, 'given');
  mkdirSync(out);
  chmodSync(out, 0o2775);
  const walked = underUmask002([tree, '--out', out, '--quiet']);
  expect(walked.code, walked.stderr).toBe(0);
  // The setgid bit (files take the folder's group) is the user's choice and stays.
  expect(modeOf(out).toString(8)).toBe('2755');
  chmodSync(out, 0o755);
  expectPrivate(out);
});
