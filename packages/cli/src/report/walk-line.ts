import type { z } from 'zod';
import type { WalkReference } from './schema-parts.js';

/** "2026-11-22 02:00 UTC": when a walk started. */
export function walkStartText(startTime: number | bigint | null): string {
  return startTime === null ? 'unknown time' : `${new Date(Number(startTime)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "/data, walked 2026-11-22 02:00 UTC (interrupted)": which walk, for a page header. */
export function walkLine(w: z.infer<typeof WalkReference>): string {
  return `${w.root}, walked ${walkStartText(w.startTime)}${w.status === 'complete' ? '' : ` (${w.status})`}`;
}
