// Space per directory (hard links once), and the three directories holding the most files.
import { directoryTotals, openWalk, topDirectories } from '@pwalk-ts/reader';

const totals = await directoryTotals(await openWalk(process.argv[2]));
const root = totals.find((t) => t.depth === 0);
console.log(`${root.path}: ${root.apparentBytes} bytes, ${root.files} files, ${root.dirs} directories`);
for (const t of topDirectories(totals, 3, 'files')) console.log(`${String(t.files).padStart(6)} files  ${t.path}`);
