// A folder that is not a walk, or a damaged one, raises WalkFormatError with a fixed code.
import { openWalk, WalkErrorCode, WalkFormatError } from '@pwalk-ts/reader';

try {
  await openWalk(process.argv[2]);
  console.log('a walk');
} catch (err) {
  if (!(err instanceof WalkFormatError)) throw err;
  console.log(err.code === WalkErrorCode.NOT_A_WALK ? `not a walk: ${err.message}` : `damaged (${err.code}) at ${err.file}:${err.offset}`);
}
