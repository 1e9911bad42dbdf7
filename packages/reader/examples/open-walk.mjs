// Open a walk folder and say what it is.
import { openWalk } from '@pwalk-ts/reader';

const walk = await openWalk(process.argv[2]);
const m = walk.manifest; // null when the walker was killed before writing it
console.log(`root ${walk.root.text}, status ${walk.status}, ${m?.totals.entries ?? '?'} entries in ${walk.files.length} thread file(s)`);
