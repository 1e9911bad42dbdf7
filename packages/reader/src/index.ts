export { openWalk, Walk, type OpenWalkOptions, type RecordsOptions, type WalkCompleteness, type WalkThreadFile } from './walk.js';
export type { WalkEntry, WalkEntryError } from './record.js';
export { WalkErrorCode, WalkFormatError } from './errors.js';
export {
  readManifest,
  writeManifest,
  newWalkId,
  WalkManifest,
  WalkStatus,
  WalkTotals,
  ThreadFileSummary,
  WalkOptionsRecord,
  type WalkManifestInput,
  type WriteManifestOptions,
} from './manifest.js';
export { RootPath } from './root-path.js';
export { depthOf } from './record-decoder.js';
export { directoryTotals, type DirectoryTotal } from './directory-totals.js';
export { exportParquet, exportErrorsParquet, type ParquetExportOptions, type ParquetExportResult } from './parquet-export.js';
export { ExportError, ExportErrorCode, systemErrorText } from './errors.js';
export { OutputFile } from './output-file.js';
export {
  usageSummary,
  OTHER_EXTENSIONS_KEY,
  otherRow,
  type UsageSummary,
  type UsageSummaryOptions,
  type UsageGroup,
  type OwnerUsage,
  type ExtensionUsage,
} from './usage-summary.js';
export { sumTallies, type UsageTally } from './usage-tally.js';
export { AGE_BUCKETS, ageBucketIndex, type AgeBucket } from './age-buckets.js';
export { extensionName, type ExtensionName } from './extension.js';
export { resolveOwnerNames, parseIdNames, NUMERIC_OWNER_NAMES, type OwnerNames } from './owner-names.js';
export { topDirectories, type DirectoryRanking } from './top-directories.js';
export type { LargestFile } from './largest-files.js';
export { diffWalks, type WalkDiff, type WalkDiffOptions, type ChangeTally, type ModifiedTally, type SideTotals, type DirectoryGrowth } from './walk-diff.js';
export type { GrowthRow, Ranked, DiffSide } from './growth-ledger.js';
export { errorSummary, type ErrorSummary, type ErrorSummaryOptions, type ErrorCount } from './error-summary.js';
