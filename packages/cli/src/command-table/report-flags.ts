import { resolve } from 'node:path';
import { flag } from '../command-definition.js';
import { UsageError } from '../errors.js';

/** The flags `report`, `diff` and `trend` share; each adds its own --top. */
export const reportOutputFlags = {
  html: flag.text('FILE', 'a self-contained HTML page (charts, tables; opens from disk or e-mail)'),
  json: flag.text('FILE', "the same figures as JSON, every integer exact ('-' for stdout)"),
  quiet: flag.switch('print nothing but errors (for cron)'),
};

/** The end of both commands' help: where the output goes and what the exit code says. */
export const REPORT_OUTPUT_EPILOGUE = `Without --quiet a short summary goes to stdout (unless --json -).
Exit codes: 0 done; 1 a walk is incomplete, interrupted, failed or damaged (the
files are still written); 2 usage or fatal error.
`;

/** Refuses, before any work, flags that cannot all be honoured. */
export function checkReportOutputs(args: { html?: string; json?: string }): void {
  if (args.json === '-' && args.html === '-') throw new UsageError('--html and --json cannot both go to stdout (-)');
  // The page would silently replace the JSON written just before it.
  if (args.json !== undefined && args.html !== undefined && resolve(args.json) === resolve(args.html)) {
    throw new UsageError(`--html and --json name the same file: ${args.json}`);
  }
}
