import { isBelowRoot } from '@pwalk-ts/reader';

const SLASH = 0x2f;

/** A path below a root, split where a purge opens its parent and acts on its name. */
export interface BelowRoot {
  readonly parent: Uint8Array;
  readonly name: Uint8Array;
}

/**
 * Splits a record's relative path into parent and name, or null when it would not
 * stay below the root: empty, absolute, or with an empty, `.` or `..` component. A
 * walk never records such a path; a damaged or forged one might.
 */
export function belowRoot(relative: Uint8Array): BelowRoot | null {
  if (!isBelowRoot(relative)) return null;
  const slash = relative.lastIndexOf(SLASH);
  return { parent: relative.subarray(0, Math.max(slash, 0)), name: relative.subarray(slash + 1) };
}

/** True when `relative` is `prefix` or lies below it. */
export function isWithin(relative: Uint8Array, prefix: Uint8Array): boolean {
  if (relative.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (relative[i] !== prefix[i]) return false;
  return relative.length === prefix.length || relative[prefix.length] === SLASH;
}
