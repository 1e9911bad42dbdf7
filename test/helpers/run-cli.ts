// Runs the built CLI as a child process (the way users and scripts run it) and
// parses its output without losing integers past 2^53.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(import.meta.url), '../../..');
export const CLI = join(REPO, 'packages/cli/bin/pwalk-ts.js');

export interface CliResult {
  /** Exit code; null when the process was killed by a signal (then `signal` says which). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout exactly as written (csv paths are raw bytes). */
  stdoutBytes: Buffer;
}

/**
 * Which scanner route a walk takes: 'native' (the addon; PWALK_NATIVE=1, so a walk
 * fails rather than quietly falling back when the addon does not load) or 'ts' (the
 * TypeScript routes; PWALK_NATIVE=0). Unset: the walker's own choice.
 */
export type Route = 'native' | 'ts';

/** The environment that selects `route`. */
export function routeEnv(route: Route | undefined): Record<string, string> {
  return route === undefined ? {} : { PWALK_NATIVE: route === 'native' ? '1' : '0' };
}

export interface RunOptions {
  cwd?: string;
  route?: Route;
  /** Run as nobody:nogroup with no supplementary groups (setpriv). */
  asNobody?: boolean;
  timeoutMs?: number;
  /** Extra environment (test knobs such as PWALK_TEST_PAUSE_BEFORE_OPEN_MS). */
  env?: Record<string, string>;
}

/** The argv prefix that runs a program as nobody:nogroup. */
export function nobodyPrefix(): string[] {
  return ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
}

/** Runs `node packages/cli/bin/pwalk-ts.js ...args`. Never throws for a non-zero exit. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const [file, argv] = options.asNobody ? ['setpriv', [...nobodyPrefix(), process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      argv,
      {
        cwd: options.cwd ?? REPO,
        encoding: 'buffer',
        maxBuffer: 1024 * 1024 * 1024,
        timeout: options.timeoutMs ?? 180_000,
        env: { ...process.env, NODE_OPTIONS: '', ...routeEnv(options.route), ...options.env },
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        if (e !== null && typeof e.code === 'string') {
          reject(e);
          return;
        }
        resolvePromise({
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
          signal: e?.signal ?? null,
          stdout: stdout.toString('utf8'),
          stderr: stderr.toString('utf8'),
          stdoutBytes: stdout,
        });
      },
    );
  });
}

/** Runs the CLI and fails with its stderr when the exit code is not the expected one. */
export async function runCliOk(args: string[], options: RunOptions = {}, expectedCode = 0): Promise<CliResult> {
  const r = await runCli(args, options);
  if (r.code !== expectedCode) {
    throw new Error(`pwalk-ts ${args.join(' ')} exited ${r.code} (signal ${r.signal}), expected ${expectedCode}\nstderr:\n${r.stderr}`);
  }
  return r;
}

/** Marks integer tokens quoted by the pre-pass; no path holds a NUL byte, so no real string starts with one. */
const INT_MARK = '\u0000';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * JSON.parse where every integer (any size) becomes a bigint and every other number
 * stays a number, so a lost or rounded digit shows up as a mismatch, and a float
 * where an integer belongs shows up as a wrong type. Strings are skipped over by a
 * small scanner, so digits inside a path are never touched.
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m === null) throw new SyntaxError(`bad number at ${i} in ${text}`);
      const token = m[0];
      out += /^-?\d+$/.test(token) ? `"\\u0000${token}"` : token;
      i += token.length;
      continue;
    }
    out += c;
    i++;
  }
  return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(INT_MARK) ? BigInt(value.slice(1)) : value));
}

/** One parsed object per line; the text must end with a newline and hold no blank line. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`ndjson does not end with a newline: ...${JSON.stringify(text.slice(-80))}`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      if (line.trim() === '') throw new Error(`blank line ${index + 1} in ndjson`);
      const value = parseJsonExact(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`line ${index + 1} is not an object: ${line}`);
      return value as Record<string, unknown>;
    });
}

/**
 * A strict RFC 4180 parser over bytes: fields are unquoted (no quote, CR or LF in
 * them) or quoted with doubled quotes inside; every record ends with CRLF. Fields are
 * returned as Buffers so quoted paths keep their exact bytes.
 */
export function parseCsv(buf: Buffer, lineEnd: 'crlf' | 'lf' = 'crlf'): Buffer[][] {
  const rows: Buffer[][] = [];
  let row: Buffer[] = [];
  let i = 0;
  const QUOTE = 0x22;
  const COMMA = 0x2c;
  const CR = 0x0d;
  const LF = 0x0a;
  const fail = (what: string): never => {
    throw new Error(`csv: ${what} at byte ${i} (row ${rows.length + 1}): ${JSON.stringify(buf.subarray(Math.max(0, i - 40), i + 40).toString('latin1'))}`);
  };
  while (i < buf.length) {
    // one field
    let field: Buffer;
    if (buf[i] === QUOTE) {
      const parts: Buffer[] = [];
      let start = ++i;
      for (;;) {
        if (i >= buf.length) fail('unterminated quoted field');
        if (buf[i] === QUOTE) {
          if (buf[i + 1] === QUOTE) {
            parts.push(buf.subarray(start, i + 1));
            i += 2;
            start = i;
            continue;
          }
          parts.push(buf.subarray(start, i));
          i++;
          break;
        }
        i++;
      }
      field = Buffer.concat(parts);
    } else {
      const start = i;
      while (i < buf.length && buf[i] !== COMMA && buf[i] !== CR && buf[i] !== LF) {
        if (buf[i] === QUOTE) fail('quote inside an unquoted field');
        i++;
      }
      field = buf.subarray(start, i);
    }
    row.push(field);
    if (i >= buf.length) fail(`record does not end with ${lineEnd === 'crlf' ? 'CRLF' : 'LF'}`);
    if (buf[i] === COMMA) {
      i++;
      if (i >= buf.length) fail(`record does not end with ${lineEnd === 'crlf' ? 'CRLF' : 'LF'}`);
      continue;
    }
    if (lineEnd === 'crlf' ? buf[i] === CR && buf[i + 1] === LF : buf[i] === LF) {
      i += lineEnd === 'crlf' ? 2 : 1;
      rows.push(row);
      row = [];
      continue;
    }
    fail(buf[i] === LF ? 'bare LF line end (RFC 4180 wants CRLF)' : 'unexpected byte after a field');
  }
  return rows;
}
