export { run, main } from './main.js';
export { ExitCode } from './exit-codes.js';
export type { CliIo } from './io.js';
export { ReportJson } from './report/report-schema.js';
export { DiffJson } from './report/diff-schema.js';
export { TrendJson } from './report/trend-schema.js';
export { OwnerReportJson, OwnerIndexJson } from './report/owner-schema.js';
