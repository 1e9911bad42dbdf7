import { z } from 'zod';
import type { CliIo } from './io.js';

/**
 * One flag, declared once: how parseArgs reads it, what its value must be (the zod
 * schema, given the flag's name for its messages) and how --help shows it.
 */
export interface FlagDefinition<T = unknown> {
  /** 'switch' takes no value, 'value' takes one, 'list' takes one each time it is given. */
  readonly kind: 'switch' | 'value' | 'list';
  readonly short?: string;
  /** A switch that is on unless --no-NAME is given. */
  readonly negated?: boolean;
  /** What --help shows after the flag: N, FILE, or the choices. */
  readonly placeholder?: string;
  /** The help lines, without the default (added from `defaultText`). */
  readonly help: string;
  readonly defaultText?: string;
  readonly schema: (name: string) => z.ZodType<T>;
}

export type Flags = Record<string, FlagDefinition>;

/**
 * A command's validated arguments: every flag's value by its name, the operands, and
 * the raw operands (empty unless the definition has `rawOperands`).
 */
export type ParsedArgs<F extends Flags> = { positionals: string[]; rawOperands: string[] } & {
  [K in keyof F]: F[K] extends FlagDefinition<infer T> ? T : never;
};

/** What the lazily loaded part of a command exports. */
export interface CommandModule<A> {
  run(args: A, io: CliIo): Promise<number>;
}

/**
 * Everything about one command that is known before its code loads: its name, its
 * help, its operands and flags (from which parsing, validation and --help are made)
 * and where its code is.
 */
export interface CommandDefinition<F extends Flags = Flags> {
  readonly name: string;
  /** After `pwalk-ts` in the usage lines, e.g. `cat WALK [options]`. */
  readonly synopsis: string;
  /** One line in `pwalk-ts --help`. */
  readonly summary: string;
  /** The paragraphs between the usage line and the options. */
  readonly description: string;
  readonly operands: { readonly min: number; readonly max: number; readonly tooFew: string; readonly tooMany?: string };
  /**
   * Raw expression operands (find's `-name x -o ...`): everything after the first
   * `operands.max` operands, except the command's own `--flags` directly after them,
   * is passed as it is in `rawOperands`, never read as flags, so `-name` and `--help`
   * there are the expression's. Those operands are found by `splitRawOperands` (args.ts).
   */
  readonly rawOperands?: true;
  /**
   * With `rawOperands`: the raw operands end at the first of the command's own long
   * flags (`purge WALK -atime +90 --delete --log FILE`); that flag and all after it are
   * read as flags. A name that looks like one of them is written escaped (`-name '\\--log'`).
   */
  readonly flagsAfterRawOperands?: true;
  readonly flags: F;
  /** Rules between flags, checked before the command's code loads. */
  check?(args: ParsedArgs<F>): void;
  /** Work begun once the arguments are valid, to overlap the loading of the command's code (the walk's worker threads). */
  begin?(args: ParsedArgs<F>): void;
  /** What follows the options in --help (exit codes of their own, notes). */
  readonly epilogue?: string;
  load(): Promise<CommandModule<ParsedArgs<F>>>;
}

/** Keeps F's exact type for the command's arguments. */
export function defineCommand<F extends Flags>(definition: CommandDefinition<F>): CommandDefinition<F> {
  return definition;
}

/** Whole numbers from a flag's text: one message for every way it can be wrong (sign, size, fraction, letters). */
function wholeNumber(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got ${text}` });
    return z.NEVER;
  });
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** The bytes a size such as 512MB or 4GiB means (a bare number is bytes when `bare`); NaN when it is none. */
function sizeBytes(text: string, bare: boolean): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(text);
  if (m === null || (m[2] === undefined && !bare)) return NaN;
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'B').toUpperCase()]!);
}

/**
 * A size such as 512MB or 4GiB, kept as its text (DuckDB reads it). Bounded, so
 * that DuckDB never answers in its own words ("Failed to set config" past 2^64
 * bytes, an out-of-memory error below a few KB).
 */
function sizeText(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const bytes = sizeBytes(text, false);
    if (bytes >= min && bytes <= max) return text;
    ctx.addIssue({ code: 'custom', message: `must be a size from ${min / 1e6}MB to ${max / 1e15}PB such as 512MB or 4GB, got ${text}` });
    return z.NEVER;
  });
}

/**
 * A byte count such as 500000, 10GiB or 1.5TB, as an exact bigint: digits alone are
 * bytes; a fraction of a unit is rounded down to a whole byte.
 */
function byteCount() {
  return z.string().transform((text, ctx) => {
    const m = /^(\d+)(?:\.(\d+))?\s*([KMGT]i?B|B)?$/i.exec(text);
    if (m === null || (m[2] !== undefined && m[3] === undefined)) {
      ctx.addIssue({ code: 'custom', message: `must be a byte count such as 500000, 10GiB or 1.5TB, got ${text}` });
      return z.NEVER;
    }
    const unit = BigInt(SIZE_UNITS[(m[3] ?? 'B').toUpperCase()]!);
    const fraction = m[2] ?? '';
    return (BigInt(m[1]! + fraction) * unit) / 10n ** BigInt(fraction.length);
  });
}

function listed(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

/** The kinds of flag every command is made of. */
export const flag = {
  /** Off unless given. */
  switch(help: string, short?: string): FlagDefinition<boolean> {
    return { kind: 'switch', short, help, schema: () => z.boolean().default(false) };
  },
  /** On unless --no-NAME is given. */
  negated(help: string): FlagDefinition<boolean> {
    return { kind: 'switch', negated: true, help, schema: () => z.boolean().default(true) };
  },
  text: textFlag,
  /** A value that may be given again: every one, in order. */
  list(placeholder: string, help: string): FlagDefinition<string[]> {
    return { kind: 'list', placeholder, help, schema: () => z.array(z.string()).default([]) };
  },
  integer: wholeNumberFlag,
  choice: choiceFlag,
  /** A size such as 512MB, kept as its text. */
  size(placeholder: string, min: number, max: number, help: string, initial: string): FlagDefinition<string> {
    return { kind: 'value', placeholder, help, defaultText: initial, schema: () => sizeText(min, max).default(initial) };
  },
  /** A byte count (bigint), absent unless given. */
  bytes(placeholder: string, help: string): FlagDefinition<bigint | undefined> {
    return { kind: 'value', placeholder, help, schema: () => byteCount().optional() };
  },
};

/** A whole number from `min` to `max`; absent unless given, or `initial`. */
function wholeNumberFlag(placeholder: string, min: number, max: number, help: string): FlagDefinition<number | undefined>;
function wholeNumberFlag(placeholder: string, min: number, max: number, help: string, initial: number): FlagDefinition<number>;
function wholeNumberFlag(placeholder: string, min: number, max: number, help: string, initial?: number): FlagDefinition<number | undefined> {
  const schema = initial === undefined ? wholeNumber(min, max).optional() : wholeNumber(min, max).default(initial);
  return { kind: 'value', placeholder, help, defaultText: initial === undefined ? undefined : String(initial), schema: () => schema };
}

/** A text value, absent unless given; `required` is the message when it is missing. */
function textFlag(placeholder: string, help: string, options?: { short?: string }): FlagDefinition<string | undefined>;
function textFlag(placeholder: string, help: string, options: { short?: string; required: string }): FlagDefinition<string>;
function textFlag(placeholder: string, help: string, options: { short?: string; required?: string } = {}): FlagDefinition<string | undefined> {
  const schema = options.required === undefined ? z.string().optional() : z.string({ message: options.required });
  return { kind: 'value', short: options.short, placeholder, help, schema: () => schema };
}

/** One of `choices`: `initial` when not given, or absent when `initial` is null. */
function choiceFlag<const C extends readonly [string, ...string[]]>(choices: C, help: string, initial: null): FlagDefinition<C[number] | undefined>;
function choiceFlag<const C extends readonly [string, ...string[]]>(choices: C, help: string, initial: C[number]): FlagDefinition<C[number]>;
function choiceFlag<const C extends readonly [string, ...string[]]>(
  choices: C,
  help: string,
  initial: C[number] | null,
): FlagDefinition<C[number] | undefined> {
  const schema = (name: string): z.ZodType<C[number] | undefined> => {
    const value = z.enum(choices, { message: `${name} must be ${listed(choices)}` }) as z.ZodType<C[number]>;
    return initial === null ? value.optional() : value.default(initial);
  };
  return { kind: 'value', placeholder: choices.join('|'), help, defaultText: initial ?? undefined, schema };
}
