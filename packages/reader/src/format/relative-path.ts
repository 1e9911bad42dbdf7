const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * True when `relative` names something below a walk's root: one or more components
 * separated by single slashes, none empty, `.` or `..` (so not absolute either). A
 * walk never records another path; a damaged or forged record might, and reading or
 * acting on it would leave the root.
 */
export function isBelowRoot(relative: Uint8Array): boolean {
  let start = 0;
  for (let i = 0; i <= relative.length; i++) {
    if (i < relative.length && relative[i] !== SLASH) continue;
    const length = i - start;
    if (length === 0 || (relative[start] === DOT && (length === 1 || (length === 2 && relative[start + 1] === DOT)))) return false;
    start = i + 1;
  }
  return true;
}
