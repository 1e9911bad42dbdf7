#!/usr/bin/env node
// What compresses a walk's blocks best for its CPU: the measurement behind format 2's
// choice of block encoding (FORMAT.md, "Why deflate").
//
//   node bench/format-codecs.mjs WALK_DIR
//
// Takes every block of a format-1 walk folder (records with full relative paths and
// fixed-width fields) and encodes each block payload alone, as a writer would:
//   - node:zlib deflateRaw at levels 1 and 6, gzip at level 1, brotli at qualities 1 and 4;
//   - front coding: each path as (bytes shared with the previous record's path, the rest),
//     every integer field as a LEB128 varint, times as deltas from the record's mtime,
//     uid/gid/mode/dev as "same as the previous record" bits; and front coding + deflate 1.
// Prints bytes per entry and encode/decode MB/s of raw payload for each, on one core.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/format-codecs.mjs WALK_DIR');

const payloads = [];
let records = 0;
for (const name of readdirSync(dir).filter((n) => /^thread_.*\.bin$/.test(n))) {
  const bytes = readFileSync(join(dir, name));
  if (bytes.readUInt16LE(8) !== 1) throw new Error(`${name} is not format 1`);
  for (let at = 64; at < bytes.length;) {
    const length = bytes.readUInt32LE(at + 4);
    records += bytes.readUInt32LE(at + 8);
    payloads.push({ payload: bytes.subarray(at + 16, at + 16 + length), count: bytes.readUInt32LE(at + 8) });
    at += 16 + length;
  }
}
const raw = payloads.reduce((n, p) => n + p.payload.length, 0);

/** A LEB128 varint of a non-negative integer below 2^53, appended to `out`. */
function varint(out, v) {
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}
const zigzag = (v) => (v < 0 ? -2 * v - 1 : 2 * v);
const u64 = (b, at) => b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;

function frontCode({ payload: b, count }) {
  const out = [];
  let prevPath = Buffer.alloc(0);
  let prev = { uid: -1, gid: -1, mode: -1, dev: -1, ino: 0 };
  let at = 0;
  for (let n = 0; n < count; n++) {
    const flags = b[at + 27];
    let pathLength = b.readUInt16LE(at + 24);
    let ext = at + 28;
    if (flags & 1) {
      pathLength = b.readUInt32LE(ext);
      ext += 4;
    }
    const ino = u64(b, at);
    let size = b.readUInt32LE(at + 16);
    let mtime = b.readUInt32LE(at + 20);
    if (flags & 2) ((size = u64(b, ext)), (ext += 8));
    if (flags & 4) ((mtime = Number(b.readBigInt64LE(ext))), (ext += 8));
    out.push(b[at + 26], flags);
    varint(out, zigzag(ino - prev.ino));
    prev.ino = ino;
    if (flags & 0x10) {
      const len = b[ext + 1];
      for (let i = 0; i < len + 2; i++) out.push(b[ext + i]);
      ext += 2 + len;
    } else {
      varint(out, size);
      varint(out, mtime < 0 ? 0 : mtime);
      if (flags & 8) {
        const a = { uid: b.readUInt32LE(ext), gid: b.readUInt32LE(ext + 4), mode: b.readUInt32LE(ext + 8), dev: u64(b, ext + 24) };
        let same = 0;
        for (const [i, k] of ['uid', 'gid', 'mode', 'dev'].entries()) if (a[k] === prev[k]) same |= 1 << i;
        out.push(same);
        for (const [i, k] of ['uid', 'gid', 'mode', 'dev'].entries()) if (!(same & (1 << i))) varint(out, a[k]);
        Object.assign(prev, a);
        varint(out, b.readUInt32LE(ext + 12));
        varint(out, u64(b, ext + 16));
        varint(out, zigzag(Number(b.readBigInt64LE(ext + 32)) - mtime));
        varint(out, zigzag(Number(b.readBigInt64LE(ext + 40)) - mtime));
        ext += 48;
      }
    }
    const path = b.subarray(ext, ext + pathLength);
    let shared = 0;
    while (shared < path.length && shared < prevPath.length && path[shared] === prevPath[shared]) shared++;
    varint(out, shared);
    varint(out, path.length - shared);
    for (let i = shared; i < path.length; i++) out.push(path[i]);
    prevPath = path;
    at = ext + pathLength;
  }
  return Buffer.from(out);
}

const deflate1 = (p) => zlib.deflateRawSync(p, { level: 1 });
const codecs = [
  ['deflateRaw level 1', deflate1, (c) => zlib.inflateRawSync(c)],
  ['deflateRaw level 6', (p) => zlib.deflateRawSync(p, { level: 6 }), (c) => zlib.inflateRawSync(c)],
  ['gzip level 1', (p) => zlib.gzipSync(p, { level: 1 }), (c) => zlib.gunzipSync(c)],
  ['brotli quality 1', (p) => zlib.brotliCompressSync(p, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }), (c) => zlib.brotliDecompressSync(c)],
  ['brotli quality 4', (p) => zlib.brotliCompressSync(p, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }), (c) => zlib.brotliDecompressSync(c)],
];

console.log(`${records} records in ${payloads.length} blocks, ${(raw / records).toFixed(1)} B/entry as format 1\n`);
console.log('| encoding | B/entry | x smaller | encode MB/s (raw) | decode MB/s (raw) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, encode, decode] of codecs) {
  let t = process.hrtime.bigint();
  const encoded = payloads.map((p) => encode(p.payload));
  const encodeS = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  for (const c of encoded) decode(c);
  const decodeS = Number(process.hrtime.bigint() - t) / 1e9;
  const bytes = encoded.reduce((n, c) => n + c.length, 0);
  console.log(
    `| ${name} | ${(bytes / records).toFixed(1)} | ${(raw / bytes).toFixed(1)} | ${(raw / 1e6 / encodeS).toFixed(0)} | ${(raw / 1e6 / decodeS).toFixed(0)} |`,
  );
}
let t = process.hrtime.bigint();
const fronted = payloads.map(frontCode);
const frontS = Number(process.hrtime.bigint() - t) / 1e9;
const frontBytes = fronted.reduce((n, c) => n + c.length, 0);
console.log(
  `| front coding + varints (prototype, JS) | ${(frontBytes / records).toFixed(1)} | ${(raw / frontBytes).toFixed(1)} | ${(raw / 1e6 / frontS).toFixed(0)} | - |`,
);
t = process.hrtime.bigint();
const both = fronted.map(deflate1);
const bothS = Number(process.hrtime.bigint() - t) / 1e9;
const bothBytes = both.reduce((n, c) => n + c.length, 0);
console.log(
  `| front coding + deflateRaw 1 | ${(bothBytes / records).toFixed(1)} | ${(raw / bothBytes).toFixed(1)} | ${(raw / 1e6 / (frontS + bothS)).toFixed(0)} | - |`,
);
