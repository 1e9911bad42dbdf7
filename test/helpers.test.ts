// The test helpers themselves: a comparison that cannot fail would make every walk
// test pass vacuously, so the parsers and the differ are checked against known input.
import { describe, expect, it } from 'vitest';
import { diffRecords, expectSortedEntries, orderProblems, type Rec } from './helpers/records.js';
import { parseCsv, parseJsonExact, parseNdjson } from './helpers/run-cli.js';

function rec(path: string, over: Partial<Rec> = {}): Rec {
  return {
    pathBytes: Buffer.from(path, 'latin1'),
    path,
    type: 'file',
    size: 1n,
    blocks: 8n,
    mode: 0o100644n,
    uid: 0n,
    gid: 0n,
    nlink: 1n,
    inode: 10n,
    parentInode: 2n,
    dev: 5n,
    atime: 1n,
    mtime: 2n,
    ctime: 3n,
    depth: 1n,
    ...over,
  };
}

describe('parseJsonExact', () => {
  it('keeps integers past 2^53 exact, as bigints', () => {
    const v = parseJsonExact('{"inode":1152921504606846977,"neg":-315360000,"small":0,"arr":[18446744073709551615]}') as Record<string, unknown>;
    expect(v).toEqual({ inode: 1152921504606846977n, neg: -315360000n, small: 0n, arr: [18446744073709551615n] });
  });

  it('leaves digits inside strings alone, escapes included', () => {
    const v = parseJsonExact(String.raw`{"path":"a\":12345678901234567890,\"b","x":1}`) as Record<string, unknown>;
    expect(v).toEqual({ path: 'a":12345678901234567890,"b', x: 1n });
  });

  it('keeps non-integers as numbers (so a float where an integer belongs shows up)', () => {
    expect(parseJsonExact('{"a":1.5,"b":1e21,"c":null}')).toEqual({ a: 1.5, b: 1e21, c: null });
  });

  it('parseNdjson wants a final newline and no blank lines', () => {
    expect(parseNdjson('{"a":1}\n{"a":2}\n')).toEqual([{ a: 1n }, { a: 2n }]);
    expect(() => parseNdjson('{"a":1}')).toThrow(/newline/);
    expect(() => parseNdjson('{"a":1}\n\n')).toThrow(/blank/);
  });
});

describe('parseCsv', () => {
  it('parses quoted fields with doubled quotes, commas and newlines inside, raw bytes kept', () => {
    const buf = Buffer.concat([Buffer.from('h1,h2\r\n"a ""q"",\r\nb\xff",2\r\n', 'latin1'), Buffer.from(',\r\n')]);
    const rows = parseCsv(buf);
    expect(rows.map((r) => r.map((f) => f.toString('latin1')))).toEqual([
      ['h1', 'h2'],
      ['a "q",\r\nb\xff', '2'],
      ['', ''],
    ]);
  });

  it('rejects bare LF line ends, a missing final CRLF and stray quotes', () => {
    expect(() => parseCsv(Buffer.from('a,b\n'))).toThrow(/LF/);
    expect(() => parseCsv(Buffer.from('a,b'))).toThrow(/CRLF/);
    expect(() => parseCsv(Buffer.from('a"b,c\r\n'))).toThrow(/quote/);
    expect(() => parseCsv(Buffer.from('"a"b,c\r\n'))).toThrow();
  });
});

describe('diffRecords', () => {
  it('is empty for identical sets in any order', () => {
    expect(diffRecords([rec('/r/a'), rec('/r/b')], [rec('/r/b'), rec('/r/a')])).toEqual([]);
  });

  it('reports missing, extra and duplicate records and every differing field', () => {
    const d = diffRecords([rec('/r/a', { mtime: 3n, inode: 11n }), rec('/r/x'), rec('/r/x')], [rec('/r/a'), rec('/r/b')]);
    expect(d).toHaveLength(5);
    expect(d.join('\n')).toMatch(/mtime is 3, expected 2/);
    expect(d.join('\n')).toMatch(/inode is 11, expected 10/);
    expect(d.join('\n')).toMatch(/extra record "\/r\/x"/);
    expect(d.join('\n')).toMatch(/duplicate record "\/r\/x"/);
    expect(d.join('\n')).toMatch(/missing record "\/r\/b"/);
  });

  it('tells byte-different paths apart (no lossy decoding in the key)', () => {
    expect(diffRecords([rec('/r/\xff')], [rec('/r/\xfe')])).toHaveLength(2);
  });

  it('null differs from 0', () => {
    expect(diffRecords([rec('/r/a', { blocks: null })], [rec('/r/a', { blocks: 0n })])).toHaveLength(1);
  });

  it('orderProblems flags unsorted and duplicate paths by bytes', () => {
    expect(orderProblems([rec('/r'), rec('/r/a'), rec('/r/b')])).toEqual([]);
    expect(orderProblems([rec('/r/b'), rec('/r/a')])).toHaveLength(1);
    expect(orderProblems([rec('/r/a'), rec('/r/a')])).toHaveLength(1);
    // '/' (0x2f) sorts after '-' (0x2d): byte order, not "directory first"
    expect(orderProblems([rec('/r/a-b'), rec('/r/a/b')])).toEqual([]);
  });

  it('expectSortedEntries fails on records out of order, duplicated, or not in the contract shape', () => {
    const line = (path: string, inode = 10): string =>
      `{"path":"${path}","type":"file","size":1,"blocks":8,"mode":33188,"uid":0,"gid":0,"nlink":1,"inode":${inode},"parentInode":2,"dev":5,"atime":1,"mtime":2,"ctime":3,"depth":1}\n`;
    expect(expectSortedEntries(line('/r/a') + line('/r/b')).map((r) => r.path)).toEqual(['/r/a', '/r/b']);
    expect(() => expectSortedEntries(line('/r/b') + line('/r/a'))).toThrow();
    expect(() => expectSortedEntries(line('/r/a') + line('/r/a'))).toThrow();
    expect(() => expectSortedEntries(line('/r/a').replace('"depth":1', '"depth":1.5'))).toThrow();
  });
});
