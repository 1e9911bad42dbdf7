// `pwalk-ts cat` writes rows in place (packages/cli/src/output/byte-rows.ts) for speed;
// its bytes must stay exactly what the plain formatter wrote before (commit 49c14de).
// That formatter is kept here as the reference, run in-process over the same walk
// with the SDK, and every format's output is compared byte for byte: names with
// quotes, backslashes, every control character, DEL, non-UTF-8 bytes and multi-byte
// UTF-8, a root path that needs quoting, sizes past 2^32, times before 1970,
// error records (a walk as nobody), and a --compact walk (null fields).
import { isUtf8 } from 'node:buffer';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryTotals, openWalk, type DirectoryTotal, type Walk, type WalkEntry, type WalkEntryError } from '@pwalk-ts/reader';
import { runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

// ---- the reference: cat's formatter before rows were written in place ----

function scalarJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return 'null';
}

function pathBase64(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? undefined : Buffer.from(bytes).toString('base64');
}

function quotedField(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from('"'), Buffer.from(Buffer.from(bytes).toString('latin1').replaceAll('"', '""'), 'latin1'), Buffer.from('"')]);
}

function csvInt(v: number | bigint | null): string {
  return v === null ? '' : String(v);
}

const j = scalarJson;

function entryToNdjson(e: WalkEntry): string {
  const base64 = pathBase64(e.pathBytes);
  return (
    `{"path":${j(e.path)},"type":${j(e.type)},"size":${j(e.size)},"blocks":${j(e.blocks)},"mode":${j(e.mode)},` +
    `"uid":${j(e.uid)},"gid":${j(e.gid)},"nlink":${j(e.nlink)},"inode":${j(e.inode)},"parentInode":${j(e.parentInode)},` +
    `"dev":${j(e.dev)},"atime":${j(e.atimeExact)},"mtime":${j(e.mtimeExact)},"ctime":${j(e.ctimeExact)},"depth":${j(e.depth)}` +
    `${base64 === undefined ? '' : `,"pathBase64":${j(base64)}`}}\n`
  );
}

function errorToNdjson(e: WalkEntryError): string {
  const base64 = pathBase64(e.pathBytes);
  return `{"path":${j(e.path)},"syscall":${j(e.syscall)},"code":${j(e.code)}${base64 === undefined ? '' : `,"pathBase64":${j(base64)}`}}\n`;
}

function entryToCsv(e: WalkEntry): Buffer {
  const rest =
    `,${e.type},${e.size},${csvInt(e.blocks)},${csvInt(e.mode)},${csvInt(e.uid)},${csvInt(e.gid)},${csvInt(e.nlink)},` +
    `${e.inode},${e.parentInode},${csvInt(e.dev)},${csvInt(e.atimeExact)},${e.mtimeExact},${csvInt(e.ctimeExact)},${e.depth}\r\n`;
  return Buffer.concat([quotedField(e.pathBytes), Buffer.from(rest)]);
}

function errorToCsv(e: WalkEntryError): Buffer {
  return Buffer.concat([quotedField(e.pathBytes), Buffer.from(`,${e.syscall},${e.code}\r\n`)]);
}

function pwalkExtension(e: WalkEntry): Uint8Array {
  if (e.type === 'dir') return new Uint8Array(0);
  const rel = e.relativePathBytes;
  let start = rel.length;
  while (start > 0 && rel[start - 1] !== 0x2f) start--;
  for (let i = rel.length - 1; i >= start; i--) if (rel[i] === 0x2e) return rel.subarray(i + 1);
  return new Uint8Array(0);
}

function entryToPwalk(e: WalkEntry, dir: DirectoryTotal | undefined): Buffer {
  const head = `${e.inode},${e.parentInode},${e.depth - 1},`;
  const tail =
    `,${e.uid},${e.gid},${e.size},${e.dev},${e.blocks},${e.nlink},"${e.mode!.toString(8).padStart(7, '0')}",` +
    `${e.atimeExact},${e.mtimeExact},${e.ctimeExact},${dir === undefined ? -1 : dir.directEntries},${dir === undefined ? 0 : dir.directBytes}\n`;
  return Buffer.concat([Buffer.from(head), quotedField(e.pathBytes), Buffer.from(','), quotedField(pwalkExtension(e)), Buffer.from(tail)]);
}

const ENTRY_HEADER = 'path,type,size,blocks,mode,uid,gid,nlink,inode,parentInode,dev,atime,mtime,ctime,depth\r\n';
const PWALK_HEADER =
  'inode,parent-inode,directory-depth,"filename","fileExtension",UID,GID,st_size,st_dev,st_blocks,st_nlink,"st_mode",st_atime,st_mtime,st_ctime,pw_fcount,pw_dirsum\n';

async function reference(walk: Walk, format: 'ndjson' | 'csv' | 'pwalk' | 'ndjson-errors' | 'csv-errors', sort: 'path' | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (format === 'csv') parts.push(Buffer.from(ENTRY_HEADER));
  if (format === 'csv-errors') parts.push(Buffer.from('path,syscall,code\r\n'));
  if (format === 'pwalk') parts.push(Buffer.from(PWALK_HEADER));
  if (format.endsWith('errors')) {
    for await (const e of walk.errors({ sort })) parts.push(format === 'csv-errors' ? errorToCsv(e) : Buffer.from(errorToNdjson(e)));
    return Buffer.concat(parts);
  }
  const totals = new Map((await directoryTotals(walk)).map((t) => [Buffer.from(t.relativePathBytes).toString('latin1'), t]));
  for await (const e of walk.records({ sort })) {
    if (format === 'ndjson') parts.push(Buffer.from(entryToNdjson(e)));
    else if (format === 'csv') parts.push(entryToCsv(e));
    else parts.push(entryToPwalk(e, e.type === 'dir' ? totals.get(Buffer.from(e.relativePathBytes).toString('latin1')) : undefined));
  }
  return Buffer.concat(parts);
}

// ---- the tree ----

let base: string;
let full: string;
let compact: string;
let plain: string;

describe('cat output bytes', () => {
  beforeAll(async () => {
    base = makeTempBase('catbytes');
    chmodSync(base, 0o777);
    // The root's own name needs quoting in CSV and escaping in JSON.
    const tree = join(base, 'root "q\\');
    mkdirSync(tree);
    // The same tree under a root that needs no quoting or escaping: its ndjson rows are the ones written from a block's columns (frame-rows.ts).
    const plainTree = join(base, 'plain');
    mkdirSync(plainTree);
    for (const root of [tree, plainTree])
      py(
        `import os,sys
r=sys.argv[1].encode()
def w(p,n=3):
  os.makedirs(os.path.dirname(p),exist_ok=True)
  open(p,'wb').write(b'x'*n)
names=[bytes([c]) for c in range(1,32)]+[b'"', b'\\\\', b'\\x7f', b'q"u,o\\\\te.txt', b'caf\\xc3\\xa9 \\xe3\\x83\\x87.tar.gz', b'bad\\xff\\xfe.c', b'half\\xe3\\x83', b'.hidden', b'dots.a.b.']
for i,n in enumerate(names):
  w(os.path.join(r,b'names',n),i)
os.makedirs(os.path.join(r,b'dir\\n\\x01"x'))
w(os.path.join(r,b'dir\\n\\x01"x',b'\\xffin'),1)
f=open(os.path.join(r,b'sparse.big'),'wb'); f.truncate(2**40+7); f.close()
f=open(os.path.join(r,b'sparse.huge'),'wb'); f.truncate(2**43+3); f.close()
w(os.path.join(r,b'old'),1)
os.utime(os.path.join(r,b'old'),ns=(-(2**33)*10**9-5,-86400*10**9+1))
os.link(os.path.join(r,b'old'),os.path.join(r,b'names',b'old.link'))
os.symlink(b'names',os.path.join(r,b'link'))
os.makedirs(os.path.join(r,b'shut',b'inner'))
os.chmod(os.path.join(r,b'shut'),0)
os.makedirs(os.path.join(r,b'\\xfeshut'))
os.chmod(os.path.join(r,b'\\xfeshut'),0)`,
        root,
      );
    full = join(base, 'full');
    compact = join(base, 'compact');
    // As nobody, the shut directories are error records.
    expect((await runCli([tree, '--out', full, '--quiet'], { asNobody: true })).code).toBe(1);
    await runCliOk([tree, '--compact', '--out', compact, '--quiet']);
    plain = join(base, 'plain-walk');
    await runCliOk([plainTree, '--out', plain, '--quiet']);
  }, 60_000);
  afterAll(() => removeTempBase(base));

  const cases = [
    { name: 'ndjson', args: ['--format', 'ndjson'], format: 'ndjson' },
    { name: 'csv', args: ['--format', 'csv', '--header'], format: 'csv' },
    { name: 'pwalk', args: ['--format', 'pwalk', '--header'], format: 'pwalk' },
    { name: 'ndjson errors', args: ['--format', 'ndjson', '--errors'], format: 'ndjson-errors' },
    { name: 'csv errors', args: ['--format', 'csv', '--errors', '--header'], format: 'csv-errors' },
  ] as const;

  for (const c of cases) {
    for (const sort of [undefined, 'path'] as const) {
      it(`${c.name}${sort === undefined ? '' : ' --sort path'} is byte for byte the reference formatter's`, async () => {
        const args = ['cat', full, ...c.args, ...(sort === undefined ? [] : ['--sort', sort])];
        const r = await runCli(args);
        expect(r.code, r.stderr).toBe(0);
        const expected = await reference(await openWalk(full), c.format, sort);
        // Both shut directories are error records; every entry (46) is a row.
        expect(expected.toString('latin1').split('\n').length).toBeGreaterThan(c.format.endsWith('errors') ? 2 : 46);
        expect(r.stdoutBytes.equals(expected)).toBe(true);
      });
    }
  }

  it("a walk under a plain root, in every format and with 1 and 2 threads, is byte for byte the reference formatter's", async () => {
    const walk = await openWalk(plain);
    for (const c of cases.slice(0, 3)) {
      const expected = await reference(walk, c.format, undefined);
      expect(expected.toString('latin1')).toContain(c.format === 'ndjson' ? '"path":"/' : '"/');
      for (const workers of ['1', '2']) {
        const r = await runCliOk(['cat', plain, ...c.args, '--workers', workers]);
        expect(r.stdoutBytes.equals(expected), `${c.name} --workers ${workers}`).toBe(true);
      }
    }
  });

  it("a --compact walk (null fields) in ndjson and csv is byte for byte the reference formatter's", async () => {
    const walk = await openWalk(compact);
    for (const [format, args] of [
      ['ndjson', ['--format', 'ndjson']],
      ['csv', ['--format', 'csv', '--header']],
    ] as const) {
      const r = await runCliOk(['cat', compact, ...args]);
      expect(r.stdoutBytes.toString('latin1')).toContain(format === 'csv' ? ',,' : '"blocks":null');
      expect(r.stdoutBytes.equals(await reference(walk, format, undefined))).toBe(true);
    }
  });
});
