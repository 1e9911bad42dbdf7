// How many entries a walk could not read, by error and system call, with the first paths.
import { errorSummary, openWalk } from '@pwalk-ts/reader';

const summary = await errorSummary(await openWalk(process.argv[2]), { samples: 3 });
console.log(`errors: ${summary.total}`);
for (const count of summary.byCode) console.log(`${count.count} x ${count.code} (${count.syscall})`);
for (const error of summary.samples) console.log(`  ${error.code} ${error.path}`);
