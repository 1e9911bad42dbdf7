import { isUtf8 } from 'node:buffer';
import type { ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet-writer';
import type { BytesData, IntegerData, StringData } from './column-values.js';
import type { ParquetColumn } from './columns.js';
import { GrowableBytes } from './growable-bytes.js';
import { MAX_BIT_WIDTH, bitWidthFor, writeRleHybrid } from './rle-hybrid.js';
import { Encoding, writeDataPageV2Header, writeDictionaryPageHeader } from './thrift-compact.js';

type RowGroup = ParquetWriter['row_groups'][number];
export type ColumnChunk = RowGroup['columns'][number];
type Statistics = NonNullable<NonNullable<ColumnChunk['meta_data']>['statistics']>;

/** Values looked at to choose an 'auto' column's encoding. */
const ENCODING_SAMPLE = 2048;
/**
 * Above this share of distinct values in the sample, a dictionary cannot halve a 64-bit
 * column (8 bytes per distinct value plus an index per row). Perf: the sample decides
 * in a few microseconds where building the whole dictionary first cost a sixth of an
 * export on a tree of unique times; a borderline column is written PLAIN.
 */
const DICTIONARY_MAX_DISTINCT = 0.3;
const TWO_32 = 4294967296;

/** A column chunk whose dictionary page (if any) is written and whose data page is not yet. */
interface PendingChunk {
  readonly start: number;
  /** The dictionary page's uncompressed size, header included; 0 without one. */
  readonly dictionaryBytes: number;
  readonly encoding: number;
  /** The data page's values, uncompressed, and compressed when that is known already. */
  readonly raw: Uint8Array;
  readonly compressed?: Uint8Array;
  readonly rows: number;
  readonly nulls: number;
  /** Per row 1, or 0 for NULL; null for a REQUIRED column. */
  readonly defined: Uint8Array | null;
  readonly statistics?: Statistics | undefined;
}

/**
 * What encodes one row group's column chunks, reused for every group: the group's
 * bytes, and scratch for a page's values, levels and dictionary indices.
 */
export class ChunkWriter {
  readonly out: GrowableBytes;
  private readonly page: GrowableBytes;
  private readonly levels: GrowableBytes;
  private readonly words: Int32Array;
  private readonly indices: Int32Array;
  /** The last BYTE_ARRAY page of this group and its compressed bytes: `path` is most often `path_bytes`' page itself. */
  private lastBytes: { readonly page: Uint8Array; readonly compressed: Uint8Array } | null = null;
  private compress: (bytes: Uint8Array) => Uint8Array;

  constructor(
    capacity: number,
    private readonly compressor: () => (bytes: Uint8Array) => Uint8Array,
  ) {
    this.compress = compressor();
    this.out = new GrowableBytes(capacity * 64);
    this.page = new GrowableBytes(1024);
    this.levels = new GrowableBytes(1024);
    this.words = new Int32Array(2 * capacity);
    this.indices = new Int32Array(capacity);
  }

  /**
   * Empties the group's bytes for the next group, with a new compressor. Why new: the
   * Snappy codec keeps its match table from one call to the next, so a page's bytes
   * would depend on the pages compressed before it, in whichever thread; a group's
   * bytes must depend on the group alone, for the file to be the same whatever the
   * number of threads.
   */
  startGroup(): void {
    this.out.reset();
    this.lastBytes = null;
    this.compress = this.compressor();
  }

  /** An INT32 / INT64 column: a dictionary where the column asks for one (or 'auto' and a sample says it pays), else PLAIN. */
  integers(column: ParquetColumn<unknown>, values: IntegerData, rows: number): ColumnChunk {
    const statistics = column.statistics ? integerStatistics(values, rows) : undefined;
    const start = this.out.length;
    let dictionaryBytes = 0;
    let encoding: number = Encoding.PLAIN;
    const dictionary = this.wantsDictionary(column, values, rows) ? this.integerDictionary(values, rows) : null;
    this.page.reset();
    if (dictionary !== null) {
      const words = this.words;
      const bytes = plainIntegers(Float64Array.from(dictionary), null, dictionary.length, new Map(), values.physical, words);
      dictionaryBytes = this.writeDictionaryPage(new Uint8Array(words.buffer, 0, bytes), dictionary.length);
      this.indexPage(this.indices, rows - values.nulls, bitWidthFor(dictionary.length));
      encoding = Encoding.RLE_DICTIONARY;
    } else {
      const bytes = plainIntegers(values.numbers, values.defined, rows, values.bigs, values.physical, this.words);
      this.page.append(new Uint8Array(this.words.buffer, 0, bytes));
    }
    return this.finishChunk(column.element, {
      start,
      dictionaryBytes,
      encoding,
      raw: this.page.view(),
      rows,
      nulls: values.nulls,
      defined: values.defined,
      statistics,
    });
  }

  /** A few-valued string column: always a dictionary. */
  strings(column: ParquetColumn<unknown>, values: StringData, rows: number): ColumnChunk {
    const start = this.out.length;
    const dictionary = new GrowableBytes(256);
    for (const s of values.dictionary) {
      const bytes = Buffer.from(s);
      dictionary.uint32(bytes.length);
      dictionary.append(bytes);
    }
    const dictionaryBytes = this.writeDictionaryPage(dictionary.view(), values.dictionary.length);
    this.page.reset();
    this.indexPage(values.indices, rows, bitWidthFor(values.dictionary.length));
    const raw = this.page.view();
    return this.finishChunk(column.element, { start, dictionaryBytes, encoding: Encoding.RLE_DICTIONARY, raw, rows, nulls: 0, defined: null });
  }

  /**
   * A REQUIRED BYTE_ARRAY column written PLAIN: `page` is its values in the page's
   * layout. Perf: a page that is the group's previous BYTE_ARRAY page (the same bytes
   * of the same buffer) is not compressed again.
   */
  bytes(column: ParquetColumn<unknown>, page: Uint8Array, rows: number): ColumnChunk {
    const last = this.lastBytes;
    const same = last !== null && last.page.buffer === page.buffer && last.page.byteOffset === page.byteOffset && last.page.length === page.length;
    const compressed = same ? last.compressed : this.compress(page);
    this.lastBytes = { page, compressed };
    const start = this.out.length;
    return this.finishChunk(column.element, { start, dictionaryBytes: 0, encoding: Encoding.PLAIN, raw: page, compressed, rows, nulls: 0, defined: null });
  }

  private wantsDictionary(column: ParquetColumn<unknown>, values: IntegerData, rows: number): boolean {
    // A value past 2^53 has no exact number to key a dictionary with: such a group is PLAIN.
    if (column.encoding === 'PLAIN' || values.bigs.size > 0) return false;
    if (column.encoding === 'RLE_DICTIONARY') return true;
    const sample = Math.min(rows, ENCODING_SAMPLE);
    if (sample === 0) return false;
    const distinct = new Set<number>();
    for (let k = 0; k < sample; k++) distinct.add(values.numbers[Math.floor((k * rows) / sample)]!);
    return distinct.size <= sample * DICTIONARY_MAX_DISTINCT;
  }

  /**
   * The column's distinct values in first-seen order, with each non-NULL row's index
   * into them in `indices`; null when there are too many for the bit packer. Perf: a
   * row equal to the one before (a directory's files share uid, gid, mode, dev) skips
   * the Map.
   */
  private integerDictionary(values: IntegerData, rows: number): number[] | null {
    const { numbers, defined } = values;
    const indices = this.indices;
    const index = new Map<number, number>();
    const dictionary: number[] = [];
    let previous = NaN;
    let previousIndex = -1;
    let k = 0;
    for (let at = 0; at < rows; at++) {
      if (defined !== null && defined[at] === 0) continue;
      const v = numbers[at]!;
      if (v !== previous) {
        let d = index.get(v);
        if (d === undefined) {
          d = dictionary.length;
          index.set(v, d);
          dictionary.push(v);
        }
        previous = v;
        previousIndex = d;
      }
      indices[k++] = previousIndex;
    }
    return bitWidthFor(dictionary.length) > MAX_BIT_WIDTH ? null : dictionary;
  }

  /** A dictionary-encoded data page's values: the indices' bit width, then the indices RLE / bit-packed. */
  private indexPage(indices: Int32Array, count: number, bitWidth: number): void {
    this.page.byte(bitWidth);
    writeRleHybrid(this.page, indices, count, bitWidth);
  }

  /** Writes a dictionary page; returns its uncompressed size, its header included. */
  private writeDictionaryPage(raw: Uint8Array, count: number): number {
    const compressed = this.compress(raw);
    const start = this.out.length;
    writeDictionaryPageHeader(this.out, raw.length, compressed.length, count);
    const header = this.out.length - start;
    this.out.append(compressed);
    return header + raw.length;
  }

  /** Writes the data page (levels, then the compressed values) and returns the chunk's metadata. */
  private finishChunk(element: SchemaElement, chunk: PendingChunk): ColumnChunk {
    const { start, dictionaryBytes, encoding, raw, rows, nulls, defined, statistics } = chunk;
    const compressed = chunk.compressed ?? this.compress(raw);
    const dataStart = this.out.length;
    const levels = this.levels;
    levels.reset();
    if (defined !== null) {
      // Definition levels (bit width 1): one RLE run when no row is NULL.
      if (nulls === 0) {
        levels.varint(rows * 2);
        levels.byte(1);
      } else writeRleHybrid(levels, defined, rows, 1);
    }
    writeDataPageV2Header(this.out, {
      uncompressed: levels.length + raw.length,
      compressed: levels.length + compressed.length,
      rows,
      nulls,
      encoding,
      definitionLevelsBytes: levels.length,
    });
    this.out.append(levels.view());
    this.out.append(compressed);
    const dataHeader = this.out.length - dataStart - levels.length - compressed.length;
    const isDictionary = encoding === Encoding.RLE_DICTIONARY;
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: element.type!,
        encodings: isDictionary ? ['PLAIN', 'RLE_DICTIONARY'] : ['PLAIN'],
        path_in_schema: [element.name],
        codec: 'SNAPPY',
        num_values: BigInt(rows),
        total_compressed_size: BigInt(this.out.length - start),
        total_uncompressed_size: BigInt(dictionaryBytes + dataHeader + levels.length + raw.length),
        data_page_offset: BigInt(dataStart),
        dictionary_page_offset: isDictionary ? BigInt(start) : undefined,
        statistics,
        encoding_stats: [
          ...(isDictionary ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
          { page_type: 'DATA_PAGE_V2' as const, encoding: isDictionary ? ('RLE_DICTIONARY' as const) : ('PLAIN' as const), count: 1 },
        ],
      },
    };
  }
}

/**
 * Writes the non-NULL values of `numbers` (rows `bigs` past 2^53 from there) PLAIN as
 * little-endian INT32 or INT64 into `words`; returns the byte count. Perf: an int64 is
 * written as its two 32-bit halves (a typed-array store truncates the low one), a
 * BigInt only for a value past 2^53.
 */
function plainIntegers(
  numbers: Float64Array,
  defined: Uint8Array | null,
  rows: number,
  bigs: ReadonlyMap<number, bigint>,
  physical: 'INT32' | 'INT64',
  words: Int32Array,
): number {
  let k = 0;
  if (physical === 'INT32') {
    for (let at = 0; at < rows; at++) if (defined === null || defined[at] === 1) words[k++] = numbers[at]!;
    return 4 * k;
  }
  const big = bigs.size > 0 ? new BigInt64Array(words.buffer) : null;
  for (let at = 0; at < rows; at++) {
    if (defined !== null && defined[at] === 0) continue;
    const v = numbers[at]!;
    if (v >= 0 && v < TWO_32) {
      words[2 * k] = v;
      words[2 * k + 1] = 0;
    } else if (v === v) {
      words[2 * k] = v;
      words[2 * k + 1] = Math.floor(v / TWO_32);
    } else big![k] = BigInt.asIntN(64, bigs.get(at)!);
    k++;
  }
  return 8 * k;
}

/** Min, max and NULL count of a column's values, compared as the integers they are (unsigned columns hold no negative value). */
function integerStatistics(values: IntegerData, rows: number): Statistics {
  const { numbers, defined } = values;
  let min = Infinity;
  let max = -Infinity;
  for (let at = 0; at < rows; at++) {
    if (defined !== null && defined[at] === 0) continue;
    const v = numbers[at]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let minValue: number | bigint | undefined = min === Infinity ? undefined : min;
  let maxValue: number | bigint | undefined = max === -Infinity ? undefined : max;
  for (const big of values.bigs.values()) {
    if (minValue === undefined || big < minValue) minValue = big;
    if (maxValue === undefined || big > maxValue) maxValue = big;
  }
  if (values.physical === 'INT64') {
    minValue = minValue === undefined ? undefined : BigInt(minValue);
    maxValue = maxValue === undefined ? undefined : BigInt(maxValue);
  }
  return { min_value: minValue, max_value: maxValue, null_count: BigInt(values.nulls) };
}

/**
 * The `path` column's page from `path_bytes`' rows: the same bytes where they are
 * UTF-8 (every row whose bytes are all ASCII, and most others), the UTF-8 of their
 * lossy decoding (U+FFFD for each bad sequence) elsewhere. Perf: when every row is
 * UTF-8, the page is `path_bytes`' page itself.
 */
export function utf8Page(source: BytesData): Uint8Array {
  const data = source.page;
  const ends = source.ends;
  const startOf = (at: number): number => (at === 0 ? 4 : ends[at - 1]! + 4);
  const bad = source.maybeNotUtf8.filter((at) => !isUtf8(data.subarray(startOf(at), ends[at])));
  if (bad.length === 0) return data;
  const out = new GrowableBytes(data.length + 3 * bad.length);
  let from = 0;
  for (const at of bad) {
    const start = startOf(at);
    out.append(data.subarray(from, start - 4));
    const lossy = Buffer.from(Buffer.from(data.buffer, data.byteOffset + start, ends[at]! - start).toString('utf8'));
    out.uint32(lossy.length);
    out.append(lossy);
    from = ends[at]!;
  }
  out.append(data.subarray(from));
  return out.view();
}
