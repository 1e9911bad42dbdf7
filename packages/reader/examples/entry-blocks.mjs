// The column view: a block of rows at a time, each field read in place, no object per entry.
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
const bytesByUid = new Map();
let errors = 0;
for await (const block of walk.entryBlocks()) {
  errors += block.errors.length;
  for (let i = 0; i < block.length; i++) {
    if (block.type(i) !== 'file') continue;
    const uid = block.uid(i);
    // size(i) is a number below 2^53, else a bigint: BigInt() sums either exactly.
    bytesByUid.set(uid, (bytesByUid.get(uid) ?? 0n) + BigInt(block.size(i)));
  }
}
for (const [uid, bytes] of [...bytesByUid].sort((a, b) => a[0] - b[0])) console.log(`uid ${uid}: ${bytes} bytes`);
console.log(`${errors} error record(s)`);
