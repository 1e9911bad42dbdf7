// Inode, size and path of every regular file, with no BigInt made per field.
import { exactInode, exactSize, openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
for await (const batch of walk.recordBatches()) {
  for (const e of batch) if (e.type === 'file') console.log(`${exactInode(e)} ${exactSize(e)} ${e.path}`);
}
