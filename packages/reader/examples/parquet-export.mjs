// The walk as one Parquet file for DuckDB, pandas, Polars or Spark: typed columns, 64-bit integers exact.
import { openWalk } from '@pwalk-ts/reader';
import { exportParquet } from '@pwalk-ts/reader/parquet';

const [dir, file] = process.argv.slice(2);
const { rows } = await exportParquet(await openWalk(dir), file, { overwrite: true });
console.log(`${rows} entries -> ${file}`);
