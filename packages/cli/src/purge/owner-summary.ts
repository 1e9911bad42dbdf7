import type { OwnerNames } from '@pwalk-ts/reader';
import { humanBytes } from '../format-units.js';
import { escapeControls } from '../output/terminal-text.js';

interface OwnerTotal {
  files: number;
  bytes: bigint;
}

/** Files and bytes purged per owner: what an administrator mails each user after a purge. */
export class OwnerSummary {
  private readonly owners = new Map<number | null, OwnerTotal>();

  add(uid: number | null, size: bigint): void {
    let total = this.owners.get(uid);
    if (total === undefined) {
      total = { files: 0, bytes: 0n };
      this.owners.set(uid, total);
    }
    total.files++;
    total.bytes += size;
  }

  /** One row per owner, most bytes first, and a total row; `what` heads the counts (purged, would purge, restored). */
  table(names: OwnerNames, what: string): string {
    const rows = [...this.owners].sort((a, b) => (a[1].bytes === b[1].bytes ? a[1].files - b[1].files : a[1].bytes < b[1].bytes ? 1 : -1));
    const total = rows.reduce((sum, [, t]) => ({ files: sum.files + t.files, bytes: sum.bytes + t.bytes }), { files: 0, bytes: 0n });
    const line = (owner: string, t: OwnerTotal): string =>
      `${escapeControls(owner).padEnd(16)}  ${String(t.files).padStart(16)}  ${humanBytes(t.bytes).padStart(10)}  ${String(t.bytes).padStart(16)}\n`;
    const header = `${'owner'.padEnd(16)}  ${`files ${what}`.padStart(16)}  ${'size'.padStart(10)}  ${'bytes'.padStart(16)}\n`;
    return header + rows.map(([uid, t]) => line(uid === null ? '-' : names.user(uid), t)).join('') + line('total', total);
  }
}
