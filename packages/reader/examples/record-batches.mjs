// A block's worth of entries at a time, counted by type.
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
const byType = {};
for await (const batch of walk.recordBatches()) {
  for (const e of batch) byType[e.type] = (byType[e.type] ?? 0) + 1;
}
console.log(
  Object.entries(byType)
    .sort()
    .map(([type, n]) => `${type} ${n}`)
    .join(', '),
);
