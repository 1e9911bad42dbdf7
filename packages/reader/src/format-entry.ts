// The codec entry point (`@pwalk-ts/reader/format`): what a writer needs to produce
// walk files, kept apart from the reading SDK.
export * from './format.js';
export { RecordBuffer, type BlockSink, type StatSeconds } from './record-buffer.js';
export { RAW_STAT_HEAD, RAW_STAT_LAYOUT, RawStatOffset } from './raw-stat.js';
export { encodeFileHeader, decodeFileHeader, readThreadFile, type ThreadFileHeader } from './thread-file.js';
export { decodeBlock } from './record-decoder.js';
export { floorSecondsFromMs, floorDivNs } from './time.js';
export { makeFolders } from './make-folders.js';
