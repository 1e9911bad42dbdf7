// What changed between two walks of one tree: new, deleted and modified files, and where the space grew.
import { diffWalks, openWalk } from '@pwalk-ts/reader';

const diff = await diffWalks(await openWalk(process.argv[2]), await openWalk(process.argv[3]), { top: 3 });
console.log(`${diff.old.bytes} -> ${diff.new.bytes} bytes`);
console.log(`new: ${diff.added.files} files, ${diff.added.bytes} bytes; deleted: ${diff.deleted.files} files; modified: ${diff.modified.files} files`);
for (const dir of diff.directories.grown) console.log(`grew ${dir.deltaBytes} bytes  ${dir.path}`);
for (const file of diff.largestNew) console.log(`new file ${file.size} bytes  ${file.path}`);
