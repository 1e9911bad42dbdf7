import type { Walk } from '@pwalk-ts/reader';
import type { z } from 'zod';
import { pathFields, type WalkReference } from './schema-parts.js';

/** Which walk a report or diff was made from, for its JSON and its page header. */
export function walkReference(walk: Walk): z.infer<typeof WalkReference> {
  const m = walk.manifest;
  const root = pathFields(walk.root.text, walk.root.bytes);
  return {
    walk: walk.dir,
    walkId: m?.walkId ?? null,
    root: root.path,
    ...(root.pathBase64 === undefined ? {} : { rootBase64: root.pathBase64 }),
    status: walk.status,
    startTime: m?.startTime ?? null,
    endTime: m?.endTime ?? null,
  };
}
