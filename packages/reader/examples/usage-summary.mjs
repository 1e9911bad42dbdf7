// Who uses the space, and how much of it nobody has read for over a year.
import { openWalk, usageSummary } from '@pwalk-ts/reader';

const summary = await usageSummary(await openWalk(process.argv[2]));
console.log(`total ${summary.totals.apparentBytes} bytes in ${summary.totals.files} files`);
for (const user of summary.byUser) {
  const cold = user.atime['1to3y'].apparentBytes + user.atime.gt3y.apparentBytes;
  console.log(`${user.label.padEnd(12)} ${String(user.apparentBytes).padStart(12)} bytes, ${cold} not read for over a year`);
}
for (const ext of summary.byExtension.slice(0, 3)) console.log(`.${ext.label}: ${ext.files} files, ${ext.apparentBytes} bytes`);
for (const age of summary.byMtimeAge) console.log(`modified ${age.label.padEnd(8)} ${age.files} files`);
