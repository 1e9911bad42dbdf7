/**
 * The one JSON writer of every `--json` output: JSON.stringify's rules (toJSON,
 * undefined members left out, indentation), except that a bigint is written as an
 * exact integer, however large (the project's JSON contract: parse with a
 * bigint-aware parser where 2^53 matters), and a `JsonNumberText` as its digits (a
 * SQL DECIMAL). Lines of one fixed shape (ndjson, `sql --json` rows) may frame their
 * members by hand, but every value goes through scalarJson or exactJson.
 */
export function exactJson(value: unknown, indent = 0): string {
  return writeValue(value, ' '.repeat(indent), '') ?? 'null';
}

/** A number already written as JSON text, kept digit for digit. */
export class JsonNumberText {
  constructor(readonly text: string) {}
}

/**
 * A string, number, bigint, boolean or null as exactJson writes it; undefined for
 * anything else. Perf: `cat`'s ndjson lines are a template of these (a loop over
 * member names cost 10-40% more per line), so it stays small enough to inline.
 */
export function scalarJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  return value === null ? 'null' : undefined;
}

function writeValue(value: unknown, step: string, at: string): string | undefined {
  if (typeof value !== 'object' || value === null) return scalarJson(value);
  if (value instanceof JsonNumberText) return value.text;
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return writeValue(toJson.call(value), step, at);
  const inner = at + step;
  const open = step === '' ? '' : '\n' + inner;
  const between = step === '' ? ',' : ',\n' + inner;
  const close = step === '' ? '' : '\n' + at;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + open + value.map((v: unknown) => writeValue(v, step, inner) ?? 'null').join(between) + close + ']';
  }
  const colon = step === '' ? ':' : ': ';
  const members: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const text = writeValue(v, step, inner);
    if (text !== undefined) members.push(JSON.stringify(key) + colon + text);
  }
  return members.length === 0 ? '{}' : '{' + open + members.join(between) + close + '}';
}

const INTEGER_MARK = '\u0000';
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Reads what exactJson wrote: every integer comes back as a bigint (exact at any
 * size), other numbers as numbers. Strings are stepped over by a small scanner, so
 * digits inside a path are never touched; an integer becomes a string starting with NUL,
 * which no path or name holds.
 */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      if (token === undefined) throw new SyntaxError(`not JSON at character ${i}`);
      out += /^-?\d+$/.test(token) ? `"\\u0000${token}"` : token;
      i += token.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(INTEGER_MARK) ? BigInt(value.slice(1)) : value));
}
