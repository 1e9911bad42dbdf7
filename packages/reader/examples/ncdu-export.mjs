// The walk as an ncdu export: browse it with `ncdu -f FILE`, on any machine, long after the walk.
import { exportNcdu, openWalk } from '@pwalk-ts/reader';

const [dir, file] = process.argv.slice(2);
const { items } = await exportNcdu(await openWalk(dir), file, { overwrite: true });
console.log(`${items} items -> ${file}; browse with: ncdu -f ${file}`);
