// A walk in a few figures, small enough to keep beside it: totals, each top directory, each owner.
import { openWalk, walkSummary } from '@pwalk-ts/reader';

const summary = await walkSummary(await openWalk(process.argv[2]));
console.log(`${summary.totals.entries} entries, ${summary.totals.apparentBytes} bytes`);
for (const dir of summary.topDirectories) console.log(`${Buffer.from(dir.nameBytes)}/: ${dir.files} files, ${dir.apparentBytes} bytes`);
console.log(`the root and its other entries: ${summary.atRoot.entries}, ${summary.atRoot.apparentBytes} bytes`);
for (const user of summary.users) console.log(`uid ${user.id}: ${user.apparentBytes} bytes`);
