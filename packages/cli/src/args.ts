import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z, ZodError } from 'zod';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses one command's argv strictly (unknown flags and missing values are usage
 * errors), then validates and converts the values with a zod schema. Every
 * failure becomes a UsageError whose message names the flag.
 */
export function parseCommand<S extends z.ZodType>(
  argv: string[],
  options: Options,
  schema: S,
): z.output<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, allowNegative: true } as ParseArgsConfig) as typeof parsed;
  } catch (err) {
    throw new UsageError(cleanParseMessage((err as Error).message));
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

/** parseArgs messages mention its own API ("To specify a positional argument..."): keep the first sentence. */
function cleanParseMessage(message: string): string {
  const first = message.split('. ')[0] ?? message;
  return first.endsWith('.') ? first.slice(0, -1) : first;
}

/** A whole number from a flag's text, with a message that says what was wrong. */
export function integerFlag(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${name} takes a whole number, e.g. --${name} ${Math.max(min, 1)}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));
}
