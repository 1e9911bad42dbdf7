// The Parquet entry point (`@pwalk-ts/reader/parquet`): kept out of the SDK's entry so
// that only a caller that exports loads hyparquet-writer and hysnappy.
export {
  exportParquet,
  exportErrorsParquet,
  exportParquetTables,
  type ParquetExportOptions,
  type ParquetExportResult,
  type ParquetTablesResult,
} from './export.js';
