import { isUtf8 } from 'node:buffer';
import type { WalkEntry, WalkEntryError } from '@pwalk-ts/reader';
import { scalarJson } from './exact-json.js';

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

/** A path's bytes as base64 when they are not UTF-8 (the `path` string is then a lossy rendering); left out otherwise. */
export function pathBase64(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function entryToNdjson(e: WalkEntry): string {
  const j = scalarJson;
  const base64 = pathBase64(e.pathBytes);
  return (
    `{"path":${j(e.path)},"type":${j(e.type)},"size":${j(e.size)},"blocks":${j(e.blocks)},"mode":${j(e.mode)},` +
    `"uid":${j(e.uid)},"gid":${j(e.gid)},"nlink":${j(e.nlink)},"inode":${j(e.inode)},"parentInode":${j(e.parentInode)},` +
    `"dev":${j(e.dev)},"atime":${j(e.atimeExact)},"mtime":${j(e.mtimeExact)},"ctime":${j(e.ctimeExact)},"depth":${j(e.depth)}` +
    `${base64 === undefined ? '' : `,"pathBase64":${j(base64)}`}}\n`
  );
}

export function errorToNdjson(e: WalkEntryError): string {
  const base64 = pathBase64(e.pathBytes);
  return `{"path":${scalarJson(e.path)},"syscall":${scalarJson(e.syscall)},"code":${scalarJson(e.code)}${base64 === undefined ? '' : `,"pathBase64":${scalarJson(base64)}`}}\n`;
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
  out[o] = QUOTE;
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
