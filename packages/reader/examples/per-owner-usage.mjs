// Each user's part of the walk: their share, where most of their bytes are, their cold data.
import { NUMERIC_OWNER_NAMES, openWalk, perOwnerUsage } from '@pwalk-ts/reader';

const usage = await perOwnerUsage(await openWalk(process.argv[2]), { top: 2, names: NUMERIC_OWNER_NAMES });
for (const owner of usage.owners) {
  const [, below] = owner.largestDirectories; // [0] is the root, which holds all of theirs
  console.log(
    `uid ${owner.id}: ${owner.totals.apparentBytes} of ${usage.totals.apparentBytes} bytes, most below ${below?.path}, ${owner.cold.apparentBytes} cold`,
  );
}
