#!/usr/bin/env node
// Two or more builds of the reader decoding the same walk, alternated round by round in
// one process so load from other work falls on each alike: recordBatches() with nothing
// read, records per CPU-second of this thread (median and max of the rounds). Made for
// a change to the decoder: keep a copy of packages/reader (dist and package.json, its
// node_modules linked) from before it and give both.
//
//   node bench/decode-ab.mjs WALK ROUNDS REPO_BEFORE REPO_AFTER [...]
const [walkDir, rounds, ...repos] = process.argv.slice(2);
const readers = await Promise.all(repos.map((r) => import(`${r}/packages/reader/dist/index.js`)));
const rates = repos.map(() => []);
for (let i = 0; i < Number(rounds); i++) {
  for (let k = 0; k < readers.length; k++) {
    const walk = await readers[k].openWalk(walkDir);
    const start = process.cpuUsage();
    let n = 0;
    for await (const batch of walk.recordBatches()) n += batch.length;
    const cpu = process.cpuUsage(start);
    rates[k].push(n / ((cpu.user + cpu.system) / 1e6));
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [k, repo] of repos.entries()) {
  console.log(`${repo}: ${(median(rates[k]) / 1e6).toFixed(2)} M/s median of ${rounds}, max ${(Math.max(...rates[k]) / 1e6).toFixed(2)}`);
}
