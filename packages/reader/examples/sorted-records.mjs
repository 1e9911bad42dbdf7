// Entries in byte order of their paths: the same output for any thread count.
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
for await (const e of walk.records({ sort: 'path' })) console.log(`${e.depth} ${e.type.padEnd(7)} ${e.path}`);
