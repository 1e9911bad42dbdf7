import { UsageError } from '../errors.js';
import { foldAscii, regexLiteral } from './byte-text.js';

const WORD = 'A-Za-z0-9_';

/**
 * A regular expression in GNU find's default dialect (`-regextype emacs`, GNU regex's
 * RE_SYNTAX_EMACS), compiled into a JavaScript RegExp over latin1 strings (one
 * character per byte) that must match the whole path, as find's -regex does.
 *
 * The dialect: `.` any byte but newline; `*`, `+`, `?` repeat (literal at the start of
 * the expression, of a group or of an alternative); `[...]` and `[^...]` sets with
 * ranges (no `[:class:]`: `[[:alpha:]]` is the set `[:alph` followed by `a]`, as in
 * find); `\(...\)` groups, `\|` alternation, `\1`-`\9` back-references; `^` and `$`
 * anchors only at the start and end of the expression, a group or an alternative;
 * `\w`, `\W`, `\b`, `\B`, `\<`, `\>`, `` \` ``, `\'`. `{`, `|`, `(` and `)` are
 * literals; `\{` is a literal '{' (the dialect has no intervals).
 */
export function emacsRegExp(expression: string, foldCase: boolean, predicate: string): RegExp {
  const source = foldCase ? foldAscii(expression) : expression;
  let out = '';
  // True where a repetition operator would have nothing to repeat, so it is literal.
  let atStart = true;
  let groups = 0;
  let open = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const wasStart: boolean = atStart;
    atStart = false;
    if (c === '\\') {
      const n = source[++i];
      if (n === undefined) throw new UsageError(`${predicate}: trailing backslash in the regular expression '${expression}'`);
      if (n === '(') {
        out += '(';
        groups++;
        open++;
        atStart = true;
      } else if (n === ')') {
        if (open === 0) throw new UsageError(`${predicate}: unmatched \\) in the regular expression '${expression}'`);
        out += ')';
        open--;
      } else if (n === '|') {
        out += '|';
        atStart = true;
      } else if (n >= '1' && n <= '9') {
        if (Number(n) > groups) throw new UsageError(`${predicate}: invalid back reference \\${n} in the regular expression '${expression}'`);
        out += `\\${n}`;
      } else if (n === 'w') out += `[${WORD}]`;
      else if (n === 'W') out += `[^${WORD}]`;
      else if (n === 'b') out += `(?:(?<![${WORD}])(?=[${WORD}])|(?<=[${WORD}])(?![${WORD}]))`;
      else if (n === 'B') out += `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      else if (n === '<') out += `(?<![${WORD}])(?=[${WORD}])`;
      else if (n === '>') out += `(?<=[${WORD}])(?![${WORD}])`;
      else if (n === '`') out += '(?<![\\s\\S])';
      else if (n === "'") out += '(?![\\s\\S])';
      else out += regexLiteral(n);
    } else if (c === '*' || c === '+' || c === '?') {
      if (wasStart) {
        out += regexLiteral(c);
      } else {
        // `a**` and `a+?` are one repetition in GNU regex; JavaScript reads `+?` as lazy, which matches the same whole paths.
        const previous = out.at(-1);
        out += previous === '*' || previous === '+' || previous === '?' ? '' : c;
      }
    } else if (c === '^') {
      out += wasStart ? '^' : regexLiteral(c);
      atStart = wasStart;
    } else if (c === '$') {
      const next = source.slice(i + 1, i + 3);
      out += i === source.length - 1 || next === '\\)' || next === '\\|' ? '$' : regexLiteral(c);
    } else if (c === '.') out += '[^\\n]';
    else if (c === '[') {
      const close = setEnd(source, i);
      if (close === -1) throw new UsageError(`${predicate}: unmatched [ in the regular expression '${expression}'`);
      out += setSource(source.slice(i + 1, close));
      i = close;
    } else out += regexLiteral(c);
  }
  if (open > 0) throw new UsageError(`${predicate}: unmatched \\( in the regular expression '${expression}'`);
  return new RegExp(`^(?:${out})$`);
}

/** Where the set opened at `start` closes: the first ']' after `[`, `[^` and a ']' right after them. */
function setEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  return source.indexOf(']', i);
}

/** A set's members (backslash is a literal inside a set in this dialect). */
function setSource(members: string): string {
  let out = '';
  let i = 0;
  if (members[0] === '^') {
    out += '^';
    i = 1;
  }
  for (; i < members.length; i++) {
    const c = members[i]!;
    if (members[i + 1] === '-' && i + 2 < members.length) {
      const high = members[i + 2]!;
      if (c > high) throw new UsageError(`invalid range end ${c}-${high} in a regular expression`);
      out += `${regexLiteral(c)}-${regexLiteral(high)}`;
      i += 2;
    } else out += regexLiteral(c);
  }
  return `[${out}]`;
}
