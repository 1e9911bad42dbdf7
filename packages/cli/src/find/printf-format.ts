import type { OwnerNames, WalkEntry } from '@pwalk-ts/reader';
import { UsageError } from '../errors.js';
import { modeString } from './file-mode.js';
import { timeDirective, TIME_LETTERS } from './time-directive.js';

/** What a -printf directive may read beyond the entry. */
export interface PrintfSource {
  readonly rootArgument: Buffer;
  readonly owners: OwnerNames;
}

/** A compiled -printf format. */
export interface PrintfFormat {
  readonly needsFullAttributes: boolean;
  render(entry: WalkEntry, source: PrintfSource): Buffer;
}

type Piece = Buffer | ((entry: WalkEntry, source: PrintfSource) => Buffer | string);

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v' };
const SLASH = 0x2f;
const TYPE_LETTER: Readonly<Record<WalkEntry['type'], string>> = {
  file: 'f',
  dir: 'd',
  symlink: 'l',
  fifo: 'p',
  socket: 's',
  char: 'c',
  block: 'b',
  unknown: 'U',
};
/** Directives that read a field a --compact walk does not record (the atime and ctime ones: below, by field). */
const FULL_ATTRIBUTES = new Set(['b', 'k', 'm', 'M', 'u', 'g', 'U', 'G', 'n', 'D']);

/** The trailing-slash-kept last component, as find's %f shows a starting point ('d/' for 'd//'). */
function rootBaseName(root: Buffer): Buffer {
  let end = root.length;
  while (end > 1 && root[end - 1] === SLASH) end--;
  const start = root.lastIndexOf(SLASH, end - 1) + 1;
  if (end === 1 && root[0] === SLASH) return root.subarray(0, 1);
  return end < root.length ? Buffer.concat([root.subarray(start, end), Buffer.from('/')]) : root.subarray(start, end);
}

/**
 * Where %h of a starting point ends, as find prints it: the root's directory part when
 * it has one before its trailing slashes ('/a/b//' -> '/a'), else up to its last slash
 * ('d/' -> 'd', 'd//' -> 'd/'); -1 when it has no slash ('d' -> '.').
 */
function rootDirectoryEnd(root: Buffer): number {
  let end = root.length;
  while (end > 0 && root[end - 1] === SLASH) end--;
  const inner = root.lastIndexOf(SLASH, end - 1);
  return end > 0 && inner !== -1 ? inner : root.lastIndexOf(SLASH);
}

function bytesOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The directives without a time: each gives the bytes or text find prints for it. */
const DIRECTIVES: Readonly<Record<string, (entry: WalkEntry, source: PrintfSource) => Buffer | string>> = {
  p: (e) => bytesOf(e.pathBytes),
  P: (e) => bytesOf(e.relativePathBytes),
  H: (_, s) => s.rootArgument,
  f: (e, s) => {
    const relative = bytesOf(e.relativePathBytes);
    return relative.length === 0 ? rootBaseName(s.rootArgument) : relative.subarray(relative.lastIndexOf(SLASH) + 1);
  },
  h: (e) => {
    const path = bytesOf(e.pathBytes);
    const relative = e.relativePathBytes;
    // Below the root, the directory part ends at the slash before the name (so a root's trailing slashes but one stay).
    const slash = relative.length === 0 ? rootDirectoryEnd(path) : path.length - relative.length + relative.lastIndexOf(SLASH);
    return slash === -1 ? '.' : path.subarray(0, slash);
  },
  s: (e) => String(e.size),
  b: (e) => String(e.blocks),
  k: (e) => String((e.blocks! + 1n) / 2n),
  m: (e) => (e.mode! & 0o7777).toString(8),
  M: (e) => modeString(e.mode!),
  u: (e, s) => s.owners.user(e.uid!),
  g: (e, s) => s.owners.group(e.gid!),
  U: (e) => String(e.uid),
  G: (e) => String(e.gid),
  i: (e) => String(e.inode),
  n: (e) => String(e.nlink),
  d: (e) => String(e.depth),
  D: (e) => String(e.dev),
  y: (e) => TYPE_LETTER[e.type],
};

/** %a, %c, %t: ctime(3)'s form with find's fraction; %A, %C, %T take a letter. */
const TIME_FIELDS: Readonly<Record<string, 'atime' | 'ctime' | 'mtime'>> = { a: 'atime', c: 'ctime', t: 'mtime', A: 'atime', C: 'ctime', T: 'mtime' };

/**
 * Compiles a -printf format as GNU find reads it: directives %p %P %f %h %H %s %k %b
 * %m %M %u %g %U %G %i %n %d %D %y %a %c %t %A? %C? %T? %%, each with an optional
 * `-` flag, width and precision; escapes \n \t \0 \\ \a \b \f \r \v \c (stop) and
 * octal \NNN. What the walk does not record (%l: a symlink's target, %Y, %F, %S) and
 * what find itself only warns about are refused, so no output is silently wrong.
 */
export function compilePrintf(format: string): PrintfFormat {
  const pieces: Piece[] = [];
  let literal = '';
  let needsFullAttributes = false;
  let stops = false;
  const flushLiteral = (): void => {
    if (literal !== '') pieces.push(Buffer.from(literal, 'latin1'));
    literal = '';
  };
  const raw = Buffer.from(format, 'utf8').toString('latin1');
  for (let i = 0; i < raw.length && !stops; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const n = raw[++i];
      if (n === undefined) throw new UsageError(`-printf: the format '${format}' ends in a lone backslash`);
      const octal = /^[0-7]{1,3}/.exec(raw.slice(i));
      if (n === 'c') stops = true;
      else if (octal !== null) {
        literal += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length - 1;
      } else if (Object.hasOwn(ESCAPES, n)) literal += ESCAPES[n];
      else throw new UsageError(`-printf: unrecognized escape '\\${n}'`);
    } else if (c === '%') {
      const m = /^(-?)(\d*)(?:\.(\d+))?(.)/s.exec(raw.slice(i + 1));
      if (m === null) throw new UsageError(`-printf: the format '${format}' ends in a lone %`);
      const [whole, left, width, precision, letter] = m as unknown as [string, string, string, string | undefined, string];
      i += whole.length;
      if (letter === '%') {
        literal += '%';
        continue;
      }
      let directive = Object.hasOwn(DIRECTIVES, letter) ? DIRECTIVES[letter]! : undefined;
      let directiveName = letter;
      if (directive === undefined && Object.hasOwn(TIME_FIELDS, letter)) {
        const field = TIME_FIELDS[letter]!;
        let form = '';
        if (letter === 'A' || letter === 'C' || letter === 'T') {
          form = raw[++i] ?? '';
          if (!TIME_LETTERS.has(form)) throw new UsageError(`-printf: unrecognized time form '%${letter}${form}'`);
          directiveName += form;
        }
        directive = (e) => timeDirective(e[`${field}Exact`]!, form);
        needsFullAttributes ||= field !== 'mtime';
      }
      if (directive === undefined) {
        if (letter === 'l' || letter === 'Y' || letter === 'F' || letter === 'S') {
          throw new UsageError(`-printf: %${letter} needs what the walk does not record (a symlink's target, a filesystem's type or sparseness)`);
        }
        throw new UsageError(`-printf: unrecognized format directive '%${letter}'`);
      }
      needsFullAttributes ||= FULL_ATTRIBUTES.has(directiveName);
      flushLiteral();
      pieces.push(padded(directive, left === '-', width === '' ? 0 : Number(width), precision === undefined ? undefined : Number(precision)));
    } else literal += c;
  }
  flushLiteral();
  return {
    needsFullAttributes,
    render(entry, source) {
      if (pieces.length === 1 && Buffer.isBuffer(pieces[0])) return pieces[0];
      return Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : toBuffer(p(entry, source)))));
    },
  };
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** A directive with printf's `-`, width and precision applied to its bytes, as find's %Ns does. */
function padded(directive: (e: WalkEntry, s: PrintfSource) => Buffer | string, left: boolean, width: number, precision: number | undefined): Piece {
  if (width === 0 && precision === undefined) return directive;
  return (entry, source) => {
    let bytes = toBuffer(directive(entry, source));
    if (precision !== undefined && bytes.length > precision) bytes = bytes.subarray(0, precision);
    if (bytes.length >= width) return bytes;
    const pad = Buffer.alloc(width - bytes.length, ' ');
    return left ? Buffer.concat([bytes, pad]) : Buffer.concat([pad, bytes]);
  };
}
