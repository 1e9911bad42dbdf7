import { resolve } from 'node:path';
import { z } from 'zod';
import { integerFlag } from '../args.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { exactJson } from './exact-json.js';
import { writeOutput } from './write-output.js';

/** The flags `report` and `diff` share, for parseCommand. */
export const OUTPUT_OPTIONS = {
  html: { type: 'string' },
  json: { type: 'string' },
  top: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

export const outputFlags = {
  html: z.string().optional(),
  json: z.string().optional(),
  top: integerFlag(1, 1_000_000).default(20),
  quiet: z.boolean().default(false),
};

/** The end of both commands' help: where the output goes and what the exit code says. */
export const OUTPUT_HELP = `  --quiet       print nothing but errors (for cron)

Without --quiet a short summary goes to stdout (unless --json -).
Exit codes: 0 done; 1 a walk is incomplete, interrupted, failed or damaged (the
files are still written); 2 usage or fatal error.
`;

/** Refuses, before any work, flags that cannot all be honoured. */
export function checkOutputFlags(args: { html?: string; json?: string }): void {
  if (args.json === '-' && args.html === '-') throw new UsageError('--html and --json cannot both go to stdout (-)');
  // The page would silently replace the JSON written just before it.
  if (args.json !== undefined && args.html !== undefined && resolve(args.json) === resolve(args.html)) {
    throw new UsageError(`--html and --json name the same file: ${args.json}`);
  }
}

/** Writes the JSON and HTML files asked for (each whole or not at all), then the summary unless quiet. */
export async function writeReportOutputs<T>(
  args: { html?: string; json?: string; quiet: boolean },
  doc: T,
  html: (doc: T) => string,
  summary: (doc: T) => string,
  io: CliIo,
): Promise<void> {
  if (args.json !== undefined) await writeOutput(args.json, exactJson(doc, 2) + '\n', io);
  if (args.html !== undefined) await writeOutput(args.html, html(doc), io);
  if (!args.quiet && args.json !== '-') io.stdout.write(summary(doc));
}
