import { CHARACTER_CLASSES, regexLiteral } from './byte-text.js';

/**
 * A shell pattern as fnmatch(3) reads it for find's -name and -path (no FNM_PATHNAME,
 * no FNM_PERIOD: `*` matches '/' and a leading dot), compiled into an anchored RegExp
 * over latin1 strings (one character per byte, as in the C locale). `[` without its
 * `]` is a literal '['; `\x` is a literal x. Folded (FNM_CASEFOLD: -iname, -ipath), a
 * letter or range takes both cases while a class such as [:upper:] still tests the
 * name's own character, as glibc's fnmatch does.
 */
export function globRegExp(pattern: string, foldCase: boolean): RegExp {
  const source = pattern;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < source.length) out += literal(source[++i]!, foldCase);
    else if (c === '[') {
      const bracket = bracketExpression(source, i, foldCase);
      if (bracket === null) out += literal(c, foldCase);
      else {
        out += bracket.source;
        i = bracket.end;
      }
    } else out += literal(c, foldCase);
  }
  return new RegExp(`^${out}$`);
}

function literal(c: string, foldCase: boolean): string {
  const other = otherCase(c);
  return foldCase && other !== c ? `[${c}${other}]` : regexLiteral(c);
}

/** An ASCII letter in the other case; anything else as it is. */
function otherCase(c: string): string {
  return /[a-z]/.test(c) ? c.toUpperCase() : /[A-Z]/.test(c) ? c.toLowerCase() : c;
}

/** A range's members, with the other case of its letters when folded. */
function rangeMembers(low: string, high: string, foldCase: boolean): string {
  // A range written backwards matches nothing in fnmatch; a RegExp would refuse it.
  if (low > high) return '';
  let members = `${regexLiteral(low)}-${regexLiteral(high)}`;
  if (!foldCase) return members;
  for (const [a, z] of [
    ['a', 'z'],
    ['A', 'Z'],
  ] as const) {
    const from = low > a ? low : a;
    const to = high < z ? high : z;
    if (from <= to) members += `${otherCase(from)}-${otherCase(to)}`;
  }
  return members;
}

/** The bracket expression starting at `start` ('['), or null when it has no closing ']'. */
function bracketExpression(pattern: string, start: number, foldCase: boolean): { source: string; end: number } | null {
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
      members += rangeMembers(c, high, foldCase);
      i = next;
    } else members += foldCase ? [...new Set([c, otherCase(c)])].map(regexLiteral).join('') : regexLiteral(c);
  }
  return null;
}
