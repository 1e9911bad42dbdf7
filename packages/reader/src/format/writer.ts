// What a walker thread needs to write thread files, and nothing that reads a walk folder.
// Perf: the walker's worker threads import this instead of the whole format module, whose
// manifest code loads zod (about 100 modules) and msgpackr: 60-130 ms of CPU per worker
// start, paid again by every thread of every walk (bench/RESULTS.md, issue 12).
export { FORMAT_VERSION, DEFAULT_BLOCK_CAPACITY, EntryType, Syscall, entryTypeFromMode, threadFileName } from './layout.js';
export { FrameBuffer } from './frame-buffer.js';
export type { FieldsWriter, StatSeconds } from './record-buffer.js';
export { encodeFileHeader } from './thread-file.js';
export { readU64 } from './integers.js';
export { readSeconds } from './time.js';
