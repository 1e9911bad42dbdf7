const DOT = 0x2e;
const SLASH = 0x2f;
/** 'tar' after ASCII case folding, for compound extensions like tar.gz. */
const TAR = [0x74, 0x61, 0x72] as const;

function fold(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

/**
 * A file name's extension, as a latin1 string (one char per byte, so it is exact
 * for any bytes) with ASCII letters lower-cased: what follows the last '.' of the
 * final path component, or '' when there is none. A leading dot does not start an
 * extension ('.bashrc' has none, '.config.json' has 'json'), nor does a trailing
 * one ('notes.' has none). 'name.tar.X' counts as 'tar.X' (archive.tar.gz: 'tar.gz';
 * '.tar.gz' alone: 'gz'), since tar archives are what storage audits look for.
 * `from`..`to` of `path` is the path (or the name alone) when it is part of larger
 * bytes, e.g. a block's payload.
 */
export function extensionKey(path: Uint8Array, from = 0, to = path.length): string {
  let dot = to - 1;
  while (dot >= from && path[dot] !== DOT && path[dot] !== SLASH) dot--;
  if (dot <= from || path[dot] === SLASH || path[dot - 1] === SLASH || dot === to - 1) return '';
  let start = dot + 1;
  const tar = dot - 4;
  if (
    tar > from &&
    path[tar] === DOT &&
    path[tar - 1] !== SLASH &&
    fold(path[tar + 1]!) === TAR[0] &&
    fold(path[tar + 2]!) === TAR[1] &&
    fold(path[tar + 3]!) === TAR[2]
  ) {
    start = tar + 1;
  }
  let key = '';
  for (let i = start; i < to; i++) key += String.fromCharCode(fold(path[i]!));
  return key;
}

/** How an extension is shown and keyed outside the summary. */
export interface ExtensionName {
  /** The extension as text when its bytes are UTF-8; else '/hex:' and the bytes in hex ('/' cannot be in a name, so no clash). '' for none. */
  readonly key: string;
  /** For people: the text, invalid bytes as \xNN; '(none)' for files without one. */
  readonly label: string;
  /** The exact (case-folded) bytes. */
  readonly bytes: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Turns an extensionKey into its public key, label and bytes. */
export function extensionName(latin1Key: string): ExtensionName {
  const bytes = Buffer.from(latin1Key, 'latin1');
  if (latin1Key === '') return { key: '', label: '(none)', bytes };
  try {
    const text = utf8.decode(bytes);
    return { key: text, label: text, bytes };
  } catch {
    return { key: `/hex:${bytes.toString('hex')}`, label: escapeInvalidUtf8(bytes), bytes };
  }
}

/** Valid UTF-8 runs as text, every other byte as \xNN: a name's bytes for people, never a U+FFFD that hides which. */
export function escapeInvalidUtf8(raw: Uint8Array): string {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    return utf8.decode(bytes);
  } catch {
    // some byte is not UTF-8: byte by byte below
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += bytes.subarray(i, i + length).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** The length of the valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  for (let length = 1; length <= 4 && i + length <= bytes.length; length++) {
    try {
      utf8.decode(bytes.subarray(i, i + length));
      return length;
    } catch {
      // not a whole sequence yet: try one byte longer
    }
  }
  return 0;
}
