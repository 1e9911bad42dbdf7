// processAlive decides whether a resume lock, a 'running' manifest or a staging folder
// belongs to a process that still runs: checked against real processes, with the start
// time /proc gives (its command name may hold ')' and spaces) and a zombie, which a
// signal 0 reaches though it will never run again.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { processAlive } from '../src/output/process-alive.js';

let base: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'pwalk-process-alive-'));
});
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

/** Starts `command args`, resolving its pid once it printed a line (or, without output, once spawned). */
function start(command: string, args: string[], waitForLine: boolean): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    if (!waitForLine) child.on('spawn', () => resolve({ child, line: '' }));
    else child.stdout.once('data', (d: Buffer) => resolve({ child, line: d.toString().trim() }));
  });
}

it("a live process: alive, and the writer of a record made after it started, not of one made before; a command name with ')' and spaces parsed", async () => {
  // A copy of sleep named so that its command name, between parentheses in /proc/PID/stat, holds ') ' and figures.
  const sleep = join(base, 'x) 1 2 (3');
  copyFileSync('/bin/sleep', sleep);
  const { child } = await start(sleep, ['60'], false);
  const pid = child.pid!;
  expect(readFileSync(`/proc/${pid}/stat`, 'latin1')).toContain('(x) 1 2 (3)');
  expect(processAlive(pid)).toBe(true);
  expect(processAlive(pid, Date.now())).toBe(true);
  expect(processAlive(pid, Date.now() - 60_000)).toBe(false);
});

it('a zombie (exited, not yet reaped by its parent) is not alive', async () => {
  // The parent forks a child that exits at once, prints its pid, and never waits for it.
  const { line } = await start(
    'python3',
    ['-c', 'import os, sys, time\npid = os.fork()\nif pid == 0: os._exit(0)\ntime.sleep(0.2)\nprint(pid, flush=True)\ntime.sleep(60)'],
    true,
  );
  const pid = Number(line);
  expect(readFileSync(`/proc/${pid}/stat`, 'latin1')).toMatch(/\) Z /);
  expect(processAlive(pid)).toBe(false);
  expect(processAlive(pid, Date.now())).toBe(false);
});

it('a pid no process holds is not alive', async () => {
  const { child } = await start('true', [], false);
  await new Promise((resolve) => child.on('exit', resolve));
  expect(processAlive(child.pid!)).toBe(false);
});
