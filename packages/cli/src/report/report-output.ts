import type { CliIo } from '../io.js';
import { exactJson } from '../output/exact-json.js';
import { writeOutput } from './write-output.js';

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
