import { isUtf8 } from 'node:buffer';
import type { DirectoryItem } from './directory-item.js';
import type { WalkSettings } from './settings.js';

/** A fatal error in a worker thread, as it crosses to the main thread. */
export interface WorkerFailure {
  message: string;
  code: string | null;
  /** The directory being read when it happened. */
  directory: string | null;
}

export function workerFailure(err: unknown, settings: WalkSettings, current: DirectoryItem | null): WorkerFailure {
  const e = err as NodeJS.ErrnoException;
  return {
    message: e?.message ?? String(err),
    code: typeof e?.code === 'string' ? e.code : null,
    directory: current === null ? null : describeDirectory(settings, current.rel),
  };
}

/** The walk's message for a worker failure; a full output disk says so in words. */
export function failureMessage(f: WorkerFailure): string {
  const where = f.directory === null ? '' : ` while reading ${f.directory}`;
  if (f.code === 'ENOSPC') return `output disk is full${where} (ENOSPC): ${f.message}`;
  return `${f.message}${where}`;
}

function describeDirectory(settings: WalkSettings, rel: Buffer): string {
  if (rel.length === 0) return settings.root;
  return settings.base + (isUtf8(rel) ? rel.toString('utf8') : rel.toString('latin1'));
}
