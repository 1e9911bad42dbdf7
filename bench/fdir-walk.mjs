#!/usr/bin/env node
// The best plain-Node route to the same metadata: fdir (the fastest Node crawler) lists
// every path, then fs.lstatSync reads each entry's metadata, as a walker must.
//
//   node bench/fdir-walk.mjs ROOT
//
// Prints nothing but "entries=N" (ROOT included, like find's line count) on stderr, plus
// " errors=N" for entries that could not be stat-ed. fdir silently skips directories it
// cannot read, which includes those whose paths are longer than PATH_MAX.
import fs from 'node:fs';
import { fdir } from 'fdir';

const root = process.argv[2];
if (!root) {
  console.error('usage: node bench/fdir-walk.mjs ROOT');
  process.exit(2);
}

// Symlinks are listed as files and not followed (fdir's default without withSymlinks()).
const paths = new fdir().withFullPaths().withDirs().crawl(root).sync();
let entries = 0;
let errors = 0;
for (const p of paths) {
  try {
    fs.lstatSync(p);
    entries++;
  } catch {
    errors++;
  }
}
console.error(`entries=${entries}${errors ? ` errors=${errors}` : ''}`);
