import { isEmptyOrDots } from './relative-path.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Checks the names and directory paths of one format-2 block as its cursor reads them
 * (FORMAT.md 7.3, 7.4), without joining a path: a name is one component; a header's
 * path is components none empty, `.` or `..`. For the current path it keeps where each
 * component starts and how many '.' begin it: a header drops the components after its
 * shared bytes and checks only the one it continues and those of its suffix.
 * Perf: '/' is found by the native search, one call per '/' in the payload (one per 18
 * records on /usr); a byte loop over every name, or a copy of every suffix to check
 * paths whole, cost 2 to 7% of decoding each.
 */
export class FramePaths {
  /** Where the payload's next '/' is, at or after the last name or suffix checked (its length when none). */
  private nextSlash = -1;
  /** The current path's components: where each starts in it, and how many '.' begin it (at most 3). */
  private starts = new Int32Array(16);
  private dots = new Uint8Array(16);
  private components = 0;

  constructor(private readonly payload: Uint8Array) {}

  /** Whether the name at payload bytes [from, to) is one component; `root` allows the root's (empty) name. */
  isName(from: number, to: number, root: boolean): boolean {
    if (this.slashIn(from, to)) return false;
    return to - from > 2 || !isEmptyOrDots(this.payload, from, to) || (root && to === from);
  }

  /**
   * Makes the current path its first `shared` bytes and the `suffix` bytes at
   * `suffixAt`; whether it is below the root (or the root: the empty path).
   */
  enter(shared: number, suffixAt: number, suffix: number): boolean {
    if (shared + suffix === 0) {
      this.components = 0;
      return true;
    }
    const p = this.payload;
    let n = this.components;
    while (n > 0 && this.starts[n - 1]! > shared) n--;
    // The component the suffix continues: the last one kept (only cut short), or the path's first.
    let index = n === 0 ? 0 : n - 1;
    let start = n === 0 ? 0 : this.starts[index]!;
    let dots = n === 0 ? 0 : Math.min(this.dots[index]!, shared - start);
    let allDots = dots === shared - start;
    const end = suffixAt + suffix;
    for (let at = suffixAt, pathAt = shared; ; index++) {
      const slash = this.slashIn(at, end) ? this.nextSlash : end;
      if (allDots) {
        let k = at;
        for (; k < slash && dots < 3 && p[k] === DOT; k++) dots++;
        allDots = k === slash;
      }
      const length = pathAt + (slash - at) - start;
      if (length === 0 || (length <= 2 && allDots)) return false;
      this.keep(index, start, dots);
      if (slash === end) break;
      pathAt += slash + 1 - at;
      at = slash + 1;
      start = pathAt;
      dots = 0;
      allDots = true;
    }
    this.components = index + 1;
    return true;
  }

  /** Whether payload bytes [from, to) hold a '/'; `from` never below an earlier call's. */
  private slashIn(from: number, to: number): boolean {
    if (this.nextSlash < from) {
      const at = this.payload.indexOf(SLASH, from);
      this.nextSlash = at < 0 ? this.payload.length : at;
    }
    return this.nextSlash < to;
  }

  private keep(index: number, start: number, dots: number): void {
    if (index === this.starts.length) {
      const starts = new Int32Array(index * 2);
      starts.set(this.starts);
      this.starts = starts;
      const leading = new Uint8Array(index * 2);
      leading.set(this.dots);
      this.dots = leading;
    }
    this.starts[index] = start;
    this.dots[index] = dots;
  }
}
