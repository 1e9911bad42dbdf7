// The codec entry point (`@pwalk-ts/reader/format`): what a writer needs to produce
// walk files, kept apart from the reading SDK. Every walker worker loads it: what needs
// the manifest (msgpackr, zod), such as reading a walk folder's state, is exported from
// the SDK entry instead (Perf: those modules cost each worker about 0.1 CPU-s to load).
export * from './layout.js';
export { RecordBuffer, type BlockSink, type FieldsWriter, type StatSeconds } from './record-buffer.js';
export { FrameBuffer } from './frame-buffer.js';
export { FrameCursor, FrameDamage } from './frame-cursor.js';
export { readU64, writeU64 } from './integers.js';
export { varintAt } from './varint.js';
export { encodeFileHeader, decodeFileHeader, readThreadFile, type ThreadFileHeader } from './thread-file.js';
export { decodeBlock } from './record-decoder.js';
export { floorSecondsFromMs, floorDivNs, exactSeconds, readSeconds } from './time.js';
export { makeFolders } from '../output/make-folders.js';
export { systemErrorText } from './errors.js';
