import type { GrowableBytes } from './growable-bytes.js';

// The few parts of thrift's compact protocol a Parquet page header needs: i32 fields,
// a boolean, nested structs. Field ids ascend within each struct, as the protocol's
// short (delta) field headers require.
const BOOLEAN_TRUE = 1;
const BOOLEAN_FALSE = 2;
const I32 = 5;
const STRUCT = 12;
const STOP = 0;

export const PageType = { DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;
export const Encoding = { PLAIN: 0, RLE_DICTIONARY: 8 } as const;

/** A struct's fields, in ascending id order: a number is an i32, a boolean a bool, an object a nested struct. */
export type ThriftFields = readonly (readonly [id: number, value: number | boolean | ThriftFields])[];

function fieldHeader(out: GrowableBytes, delta: number, type: number): void {
  // Every field id of a page header is within 15 of the one before it.
  out.byte((delta << 4) | type);
}

/** Writes `fields` as one compact-protocol struct, its STOP included. */
export function writeStruct(out: GrowableBytes, fields: ThriftFields): void {
  let last = 0;
  for (const [id, value] of fields) {
    if (typeof value === 'number') {
      fieldHeader(out, id - last, I32);
      out.varint((value << 1) ^ (value >> 31));
    } else if (typeof value === 'boolean') {
      fieldHeader(out, id - last, value ? BOOLEAN_TRUE : BOOLEAN_FALSE);
    } else {
      fieldHeader(out, id - last, STRUCT);
      writeStruct(out, value);
    }
    last = id;
  }
  out.byte(STOP);
}

/** A dictionary page's header (PageHeader with a DictionaryPageHeader, values PLAIN). */
export function writeDictionaryPageHeader(out: GrowableBytes, uncompressed: number, compressed: number, values: number): void {
  writeStruct(out, [
    [1, PageType.DICTIONARY_PAGE],
    [2, uncompressed],
    [3, compressed],
    [
      7,
      [
        [1, values],
        [2, Encoding.PLAIN],
      ],
    ],
  ]);
}

export interface DataPageV2 {
  readonly uncompressed: number;
  readonly compressed: number;
  readonly rows: number;
  readonly nulls: number;
  readonly encoding: number;
  readonly definitionLevelsBytes: number;
}

/** A data page's header (PageHeader with a DataPageHeaderV2; no repetition levels, values compressed). */
export function writeDataPageV2Header(out: GrowableBytes, page: DataPageV2): void {
  writeStruct(out, [
    [1, PageType.DATA_PAGE_V2],
    [2, page.uncompressed],
    [3, page.compressed],
    [
      8,
      [
        [1, page.rows],
        [2, page.nulls],
        [3, page.rows],
        [4, page.encoding],
        [5, page.definitionLevelsBytes],
        [6, 0],
      ],
    ],
  ]);
}
