/** Marks a bigint in JSON.stringify's output; no string value holds U+0000 (paths and names cannot). */
const MARK = '\u0000';
const MARKED = /"\\u0000(-?\d+)"/g;

/**
 * JSON with every bigint written as an exact integer, however large (the project's
 * JSON contract: parse with a bigint-aware parser where 2^53 matters). Only our
 * marker can produce the quoted `\u0000` text the second pass looks for: a real
 * U+0000 is never in a path or name, and a literal backslash in one is doubled.
 */
export function exactJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v), indent).replace(MARKED, '$1');
}
