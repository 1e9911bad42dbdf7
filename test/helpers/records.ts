// Records from pwalk-ts (CLI ndjson, CLI csv, SDK) and from ground_truth.py in one
// normalized shape, and field-by-field comparison between them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { nobodyPrefix, parseNdjson, runCliOk } from './run-cli.js';
import { buildEdgeTree, buildSkewedTree, PYTHON } from './trees.js';

export const GROUND_TRUTH = resolve(fileURLToPath(import.meta.url), '../ground_truth.py');

/** The ndjson keys of an entry, in the contract's order. */
export const ENTRY_KEYS = [
  'path',
  'type',
  'size',
  'blocks',
  'mode',
  'uid',
  'gid',
  'nlink',
  'inode',
  'parentInode',
  'dev',
  'atime',
  'mtime',
  'ctime',
  'depth',
] as const;
export const INT_KEYS = ['size', 'blocks', 'mode', 'uid', 'gid', 'nlink', 'inode', 'parentInode', 'dev', 'atime', 'mtime', 'ctime', 'depth'] as const;
/** The fields a --compact walk does not record (null). */
export const COMPACT_NULL_KEYS = ['blocks', 'mode', 'uid', 'gid', 'nlink', 'dev', 'atime', 'ctime'] as const;
export const ENTRY_TYPES = new Set(['file', 'dir', 'symlink', 'fifo', 'socket', 'char', 'block']);

export type IntKey = (typeof INT_KEYS)[number];

/** One entry, every integer a bigint (null where not recorded). */
export interface Rec extends Record<IntKey, bigint | null> {
  pathBytes: Buffer;
  path: string;
  type: string;
}

export interface ErrRec {
  pathBytes: Buffer;
  path: string;
  syscall: string;
  code: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function isUtf8Bytes(b: Uint8Array): boolean {
  try {
    utf8Strict.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** How a path is shown in a failure message: exact bytes, readable. */
export function showPath(b: Uint8Array): string {
  return isUtf8Bytes(b) ? JSON.stringify(utf8.decode(b)) : `bytes:${Buffer.from(b).toString('base64')} (${JSON.stringify(utf8.decode(b))})`;
}

/**
 * Checks one `cat --format ndjson` object against the contract's shape and returns
 * it normalized. Shape problems are pushed onto `problems` (never thrown), so one
 * test reports them all.
 */
export function fromCliEntry(obj: Record<string, unknown>, problems: string[], compact = false): Rec {
  const keys = Object.keys(obj);
  const path = obj.path;
  const b64 = obj.pathBase64;
  let pathBytes: Buffer;
  if (typeof path !== 'string') {
    problems.push(`path is not a string: ${JSON.stringify(keys)}`);
    pathBytes = Buffer.alloc(0);
  } else if (b64 === undefined) {
    pathBytes = Buffer.from(path, 'utf8');
  } else if (typeof b64 !== 'string') {
    problems.push(`pathBase64 is not a string at ${path}`);
    pathBytes = Buffer.from(path, 'utf8');
  } else {
    pathBytes = Buffer.from(b64, 'base64');
    if (isUtf8Bytes(pathBytes)) problems.push(`pathBase64 given for a UTF-8 path ${showPath(pathBytes)}`);
    if (utf8.decode(pathBytes) !== path) problems.push(`path ${JSON.stringify(path)} is not the UTF-8 decoding of pathBase64 ${b64}`);
  }
  const where = showPath(pathBytes);
  const expectedKeys = b64 === undefined ? [...ENTRY_KEYS] : [...ENTRY_KEYS, 'pathBase64'];
  if (JSON.stringify([...keys].sort()) !== JSON.stringify([...expectedKeys].sort())) {
    problems.push(`keys at ${where}: got ${JSON.stringify(keys)}, expected ${JSON.stringify(expectedKeys)}`);
  }
  if (typeof obj.type !== 'string' || !ENTRY_TYPES.has(obj.type)) problems.push(`type ${String(obj.type)} at ${where}`);
  const rec = { pathBytes, path: typeof path === 'string' ? path : '', type: String(obj.type) } as Rec;
  for (const k of INT_KEYS) {
    const v = obj[k];
    const mayBeNull = compact && (COMPACT_NULL_KEYS as readonly string[]).includes(k);
    if (typeof v === 'bigint') rec[k] = v;
    else if (v === null && mayBeNull) rec[k] = null;
    else {
      problems.push(`${k} at ${where} is ${typeof v} ${String(v)}, expected ${mayBeNull ? 'null' : 'a JSON integer'}`);
      rec[k] = null;
    }
  }
  return rec;
}

/** Parses `cat --format ndjson` output; shape problems go to `problems`. */
export function cliEntries(stdout: string, problems: string[], compact = false): Rec[] {
  return parseNdjson(stdout).map((o) => fromCliEntry(o, problems, compact));
}

/**
 * Parses `cat --sort path` ndjson and expects every record in the contract's shape and
 * the paths strictly increasing by bytes (no duplicates); returns the records. Each
 * list of problems is cut to its first 20 in the failure message.
 */
export function expectSortedEntries(stdout: string, compact = false): Rec[] {
  const problems: string[] = [];
  const recs = cliEntries(stdout, problems, compact);
  expect(problems.slice(0, 20)).toEqual([]);
  expect(orderProblems(recs).slice(0, 20)).toEqual([]);
  return recs;
}

export function cliErrors(stdout: string, problems: string[]): ErrRec[] {
  return parseNdjson(stdout).map((o) => {
    const b64 = o.pathBase64;
    const pathBytes = typeof b64 === 'string' ? Buffer.from(b64, 'base64') : Buffer.from(String(o.path), 'utf8');
    const keys = Object.keys(o).sort();
    const expected = (typeof b64 === 'string' ? ['path', 'syscall', 'code', 'pathBase64'] : ['path', 'syscall', 'code']).sort();
    if (JSON.stringify(keys) !== JSON.stringify(expected)) problems.push(`error record keys ${JSON.stringify(keys)} at ${showPath(pathBytes)}`);
    return { pathBytes, path: String(o.path), syscall: String(o.syscall), code: String(o.code) };
  });
}

function fromTruthEntry(o: Record<string, unknown>): Rec {
  const rec = { pathBytes: Buffer.from(String(o.pathBase64), 'base64'), path: String(o.path), type: String(o.type) } as Rec;
  for (const k of INT_KEYS) {
    const v = o[k];
    if (typeof v !== 'bigint') throw new Error(`ground truth ${k} is not an integer: ${String(v)}`);
    rec[k] = v;
  }
  return rec;
}

export interface TruthOptions {
  maxDepth?: number;
  oneFileSystem?: boolean;
  asNobody?: boolean;
  cwd?: string;
}

/** Runs ground_truth.py on `root` (as given: relative roots resolve against `cwd`). */
export function groundTruth(root: string, options: TruthOptions = {}): { entries: Rec[]; errors: ErrRec[] } {
  const tmp = mkdtempSync(join(tmpdir(), 'pwalk-truth-'));
  const errorsFile = join(tmp, 'errors.ndjson');
  try {
    const args = [GROUND_TRUTH, root];
    if (options.maxDepth !== undefined) args.push('--max-depth', String(options.maxDepth));
    if (options.oneFileSystem) args.push('--one-file-system');
    let stdout: string;
    if (options.asNobody) {
      execFileSync('chmod', ['0777', tmp]);
      stdout = execFileSync('setpriv', [...nobodyPrefix(), PYTHON, ...args, '--errors-out', errorsFile], {
        cwd: options.cwd,
        encoding: 'utf8',
        maxBuffer: 1024 * 1024 * 1024,
      });
    } else {
      stdout = execFileSync(PYTHON, [...args, '--errors-out', errorsFile], { cwd: options.cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    }
    const entries = parseNdjson(stdout).map(fromTruthEntry);
    const errors = parseNdjson(readFileSync(errorsFile, 'utf8')).map((o) => ({
      pathBytes: Buffer.from(String(o.pathBase64), 'base64'),
      path: String(o.path),
      syscall: String(o.syscall),
      code: String(o.code),
    }));
    return { entries, errors };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Reads every directory of the tree once (a ground-truth walk whose output is dropped),
 * so that relatime has already moved the directories' atimes before anything is
 * compared: later reads (within a day) leave them alone.
 */
export function settleAtimes(root: string, options: TruthOptions = {}): void {
  // relatime moves atime when it is not later than mtime; a directory read in the same
  // clock tick as its last change would move again on the next read: wait a few ticks first.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  groundTruth(root, options);
}

/** BASE/tree (the skewed tree and the edge tree, atimes settled), its ground truth, and its walk at --threads 2 in BASE/walk. */
export async function walkedSkewedEdgeTree(base: string): Promise<{ tree: string; truth: Rec[]; out: string }> {
  const tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  buildEdgeTree(join(tree, 'edge'));
  settleAtimes(tree);
  const truth = groundTruth(tree).entries;
  const out = join(base, 'walk');
  await runCliOk([tree, '--out', out, '--threads', '2', '--quiet']);
  return { tree, truth, out };
}

export function byPathBytes<T extends { pathBytes: Buffer }>(a: T, b: T): number {
  return Buffer.compare(a.pathBytes, b.pathBytes);
}

export function sortedByPath<T extends { pathBytes: Buffer }>(recs: readonly T[]): T[] {
  return [...recs].sort(byPathBytes);
}

/** Paths whose order is not strictly increasing by bytes (duplicates included). */
export function orderProblems(recs: readonly { pathBytes: Buffer }[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < recs.length; i++) {
    if (Buffer.compare(recs[i - 1]!.pathBytes, recs[i]!.pathBytes) >= 0) {
      out.push(`out of order or duplicate: ${showPath(recs[i - 1]!.pathBytes)} then ${showPath(recs[i]!.pathBytes)}`);
    }
  }
  return out;
}

export interface DiffOptions {
  /** Fields left out of the comparison. */
  ignore?: readonly string[];
  /** At most this many lines (default 40). */
  limit?: number;
}

/**
 * Field-by-field differences between two record sets matched by exact path bytes:
 * entries missing, entries extra, duplicated paths, and each differing field. An
 * empty list means identical.
 */
export function diffRecords(actual: readonly Rec[], expected: readonly Rec[], options: DiffOptions = {}): string[] {
  const ignore = new Set(options.ignore ?? []);
  const limit = options.limit ?? 40;
  const out: string[] = [];
  const key = (r: Rec): string => r.pathBytes.toString('base64');
  const exp = new Map<string, Rec>();
  for (const r of expected) exp.set(key(r), r);
  const seen = new Set<string>();
  for (const a of actual) {
    const k = key(a);
    if (seen.has(k)) {
      out.push(`duplicate record ${showPath(a.pathBytes)}`);
      continue;
    }
    seen.add(k);
    const e = exp.get(k);
    if (e === undefined) {
      out.push(`extra record ${showPath(a.pathBytes)} (${a.type})`);
      continue;
    }
    const fields = ['type', ...INT_KEYS] as const;
    for (const f of fields) {
      if (ignore.has(f)) continue;
      if (a[f] !== e[f]) out.push(`${showPath(a.pathBytes)}: ${f} is ${String(a[f])}, expected ${String(e[f])}`);
    }
  }
  for (const e of expected) {
    if (!seen.has(key(e))) out.push(`missing record ${showPath(e.pathBytes)} (${e.type})`);
  }
  return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more differences`] : out;
}

/** Error records as comparable strings: "path-bytes-base64 syscall code". */
export function errorKeys(errors: readonly ErrRec[]): string[] {
  return errors.map((e) => `${showPath(e.pathBytes)} ${e.syscall} ${e.code}`).sort();
}
