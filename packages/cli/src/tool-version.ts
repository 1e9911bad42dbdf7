import { readFileSync } from 'node:fs';

/** The CLI's version, as its package.json says (read once, at the first --version or --help). */
export function toolVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
