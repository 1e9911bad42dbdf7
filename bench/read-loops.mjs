// The reading loops the reader benchmarks time (reader.mjs, format-decode.mjs), one
// place for each: each returns the number of entries read.

/** records() with nothing read: what every consumer pays. */
export async function iterateRecords(walk) {
  let n = 0;
  for await (const entry of walk.records()) n += entry === undefined ? 0 : 1;
  return n;
}

/** A typical audit loop over records(): owner, type and size of every entry. */
export async function auditRecords(walk) {
  let n = 0;
  let bytes = 0n;
  for await (const e of walk.records()) {
    n++;
    if (e.type === 'file' && e.uid !== null) bytes += e.size;
  }
  // The sum is what the loop is for; returning only the count would let it go unused.
  return bytes >= 0n ? n : 0;
}

/** The same loop over recordBatches(): one await per block instead of per entry. */
export async function auditBatches(walk) {
  let n = 0;
  let bytes = 0n;
  for await (const batch of walk.recordBatches()) {
    for (const e of batch) {
      n++;
      if (e.type === 'file' && e.uid !== null) bytes += e.size;
    }
  }
  return bytes >= 0n ? n : 0;
}

/** The audit loop over recordBatches() with sizes summed as exact numbers (exactSize: no BigInt per entry). */
export async function auditBatchesExact(walk, exactSize) {
  let n = 0;
  let bytes = 0;
  let big = 0n;
  for await (const batch of walk.recordBatches()) {
    for (const e of batch) {
      n++;
      if (e.type === 'file' && e.uid !== null) {
        const size = exactSize(e);
        if (typeof size === 'number') bytes += size;
        else big += size;
      }
    }
  }
  return bytes >= 0 && big >= 0n ? n : 0;
}

/** The same loop over entryBlocks(), the column view: each field read in place, no entry object and no BigInt. */
export async function auditBlocks(walk) {
  let n = 0;
  let bytes = 0;
  let big = 0n;
  for await (const block of walk.entryBlocks()) {
    for (let i = 0; i < block.length; i++) {
      n++;
      if (block.type(i) === 'file' && block.uid(i) !== null) {
        const size = block.size(i);
        if (typeof size === 'number') bytes += size;
        else big += size;
      }
    }
  }
  return bytes >= 0 && big >= 0n ? n : 0;
}
