export { startWalk, TOOL_VERSION, type WalkRun, type WalkResult, type WalkProgress } from './walk.js';
export { WalkOptions, resolveSettings, type WalkOptionsInput, type WalkSettings } from './settings.js';
export { WalkerError, WalkerErrorCode } from './errors.js';
export { resumeWalk, RESUME_LOCK, type ResumeOptions } from './resume-entry.js';
export type { WorkSource } from './work-queue.js';
export type { DirectoryItem } from './directory-item.js';
export { startMultiHostWalk, joinMultiHostWalk, type JoinedWalk, type JoinOptions, type HostOutcome } from './multi-host.js';
