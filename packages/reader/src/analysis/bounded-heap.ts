/**
 * The best `capacity` items of a stream, by a ranking: memory is the capacity,
 * not the stream's length, and each offer costs O(log capacity). The heap's root
 * is the lowest-ranked item kept, so most offers are refused after one comparison.
 */
export class BoundedHeap<T> {
  private readonly items: T[] = [];

  /** `ahead(a, b)`: a ranks before b. It must be a strict total order for a stable answer. */
  constructor(
    readonly capacity: number,
    private readonly ahead: (a: T, b: T) => boolean,
  ) {}

  /** The lowest-ranked item kept, once the heap is full (else undefined: anything is taken). */
  threshold(): T | undefined {
    return this.items.length < this.capacity ? undefined : this.items[0];
  }

  offer(item: T): void {
    const items = this.items;
    if (items.length < this.capacity) {
      items.push(item);
      this.siftUp(items.length - 1);
      return;
    }
    if (this.capacity === 0 || !this.ahead(item, items[0]!)) return;
    items[0] = item;
    this.siftDown(0);
  }

  /** Everything kept, best first. */
  ranked(): T[] {
    return [...this.items].sort((a, b) => (this.ahead(a, b) ? -1 : this.ahead(b, a) ? 1 : 0));
  }

  private siftUp(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.ahead(items[parent]!, item)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      let worst = i;
      let worstItem = item;
      const left = 2 * i + 1;
      const right = left + 1;
      if (left < n && this.ahead(worstItem, items[left]!)) {
        worst = left;
        worstItem = items[left]!;
      }
      if (right < n && this.ahead(worstItem, items[right]!)) worst = right;
      if (worst === i) break;
      items[i] = items[worst]!;
      i = worst;
    }
    items[i] = item;
  }
}
