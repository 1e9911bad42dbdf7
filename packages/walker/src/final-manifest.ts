import { writeManifest, type WalkManifestInput } from '@pwalk-ts/reader/manifest';
import type { WalkResult } from './walk.js';

/**
 * The longest part of a message a short failed manifest keeps, in UTF-16 units: the
 * walk's message and why the final manifest failed, at most 3 KiB of UTF-8 together,
 * far below the room the running manifest reserved (16 KiB and more).
 */
const SHORT_PART_LIMIT = 512;

/** How the final manifest went. */
export interface FinalManifestOutcome {
  /** Why the final manifest could not be written (the walk has then failed); null when it was. */
  readonly failure: string | null;
  /** Whether the walk folder says the walk's status: false only when not even a short failed manifest could be written. */
  readonly recorded: boolean;
}

/** How a walk ended, as a single-host walk or a multi-host walk's seeding host works it out. */
export interface WalkEnding {
  readonly status: WalkResult['status'];
  readonly message: string | null;
  readonly files: WalkManifestInput['files'];
  readonly totals: WalkManifestInput['totals'];
  readonly signal: NodeJS.Signals | null;
}

/** Ends a walk: its final manifest from the running one and the ending, and the walk's result (failed when that manifest cannot be written). */
export function finishWalk(out: string, running: WalkManifestInput, ending: WalkEnding): WalkResult {
  const { status, message, files, totals, signal } = ending;
  const manifest: WalkManifestInput = { ...running, endTime: Date.now(), status, message, files, totals };
  const written = writeFinalManifest(out, running, manifest);
  if (written.failure !== null) {
    return { out, status: 'failed', manifest, errors: totals.errors, message: written.failure, signal, recorded: written.recorded };
  }
  return { out, status, manifest, errors: totals.errors, message, signal, recorded: true };
}

/**
 * Writes a walk's final manifest. When that fails for any reason (on a full disk, a
 * manifest larger than the room the running one reserved, e.g. for a failure message
 * that names a directory path of many kilobytes), the walk must still read as
 * failed, not as running: a short failed manifest takes its place. It is the running
 * manifest (which was written, so it encodes) with status, end time and a bounded
 * message, no file list and zero totals, so it fits in the room that one reserved.
 */
function writeFinalManifest(out: string, running: WalkManifestInput, final: WalkManifestInput): FinalManifestOutcome {
  try {
    writeManifest(out, final);
    return { failure: null, recorded: true };
  } catch (cause) {
    const why = `cannot write the final manifest: ${(cause as Error).message}`;
    const failure = final.message === null ? why : `${final.message}; ${why}`;
    try {
      const message = final.message === null ? shortPart(why) : `${shortPart(final.message)}; ${shortPart(why)}`;
      writeManifest(out, { ...running, endTime: final.endTime, status: 'failed', message });
      return { failure, recorded: true };
    } catch (again) {
      return { failure: `${failure}; nor a short failed one: ${(again as Error).message}`, recorded: false };
    }
  }
}

function shortPart(message: string): string {
  return message.length <= SHORT_PART_LIMIT ? message : `${message.slice(0, SHORT_PART_LIMIT - 1)}…`;
}
