import { CHARACTER_CLASSES, foldAscii, regexLiteral } from './byte-text.js';

/**
 * A shell pattern as fnmatch(3) reads it for find's -name and -path (no FNM_PATHNAME,
 * no FNM_PERIOD: `*` matches '/' and a leading dot), compiled into an anchored RegExp
 * over latin1 strings (one character per byte, as in the C locale). `[` without its
 * `]` is a literal '['; `\x` is a literal x.
 */
export function globRegExp(pattern: string, foldCase: boolean): RegExp {
  const source = foldCase ? foldAscii(pattern) : pattern;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < source.length) out += regexLiteral(source[++i]!);
    else if (c === '[') {
      const bracket = bracketExpression(source, i);
      if (bracket === null) out += regexLiteral(c);
      else {
        out += bracket.source;
        i = bracket.end;
      }
    } else out += regexLiteral(c);
  }
  return new RegExp(`^${out}$`);
}

/** The bracket expression starting at `start` ('['), or null when it has no closing ']'. */
function bracketExpression(pattern: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  let members = '';
  let first = true;
  for (; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (c === ']' && !first) return { source: `[${negated ? '^' : ''}${members}]`, end: i };
    first = false;
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const name = close === -1 ? undefined : pattern.slice(i + 2, close);
      if (name !== undefined && Object.hasOwn(CHARACTER_CLASSES, name)) {
        members += CHARACTER_CLASSES[name];
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i]!;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let high = pattern[i + 2]!;
      let next = i + 2;
      if (high === '\\' && i + 3 < pattern.length) high = pattern[(next = i + 3)]!;
      // A range written backwards matches nothing in fnmatch; a RegExp would refuse it.
      members += c <= high ? `${regexLiteral(c)}-${regexLiteral(high)}` : '';
      i = next;
    } else members += regexLiteral(c);
  }
  return null;
}
