// A helper thread of reportSummaries (report-summaries.ts): it counts usageSummary over
// its share of the walk's blocks and posts what it counted.
import { usageShare } from './report-summaries.js';
import { serveSharedPass } from '../sdk/shared-pass.js';

serveSharedPass(usageShare);
