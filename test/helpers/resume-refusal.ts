// How a refused `pwalk-ts resume` must look: one line, exit 2, the walk folder as it was.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './run-cli.js';

/** Every entry of a folder: a regular file with its bytes, anything else as 'special'. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, lstatSync(join(dir, n)).isFile() ? readFileSync(join(dir, n)).toString('base64') : 'special']));
}

/** `resume OUT ARGS` is refused with the one line `pattern` says, exit 2, and leaves OUT (when there is one) unchanged. */
export async function expectResumeRefused(out: string, pattern: RegExp, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const before = existsSync(out) ? snapshot(out) : null;
  const r = await runCli(['resume', out, ...args], { timeoutMs: 20_000, env });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^pwalk-ts: ${pattern.source}\\n$`));
  if (before !== null) expect(snapshot(out)).toEqual(before);
}
