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
