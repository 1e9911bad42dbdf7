export { startWalk, TOOL_VERSION, type WalkRun, type WalkResult, type WalkProgress } from './walk.js';
export { WalkOptions, resolveSettings, type WalkOptionsInput, type WalkSettings } from './settings.js';
export { WalkerError, WalkerErrorCode } from './errors.js';
export { resumeWalk, type ResumeOptions } from './resume.js';
export { RESUME_LOCK } from './resume-folder.js';
export type { WorkSource } from './work-queue.js';
export type { DirectoryItem } from './directory-item.js';
export { startMultiHostWalk, joinMultiHostWalk, type JoinedWalk, type JoinOptions, type HostOutcome } from './multi-host.js';
