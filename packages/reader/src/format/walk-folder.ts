import { constants, existsSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FILE_HEADER_SIZE, MANIFEST_FILE, THREAD_FILE_PATTERN } from './layout.js';
import { readManifest, type WalkManifest } from './manifest.js';
import { decodeFileHeader, type ThreadFileHeader } from './thread-file.js';

export interface WalkThreadFile {
  readonly name: string;
  readonly path: string;
  readonly header: ThreadFileHeader;
  /** Directories (relative paths, latin1) whose records in this file a resume read again (FORMAT.md 7.6); null when none. */
  readonly setAside: ReadonlySet<string> | null;
}

/** What a walk folder holds once its manifest and thread file headers are checked (FORMAT.md section 1). */
export interface WalkFolder {
  /** null when absent, unreadable, or another walk's. */
  readonly manifest: WalkManifest | null;
  /** The thread files of the walk, in reading order. */
  readonly files: WalkThreadFile[];
  /** The walk id the files were taken by (section 1's vote). */
  readonly walkId: string;
  /** Every manifest or thread file set aside, in the order FORMAT.md section 1 lists the checks. */
  readonly problems: WalkFormatError[];
}

/**
 * Applies the folder rule of FORMAT.md section 1 once for every reader: a damaged or
 * foreign manifest and a thread file whose header is bad, lost or another walk's are
 * each a problem, and the rest is read. The walk id is the one held by most of the
 * manifest and the readable headers (one vote each; a tie goes to the earlier file, then
 * to the manifest: the files hold the records, and reading them loses nothing a damaged
 * or swapped manifest could), since any one of them can be the damaged one. 'throw' raises
 * the first problem instead; either way NOT_A_WALK is raised when nothing is left that
 * belongs to a walk, and UNSUPPORTED_VERSION for a manifest of a newer format (its
 * files cannot be read safely either).
 */
export async function readWalkFolder(dir: string, onCorrupt: 'throw' | 'skip'): Promise<WalkFolder> {
  const problems: WalkFormatError[] = [];
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifest: WalkManifest | null = null;
  if (existsSync(manifestPath)) {
    try {
      manifest = readManifest(dir);
    } catch (err) {
      if (!(err instanceof WalkFormatError) || err.code === WalkErrorCode.UNSUPPORTED_VERSION) throw err;
      problems.push(err);
    }
  }
  const listed = listThreadFiles(dir);
  const readable: WalkThreadFile[] = [];
  for (const name of listed) {
    const path = join(dir, name);
    try {
      readable.push({ name, path, header: await readHeader(path), setAside: null });
    } catch (err) {
      if (!(err instanceof WalkFormatError)) throw err;
      problems.push(err);
    }
  }
  const walkId = chooseWalkId(
    manifest?.walkId ?? null,
    readable.map((f) => f.header.walkId),
  );
  if (manifest !== null && manifest.walkId !== walkId) {
    problems.push(
      new WalkFormatError(
        WalkErrorCode.BAD_MANIFEST,
        `manifest is walk ${manifest.walkId}'s, the thread files walk ${walkId}'s: read without it (root, status and totals unknown)`,
        { file: manifestPath },
      ),
    );
    manifest = null;
  }
  const files: WalkThreadFile[] = [];
  const setAside = setAsideByFile(manifest);
  for (const file of readable) {
    if (file.header.walkId === walkId) files.push({ ...file, setAside: setAside.get(file.name) ?? null });
    else
      problems.push(
        new WalkFormatError(WalkErrorCode.BAD_HEADER, `thread file belongs to walk ${file.header.walkId}, not ${walkId}`, { file: file.path, offset: 16 }),
      );
  }
  // A file the manifest names that is not in the folder is lost. (A failed walk's
  // manifest does not list the file of the worker that failed: the listing finds it.)
  for (const summary of manifest?.files ?? []) {
    if (listed.includes(summary.name)) continue;
    const path = join(dir, summary.name);
    problems.push(new WalkFormatError(WalkErrorCode.IO, `thread file ${summary.name} is missing: its ${summary.records} records are lost`, { file: path }));
  }
  if (onCorrupt === 'throw' && problems.length > 0) throw problems[0]!;
  // No vote at all: neither a usable manifest nor a thread file that passed its header checks.
  if (walkId === null) {
    const why = problems.length === 0 ? `no ${MANIFEST_FILE} and no thread_*.bin files` : `nothing in it is readable (${problems[0]!.message})`;
    throw new WalkFormatError(WalkErrorCode.NOT_A_WALK, `not a walk folder: ${why}`, { file: dir, cause: problems[0] });
  }
  return { manifest, files, walkId, problems };
}

/** Every resume's set-aside directories, by thread file name (FORMAT.md 5.2). */
export function setAsideByFile(manifest: WalkManifest | null): Map<string, Set<string>> {
  const byFile = new Map<string, Set<string>>();
  for (const resume of manifest?.resumes ?? []) {
    for (const { file, dirs } of resume.setAside) {
      let set = byFile.get(file);
      if (set === undefined) byFile.set(file, (set = new Set()));
      for (const dir of dirs) set.add(dir.toString('latin1'));
    }
  }
  return byFile;
}

/** The id with the most votes; ties go to the earlier voter (the files vote first, the manifest last). */
function chooseWalkId(manifestId: string | null, headerIds: string[]): string | null {
  const voters = manifestId === null ? headerIds : [...headerIds, manifestId];
  const votes = new Map<string, number>();
  for (const id of voters) votes.set(id, (votes.get(id) ?? 0) + 1);
  let best: string | null = null;
  for (const id of voters) if (best === null || votes.get(id)! > votes.get(best)!) best = id;
  return best;
}

function listThreadFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => THREAD_FILE_PATTERN.test(n))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

async function readHeader(path: string): Promise<ThreadFileHeader> {
  let handle;
  try {
    // Non-blocking: a FIFO in a thread file's place would wait for a writer forever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot open thread file: ${(cause as Error).message}`, { file: path, cause });
  }
  try {
    if (!(await handle.stat()).isFile()) throw new WalkFormatError(WalkErrorCode.BAD_HEADER, 'thread file is not a regular file', { file: path });
    const buf = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await handle.read(buf, 0, FILE_HEADER_SIZE, 0);
    return decodeFileHeader(buf.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}
