import type { DirectoryTotal, RolledUpDirectories } from '@pwalk-ts/reader';

function byApparentDesc(a: DirectoryTotal, b: DirectoryTotal): number {
  return a.apparentBytes > b.apparentBytes ? -1 : a.apparentBytes < b.apparentBytes ? 1 : Buffer.compare(a.relativePathBytes, b.relativePathBytes);
}

/**
 * The root's largest subdirectories and, inside each, its largest subdirectories:
 * the two levels a treemap draws. At most `top` of each, largest first.
 */
export function topLevels(directories: RolledUpDirectories, top: number): { dir: DirectoryTotal; children: DirectoryTotal[] }[] {
  const firsts = directories.atDepth(1).sort(byApparentDesc).slice(0, top);
  const wanted = new Map(firsts.map((t) => [Buffer.from(t.relativePathBytes).toString('latin1'), [] as DirectoryTotal[]]));
  for (const t of directories.atDepth(2)) {
    const rel = Buffer.from(t.relativePathBytes).toString('latin1');
    wanted.get(rel.slice(0, rel.indexOf('/')))?.push(t);
  }
  return firsts.map((dir) => ({ dir, children: wanted.get(Buffer.from(dir.relativePathBytes).toString('latin1'))!.sort(byApparentDesc).slice(0, top) }));
}
