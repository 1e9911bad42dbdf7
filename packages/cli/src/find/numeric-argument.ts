import { UsageError } from '../errors.js';

/** find's `+N` (more than N), `-N` (less than N) and `N` (exactly N). */
export type Comparison = 'gt' | 'lt' | 'eq';

export interface NumericArgument<T> {
  readonly comparison: Comparison;
  readonly value: T;
}

/** The argument's sign as find reads it, and what follows it. */
function splitSign(text: string): { comparison: Comparison; rest: string } {
  if (text.startsWith('+')) return { comparison: 'gt', rest: text.slice(1) };
  if (text.startsWith('-')) return { comparison: 'lt', rest: text.slice(1) };
  return { comparison: 'eq', rest: text };
}

export function invalidArgument(predicate: string, text: string): UsageError {
  return new UsageError(`invalid argument '${text}' to '${predicate}'`);
}

/** `[+-]N` with N a whole number (-links, -inum, -uid, -gid). */
export function wholeArgument(predicate: string, text: string): NumericArgument<bigint> {
  const { comparison, rest } = splitSign(text);
  if (!/^\d+$/.test(rest)) throw invalidArgument(predicate, text);
  return { comparison, value: BigInt(rest) };
}

export function compareBig(argument: NumericArgument<bigint>, actual: bigint): boolean {
  const { comparison, value } = argument;
  return comparison === 'gt' ? actual > value : comparison === 'lt' ? actual < value : actual === value;
}

const SIZE_UNITS: Readonly<Record<string, bigint>> = { b: 512n, c: 1n, w: 2n, k: 1024n, M: 1024n ** 2n, G: 1024n ** 3n };

/**
 * -size `[+-]N[bcwkMG]`: the size in units rounded up, compared with N, as find does
 * (so `-size -1M` is only the empty files). The unit is 512-byte blocks when none is given.
 */
export function sizeTest(text: string): (size: bigint) => boolean {
  const { comparison, rest } = splitSign(text);
  const m = /^(\d+)(.?)$/.exec(rest);
  if (m === null) throw invalidArgument('-size', text);
  const unitLetter = m[2] === '' ? 'b' : m[2]!;
  if (!Object.hasOwn(SIZE_UNITS, unitLetter)) throw new UsageError(`invalid -size type '${unitLetter}'`);
  const unit = SIZE_UNITS[unitLetter]!;
  const argument = { comparison, value: BigInt(m[1]!) };
  if (unit === 1n) return (size) => compareBig(argument, size);
  return (size) => compareBig(argument, (size + unit - 1n) / unit);
}

/**
 * The time tests (-mtime, -mmin, ...): a window in milliseconds around the walk's start,
 * worked out as GNU find works it out from its own start (findutils parser.c,
 * get_relative_timestamp and pred_timewindow). For N units of U seconds:
 * `+N` is older than N units (days: N + 1 days), `-N` newer than N units (days: N
 * days and one second), `N` a window of one unit (days: older than N days, not older
 * than N + 1; minutes: older than N - 1 minutes, not older than N). N may have a
 * fraction, as in find.
 */
export function timeWindow(predicate: string, text: string, unitSeconds: number, referenceMs: number): (seconds: number) => boolean {
  const { comparison, rest } = splitSign(text);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(rest)) throw invalidArgument(predicate, text);
  const days = unitSeconds === 86_400;
  // find's origin for days is its start minus a day (plus a day less a second for `-N`); for minutes, its start.
  let originMs = days ? referenceMs - 86_400_000 : referenceMs;
  if (days && comparison === 'lt') originMs += 86_399_000;
  const offset = Number(rest) * unitSeconds;
  const whole = Math.trunc(offset);
  const referenceTimeMs = originMs - whole * 1000 - (offset - whole) * 1000;
  const windowMs = unitSeconds * 1000;
  // The window's sense inverts: older than N units is a time before the reference.
  if (comparison === 'gt') return (seconds) => seconds * 1000 - referenceTimeMs < 0;
  if (comparison === 'lt') return (seconds) => seconds * 1000 - referenceTimeMs > 0;
  return (seconds) => {
    const delta = seconds * 1000 - referenceTimeMs;
    return delta >= 0 && delta < windowMs;
  };
}
