/** The directory paths of a block start in this many bytes, doubled as needed. */
const INITIAL_ARENA = 64 * 1024;
/**
 * A block's headers are first given room for one per this many payload bytes, and more
 * when they need it. Perf: one per 254 bytes on the bench corpus and 358 on /usr; room
 * for one per 32 was zeroing 0.8 MB of header arrays per block, 2% of decoding
 * (41 -> 9 ms of a 1.8 s profile).
 */
const BYTES_PER_HEADER = 128;

/**
 * The directory headers of one format-2 block (FORMAT.md 7.3), in order: each one's
 * path is front-coded against the one before (its first `shared` bytes, then a suffix
 * from the payload), and its inode. Paths are joined in one arena, each header's
 * (no trailing '/') at start(h), and only when first asked for, for that header and
 * those before it. Perf: a header comes with nearly every other item on the bench
 * corpus (900 k for 1 M records, 6 per directory as the batched engine interleaves
 * them); joining each path as it was read was a fifth of decoding, and a reader of
 * sizes and owners asks for no path.
 */
export class FrameDirectories {
  count = 0;
  /** Per header: bytes shared with the previous path, where its suffix is in the payload, its path's length and inode (NaN: the bigint in `bigIno`). */
  private shared: Uint32Array;
  private suffixAt: Uint32Array;
  private lengths: Uint32Array;
  private inos: Float64Array;
  private bigIno: Map<number, bigint> | null = null;
  /** Where each path joined so far starts in the arena: headers [0, joined). */
  private starts: Uint32Array;
  private joined = 0;
  #arena: Uint8Array;
  private arenaEnd = 0;

  constructor(private readonly payload: Uint8Array) {
    const headers = Math.max(16, payload.length / BYTES_PER_HEADER) | 0;
    this.shared = new Uint32Array(headers);
    this.suffixAt = new Uint32Array(headers);
    this.lengths = new Uint32Array(headers);
    this.inos = new Float64Array(headers);
    this.starts = new Uint32Array(headers);
    this.#arena = new Uint8Array(Math.min(payload.length, INITIAL_ARENA));
  }

  /** Adds a header read from the payload; `ino` is NaN when past 2^53, with `big` its value. */
  add(shared: number, suffixAt: number, suffixLength: number, ino: number, big: bigint): void {
    if (this.count === this.shared.length) this.grow();
    const h = this.count++;
    this.shared[h] = shared;
    this.suffixAt[h] = suffixAt;
    this.lengths[h] = shared + suffixLength;
    this.inos[h] = ino;
    if (ino !== ino) (this.bigIno ??= new Map()).set(h, big);
  }

  /** Header h's path length. */
  length(h: number): number {
    return this.lengths[h]!;
  }

  /** Header h's inode: an exact number below 2^53, else a bigint. */
  ino(h: number): number | bigint {
    const v = this.inos[h]!;
    return v === v ? v : this.bigIno!.get(h)!;
  }

  /** The arena holding the joined paths; a later start() may move them to a larger one (the old one keeps its bytes). */
  get arena(): Uint8Array {
    return this.#arena;
  }

  /** Where header h's path starts in the arena, joining it (and those before it) first. */
  start(h: number): number {
    while (this.joined <= h) this.join(this.joined++);
    return this.starts[h]!;
  }

  /** Header h's path bytes: a view of the arena. */
  path(h: number): Uint8Array {
    const at = this.start(h);
    return this.#arena.subarray(at, at + this.lengths[h]!);
  }

  /**
   * Joins header h's path, the one before it joined. Up the tree (no suffix), the path
   * is the start of the previous one: no copy. Down from the path joined last, the
   * suffix goes after it. Else the shared start is copied to the end first.
   */
  private join(h: number): void {
    const shared = this.shared[h]!;
    const suffix = this.lengths[h]! - shared;
    const from = h === 0 ? 0 : this.starts[h - 1]!;
    if (suffix === 0) {
      this.starts[h] = from;
      return;
    }
    const at = from + shared === this.arenaEnd ? from : this.arenaEnd;
    const end = at + shared + suffix;
    if (end > this.#arena.length) this.growArena(end);
    const a = this.#arena;
    if (at !== from) a.copyWithin(at, from, from + shared);
    const p = this.payload;
    const suffixAt = this.suffixAt[h]!;
    for (let i = 0, to = at + shared; i < suffix; i++) a[to + i] = p[suffixAt + i]!;
    this.arenaEnd = end;
    this.starts[h] = at;
  }

  private grow(): void {
    const n = this.shared.length * 2;
    this.shared = grown(this.shared, new Uint32Array(n));
    this.suffixAt = grown(this.suffixAt, new Uint32Array(n));
    this.lengths = grown(this.lengths, new Uint32Array(n));
    this.inos = grown(this.inos, new Float64Array(n));
    this.starts = grown(this.starts, new Uint32Array(n));
  }

  private growArena(least: number): void {
    const bigger = new Uint8Array(Math.max(least, this.#arena.length * 2));
    bigger.set(this.#arena.subarray(0, this.arenaEnd));
    this.#arena = bigger;
  }
}

/** `to` holding `from`'s values first. */
export function grown<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
