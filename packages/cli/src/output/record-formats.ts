import { isUtf8 } from 'node:buffer';
import type { WalkEntry, WalkEntryError } from '@pwalk-ts/reader';

/** The `cat` columns, in order: a contract scripts parse (README "Output formats"). */
export const ENTRY_COLUMNS = [
  'path',
  'type',
  'size',
  'blocks',
  'mode',
  'uid',
  'gid',
  'nlink',
  'inode',
  'parentInode',
  'dev',
  'atime',
  'mtime',
  'ctime',
  'depth',
] as const;
export const ERROR_COLUMNS = ['path', 'syscall', 'code'] as const;

/** JSON has arbitrary-precision integers; JavaScript's stringify does not, so integers are written as text. */
function int(v: number | bigint | null): string {
  return v === null ? 'null' : String(v);
}

/** `"path":...` plus `"pathBase64"` when the bytes are not UTF-8 (the string is then a lossy rendering). */
export function jsonPath(e: { path: string; pathBytes: Uint8Array }): { path: string; extra: string } {
  const bytes = e.pathBytes;
  if (isUtf8(bytes)) return { path: JSON.stringify(e.path), extra: '' };
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return { path: JSON.stringify(e.path), extra: `,"pathBase64":"${b64}"` };
}

export function entryToNdjson(e: WalkEntry): string {
  const p = jsonPath(e);
  return (
    `{"path":${p.path},"type":"${e.type}","size":${e.size},"blocks":${int(e.blocks)},"mode":${int(e.mode)},` +
    `"uid":${int(e.uid)},"gid":${int(e.gid)},"nlink":${int(e.nlink)},"inode":${e.inode},"parentInode":${e.parentInode},` +
    `"dev":${int(e.dev)},"atime":${int(e.atimeExact)},"mtime":${e.mtimeExact},"ctime":${int(e.ctimeExact)},"depth":${e.depth}${p.extra}}\n`
  );
}

export function errorToNdjson(e: WalkEntryError): string {
  const p = jsonPath(e);
  return `{"path":${p.path},"syscall":"${e.syscall}","code":${JSON.stringify(e.code)}${p.extra}}\n`;
}

const QUOTE = 0x22;

/** An RFC 4180 field holding exact bytes: always quoted, quotes doubled; newlines stay inside the quotes. */
export function quotedField(bytes: Uint8Array): Buffer {
  let quotes = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === QUOTE) quotes++;
  const out = Buffer.allocUnsafe(bytes.length + quotes + 2);
  let o = 0;
  out[o++] = QUOTE;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[o++] = b;
    if (b === QUOTE) out[o++] = QUOTE;
  }
  out[o++] = QUOTE;
  return out;
}

function csvInt(v: number | bigint | null): string {
  return v === null ? '' : String(v);
}

export const CSV_ENTRY_HEADER = ENTRY_COLUMNS.join(',') + '\r\n';
export const CSV_ERROR_HEADER = ERROR_COLUMNS.join(',') + '\r\n';

export function entryToCsv(e: WalkEntry): Buffer {
  const rest =
    `,${e.type},${e.size},${csvInt(e.blocks)},${csvInt(e.mode)},${csvInt(e.uid)},${csvInt(e.gid)},${csvInt(e.nlink)},` +
    `${e.inode},${e.parentInode},${csvInt(e.dev)},${csvInt(e.atimeExact)},${e.mtimeExact},${csvInt(e.ctimeExact)},${e.depth}\r\n`;
  return Buffer.concat([quotedField(e.pathBytes), Buffer.from(rest)]);
}

export function errorToCsv(e: WalkEntryError): Buffer {
  return Buffer.concat([quotedField(e.pathBytes), Buffer.from(`,${e.syscall},${e.code}\r\n`)]);
}
