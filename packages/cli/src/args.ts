import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z, ZodError } from 'zod';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type OptionToken = { kind: 'option'; name: string; rawName: string; value?: string; inlineValue?: boolean };

/**
 * Parses one command's argv strictly (unknown flags, missing or empty values and
 * repeated flags are usage errors), then validates and converts the values with a
 * zod schema. Every failure becomes a UsageError whose message names the flag.
 */
export function parseCommand<S extends z.ZodType>(
  argv: string[],
  options: Options,
  schema: S,
): z.output<S> {
  // Not strict: node:util's own checks answer in its words, over several lines, and
  // take `--threads -1` for a forgotten value; checkFlag says what is wrong instead.
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true, allowNegative: true } as ParseArgsConfig);
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'option') checkFlag(token as OptionToken, options, seen);
  }
  try {
    return schema.parse({ ...parsed.values, positionals: parsed.positionals });
  } catch (err) {
    if (err instanceof ZodError) {
      const issue = err.issues[0]!;
      const key = issue.path[0];
      const what = key === 'positionals' ? '' : key === undefined ? '' : `--${String(key).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: `;
      throw new UsageError(`${what}${issue.message}`);
    }
    throw err;
  }
}

/** A negative number can never be a flag (no flag is a digit), so it is a value: `--depth -1` is told it must be 0 or more. */
const NEGATIVE_NUMBER = /^-\d/;

function checkFlag(token: OptionToken, options: Options, seen: Set<string>): void {
  const flag = token.rawName;
  const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
  if (option === undefined || (option.type === 'string' && flag.startsWith('--no-'))) throw new UsageError(`unknown flag ${flag}`);
  if (!option.multiple && seen.has(token.name)) throw new UsageError(`${flag}: given more than once`);
  seen.add(token.name);
  const value = token.value;
  if (option.type === 'boolean') {
    if (value !== undefined) throw new UsageError(`${flag}: takes no value, got ${flag}=${value}`);
    return;
  }
  if (value === undefined) throw new UsageError(`${flag}: needs a value`);
  if (value === '') throw new UsageError(`${flag}: needs a value, got an empty one`);
  // `--out --quiet` is a forgotten value far more often than a folder named --quiet.
  if (!token.inlineValue && value.length > 1 && value.startsWith('-') && !NEGATIVE_NUMBER.test(value)) {
    throw new UsageError(`${flag}: needs a value, got the flag ${value} (a value that starts with '-' is written --${token.name}=${value})`);
  }
}

/** A whole number from a flag's text; one message for every way it can be wrong (sign, size, fraction, letters). */
export function integerFlag(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got ${text}` });
    return z.NEVER;
  });
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/**
 * A size such as 512MB or 4GiB, kept as its text (DuckDB reads it). Bounded, so
 * that DuckDB never answers in its own words ("Failed to set config" past 2^64
 * bytes, an out-of-memory error below a few KB).
 */
export function sizeFlag(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)$/i.exec(text);
    const bytes = m === null ? NaN : Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!;
    if (bytes >= min && bytes <= max) return text;
    ctx.addIssue({ code: 'custom', message: `must be a size from ${min / 1e6}MB to ${max / 1e15}PB such as 512MB or 4GB, got ${text}` });
    return z.NEVER;
  });
}
