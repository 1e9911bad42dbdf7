import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z, ZodError } from 'zod';
import type { CommandDefinition, Flags, ParsedArgs } from './command-definition.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type OptionToken = { kind: 'option'; name: string; rawName: string; value?: string; inlineValue?: boolean };

/**
 * Parses one command's argv strictly (unknown flags, missing or empty values and
 * repeated flags are usage errors), then validates and converts the values with the
 * schemas of the command's flags and its rules between flags. Every failure becomes
 * a UsageError whose message names the flag.
 */
export function parseCommand<F extends Flags>(argv: string[], command: CommandDefinition<F>): ParsedArgs<F> {
  const { flagsAndOperands, rawOperands } = splitRawOperands(argv, command);
  argv = flagsAndOperands;
  const options = parseArgsOptions(command.flags);
  // Not strict: node:util's own checks answer in its words, over several lines, and
  // take `--threads -1` for a forgotten value; checkFlag says what is wrong instead.
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true, allowNegative: true });
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'option') checkFlag(token, options, seen);
  }
  let args: ParsedArgs<F>;
  try {
    args = argsSchema(command.operands, command.flags).parse({ ...parsed.values, positionals: parsed.positionals, rawOperands }) as ParsedArgs<F>;
  } catch (err) {
    if (err instanceof ZodError) {
      const issue = err.issues[0]!;
      const key = issue.path[0];
      const what = key === 'positionals' || key === undefined ? '' : `--${String(key)}: `;
      throw new UsageError(`${what}${issue.message}`, { cause: err });
    }
    throw err;
  }
  command.check?.(args);
  return args;
}

/**
 * Splits argv where a command's raw operands begin (`CommandDefinition.rawOperands`):
 * after its `operands.max` operands and the command's own `--flags` that follow them
 * directly. Flags before the operands are read as usual (a value flag's value is not
 * an operand); `--` ends the flags, so `find -- -walk -name x` names a walk '-walk'.
 * A command without raw operands gets argv back whole.
 */
export function splitRawOperands(argv: readonly string[], command: CommandDefinition): { flagsAndOperands: string[]; rawOperands: string[] } {
  if (command.rawOperands !== true) return { flagsAndOperands: [...argv], rawOperands: [] };
  const takesValue = (token: string): boolean => {
    const name = token.replace(/^--?/, '');
    const own = Object.entries(command.flags).find(([long, f]) => long === name || f.short === name);
    return own !== undefined && own[1].kind !== 'switch';
  };
  const isOwnLongFlag = (token: string): boolean => token.startsWith('--') && Object.hasOwn(command.flags, token.slice(2).split('=')[0]!);
  let operands = 0;
  let i = 0;
  for (; i < argv.length && operands < command.operands.max; i++) {
    const token = argv[i]!;
    if (token === '--') {
      const end = Math.min(argv.length, i + 1 + command.operands.max - operands);
      return { flagsAndOperands: argv.slice(0, end), rawOperands: argv.slice(end) };
    }
    if (token.startsWith('-') && token.length > 1) {
      if (!token.includes('=') && takesValue(token)) i++;
      continue;
    }
    operands++;
  }
  // The command's own long flags may follow its operands: `find WALK --json -name x`.
  while (i < argv.length && isOwnLongFlag(argv[i]!)) {
    i += !argv[i]!.includes('=') && takesValue(argv[i]!) ? 2 : 1;
  }
  const end = Math.min(i, argv.length);
  if (command.flagsAfterRawOperands !== true) return { flagsAndOperands: argv.slice(0, end), rawOperands: argv.slice(end) };
  let flagsFrom = end;
  while (flagsFrom < argv.length && !isOwnLongFlag(argv[flagsFrom]!)) flagsFrom++;
  return { flagsAndOperands: [...argv.slice(0, end), ...argv.slice(flagsFrom)], rawOperands: argv.slice(end, flagsFrom) };
}

function parseArgsOptions(flags: Flags): Options {
  const options: Options = {};
  for (const [name, f] of Object.entries(flags)) {
    options[name] = { type: f.kind === 'switch' ? 'boolean' : 'string', multiple: f.kind === 'list', ...(f.short === undefined ? {} : { short: f.short }) };
  }
  return options;
}

function argsSchema(operands: CommandDefinition['operands'], flags: Flags): z.ZodType {
  const { min, max, tooFew, tooMany = tooFew } = operands;
  const shape: Record<string, z.ZodType> = { positionals: z.array(z.string()).min(min, tooFew).max(max, tooMany), rawOperands: z.array(z.string()) };
  for (const [name, f] of Object.entries(flags)) shape[name] = f.schema(name);
  return z.object(shape);
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
