import { z } from 'zod';

/**
 * What the seeding host stores for joining hosts: the walk's options (each host
 * keeps its own --threads) and the shared folder every host writes into. Paths
 * are absolute, as every host must see the root and the folder at the same path.
 */
export const WalkInfo = z.object({
  walkId: z.string().regex(/^[0-9a-f]{32}$/),
  root: z.string(),
  out: z.string(),
  exclude: z.array(z.string()),
  oneFileSystem: z.boolean(),
  snapshots: z.boolean(),
  maxDepth: z.number().int().nullable(),
  compact: z.boolean(),
  blockCapacity: z.number().int(),
  engine: z.enum(['auto', 'sync', 'async']),
  seedHost: z.string(),
  startTime: z.number(),
});
export type WalkInfo = z.infer<typeof WalkInfo>;
