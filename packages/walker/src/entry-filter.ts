import type picomatchModule from 'picomatch';
import { walkerRequire } from './package-folder.js';
import type { WalkSettings } from './settings.js';

/** Decides which entries are left out entirely (neither recorded nor descended). */
export type EntryFilter = (name: string, relativePath: string) => boolean;

/**
 * Builds the --exclude test once from the settings, or null when nothing is excluded
 * so the scanner can skip the call. A pattern without '/' matches an entry's name at
 * any depth (like `du --exclude` and rsync); a pattern with '/' matches the path
 * relative to the root.
 */
export function createEntryFilter(settings: WalkSettings): EntryFilter | null {
  const byName: string[] = settings.exclude.filter((p) => !p.includes('/'));
  const byPath = settings.exclude.filter((p) => p.includes('/')).map(pathPattern);
  if (byName.length === 0 && byPath.length === 0) return null;
  // Perf: picomatch (CommonJS, 6 modules) is loaded by a walk that excludes something,
  // not by every thread of every walk before its first directory.
  const picomatch = walkerRequire('picomatch') as typeof picomatchModule;
  const nameMatch = byName.length > 0 ? picomatch(byName, { dot: true }) : null;
  const pathMatch = byPath.length > 0 ? picomatch(byPath, { dot: true }) : null;
  return (name, relativePath) => (nameMatch !== null && nameMatch(name)) || (pathMatch !== null && pathMatch(relativePath));
}

/** A pattern with '/' is matched against the path from the root, so its leading slashes go. */
export function pathPattern(pattern: string): string {
  return pattern.replace(/^\/+/, '');
}
