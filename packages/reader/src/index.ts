// The SDK entry point (`@pwalk-ts/reader`). The Parquet export is its own entry
// (`@pwalk-ts/reader/parquet`): re-exporting it here would load hyparquet-writer and
// hysnappy for every walk and every reader of one.
export { openWalk, Walk, type OpenWalkOptions, type RecordsOptions, type WalkCompleteness, type WalkThreadFile } from './sdk/walk.js';
export type { BlockShare } from './sdk/block-share.js';
export { entryBlockOf, type EntryBlock } from './sdk/entry-block.js';
// For the CLI's row writers (cat): a format-2 block's columns, read in place. Not for scripts: the columns follow the format's version.
export { frameRowsOfBlock, type FrameRowsBlock } from './sdk/entry-block.js';
export { Field as FrameField, type FrameBlock } from './format/frame-entry.js';
export type { WalkEntry, WalkEntryError } from './sdk/record.js';
export { exactInode, exactParentInode, exactSize, exactDev, exactBlocks, type ExactInteger } from './sdk/exact-numbers.js';
export { WalkErrorCode, WalkFormatError } from './format/errors.js';
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
} from './format/manifest.js';
export { RootPath } from './sdk/root-path.js';
export { PathPieces } from './sdk/path-pieces.js';
export { defaultThreads } from './sdk/helper-threads.js';
export {
  formattedBatches,
  type BatchFormatter,
  type CreateBatchFormatter,
  type FormattedBatchesOptions,
  type PrepareBatches,
} from './sdk/batches-in-threads.js';
export { runBatchThread, type BatchThreadData } from './sdk/batch-thread.js';
export { readWalkFolder, type WalkFolder } from './format/walk-folder.js';
export { readWalkState, type PendingDirectory, type ThreadFileState, type WalkState } from './format/walk-state.js';
export { depthOf } from './format/record-decoder.js';
export { isBelowRoot } from './format/relative-path.js';
export { HardLinks, hardLinkId, FIRST_LINK, LATER_LINK } from './analysis/hard-links.js';
export { directoryTotals, type DirectoryTotal, type DirectoryTotalsOptions } from './analysis/directory-totals.js';
export type { RolledUpDirectories } from './analysis/rolled-up-directories.js';
export { directChildTotals, DirectChildTotals, type DirectChildCount, type DirectChildPart } from './analysis/direct-children.js';
export { ExportError, ExportErrorCode, systemErrorText } from './format/errors.js';
export { OutputFile } from './output/output-file.js';
export { untrustedAncestor, untrustedFolderReason, untrustedReason } from './output/trusted-file.js';
export { processAlive } from './output/process-alive.js';
export { makeProcessFolder, removeAbandonedFolders } from './output/process-folders.js';
export {
  usageSummary,
  OTHER_EXTENSIONS_KEY,
  otherRow,
  type UsageSummary,
  type UsageSummaryOptions,
  type UsageGroup,
  type OwnerUsage,
  type ExtensionUsage,
} from './analysis/usage-summary.js';
export { sumTallies, type UsageTally } from './analysis/usage-tally.js';
export { walkSummary, type WalkSummary, type OwnerTally, type TopDirectoryTally } from './analysis/walk-summary.js';
export { AGE_BUCKETS, ageBucketIndex, type AgeBucket } from './analysis/age-buckets.js';
export { extensionName, escapeInvalidUtf8, type ExtensionName } from './analysis/extension.js';
export { resolveOwnerNames, parseIdNames, NUMERIC_OWNER_NAMES, type OwnerNames, type OwnerDirectory } from './analysis/owner-names.js';
export { topDirectories, type DirectoryRanking } from './analysis/top-directories.js';
export type { LargestFile } from './analysis/largest-files.js';
export { perOwnerUsage, type PerOwnerUsage, type PerOwnerUsageOptions, type OwnerReport, type OwnerDirectoryUsage } from './analysis/per-owner-usage.js';
export {
  diffWalks,
  type WalkDiff,
  type WalkDiffOptions,
  type ChangeTally,
  type ModifiedTally,
  type SideTotals,
  type DirectoryGrowth,
} from './analysis/walk-diff.js';
export type { GrowthRow, Ranked, DiffSide } from './analysis/growth-ledger.js';
export { errorSummary, type ErrorSummary, type ErrorSummaryOptions, type ErrorCount } from './analysis/error-summary.js';
export { exportNcdu, type NcduExportOptions, type NcduExportResult } from './ncdu/export.js';
export { reportSummaries, type ReportSummaries, type ReportSummariesOptions } from './analysis/report-summaries.js';
