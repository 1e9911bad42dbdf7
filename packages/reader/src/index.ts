export { openWalk, Walk, type RecordsOptions, type WalkCompleteness, type WalkThreadFile } from './walk.js';
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
export { ExportError, ExportErrorCode } from './export-error.js';
