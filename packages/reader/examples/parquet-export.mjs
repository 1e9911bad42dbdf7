// The walk as one Parquet file for DuckDB, pandas, Polars or Spark: typed columns, 64-bit integers exact.
import { exportParquet, openWalk } from '@pwalk-ts/reader';

const [dir, file] = process.argv.slice(2);
const { rows } = await exportParquet(await openWalk(dir), file, { overwrite: true });
console.log(`${rows} entries -> ${file}`);
