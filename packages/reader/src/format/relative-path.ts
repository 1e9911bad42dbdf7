const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Whether bytes [from, to) are empty, `.` or `..`: no name a walk records. A damaged or
 * forged record might hold one, and reading or acting on its path would leave the root.
 */
export function isEmptyOrDots(bytes: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  return length === 0 || (bytes[from] === DOT && (length === 1 || (length === 2 && bytes[from + 1] === DOT)));
}

/**
 * True when bytes [from, to) of `relative` name something below a walk's root: one or
 * more components, none empty, `.` or `..`, separated by single slashes (so not absolute either).
 */
export function isBelowRoot(relative: Uint8Array, from = 0, to = relative.length): boolean {
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && relative[i] !== SLASH) continue;
    if (isEmptyOrDots(relative, start, i)) return false;
    start = i + 1;
  }
  return true;
}

/**
 * Checks the non-empty paths of one format-1 payload, in the order they lie in it, for
 * what would lead a reader out of the root: a leading '/' or a `..` component (FORMAT.md
 * 3.6; an empty or `.` component stays inside). Perf: ".." is found by the native
 * search once per place it is in the payload (it starts at a '.', one or two a record);
 * a byte loop over every path halved format 1's decoding (8.4 -> 4.4 M records per
 * CPU-second on /usr), and searching "/." or "//" (a '/' starts them, several a path)
 * nearly as much.
 */
export class RootEscapeScanner {
  /** Where the payload's next ".." is, at or after the last path checked (its length when none). */
  private dots = -1;

  constructor(private readonly payload: Buffer) {}

  /** Whether bytes [from, to) (to > from, from past the last path checked) leave the root. */
  escapes(from: number, to: number): boolean {
    const p = this.payload;
    if (p[from] === SLASH) return true;
    if (this.dots < from) this.dots = this.find(from);
    for (; this.dots + 1 < to; this.dots = this.find(this.dots + 1)) {
      const at = this.dots;
      if ((at === from || p[at - 1] === SLASH) && (at + 2 === to || p[at + 2] === SLASH)) return true;
    }
    return false;
  }

  private find(from: number): number {
    const at = this.payload.indexOf('..', from, 'latin1');
    return at < 0 ? this.payload.length : at;
  }
}
