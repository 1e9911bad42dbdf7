// Stream every entry: bytes of regular files per uid (sizes are exact bigints).
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
const bytesByUid = new Map();
for await (const e of walk.records()) {
  if (e.type === 'file') bytesByUid.set(e.uid, (bytesByUid.get(e.uid) ?? 0n) + e.size);
}
for (const [uid, bytes] of [...bytesByUid].sort((a, b) => a[0] - b[0])) console.log(`uid ${uid}: ${bytes} bytes`);
