// The entries the walk could not read, and why.
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
for await (const err of walk.errors({ sort: 'path' })) console.log(`${err.syscall} ${err.code} ${err.path}`);
