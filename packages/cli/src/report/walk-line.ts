import type { z } from 'zod';
import type { WalkReference } from './schema-parts.js';

/** "2026-11-22 02:00 UTC (complete)": when a walk was made, for a page header. */
export function walkLine(w: z.infer<typeof WalkReference>): string {
  const when = w.startTime === null ? 'unknown time' : `${new Date(Number(w.startTime)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${w.root}, walked ${when}${w.status === 'complete' ? '' : ` (${w.status})`}`;
}
