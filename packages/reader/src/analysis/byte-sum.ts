/** A byte amount as the hot loops carry it: a number while exact (below 2^53), else a bigint. */
export type ByteAmount = number | bigint;

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * An exact sum of byte amounts, the one every analysis adds with. Perf: it adds in a
 * double while the running sum stays exact (at most 2^53 - 1 in magnitude) and spills
 * into a bigint when it would not, so the usual addition makes no BigInt at all. A
 * double sum of two integers is correctly rounded, so a true sum past 2^53 - 1 always
 * shows as one.
 */
export class ByteSum {
  private small = 0;
  private big = 0n;

  add(amount: ByteAmount): void {
    if (typeof amount === 'number') {
      const sum = this.small + amount;
      if (isExact(sum)) {
        this.small = sum;
        return;
      }
      this.big += BigInt(this.small) + BigInt(amount);
      this.small = 0;
      return;
    }
    this.big += amount;
  }

  /** Adds another sum. Perf: no BigInt is made while both stay below 2^53 (a roll-up adds one per directory). */
  addSum(other: ByteSum): void {
    this.add(other.small);
    if (other.big !== 0n) this.big += other.big;
  }

  subtract(amount: ByteAmount): void {
    this.add(-amount);
  }

  /** The sum as an exact amount: a number below 2^53, else a bigint (ranking many sums makes no BigInt for each). */
  amount(): ByteAmount {
    return this.big === 0n ? this.small : this.value();
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/** Whether a double sum of two exact integers is exact: a true sum past 2^53 - 1 always shows as one (correct rounding). */
function isExact(sum: number): boolean {
  return sum <= MAX_EXACT && sum >= -MAX_EXACT;
}

/**
 * A ByteSum per row of a table (directory-table.ts), by ByteSum's rule: a double per
 * row while exact, and the rows that pass 2^53 spilled into a bigint each. Perf: one
 * Float64Array for every row, not a ByteSum object per row (141 k directories made
 * 423 k objects that outlived young-generation collections).
 */
export class ByteColumn {
  small: Float64Array;
  private readonly big = new Map<number, bigint>();

  constructor(capacity: number) {
    this.small = new Float64Array(capacity);
  }

  add(row: number, amount: ByteAmount): void {
    if (typeof amount === 'number') {
      const sum = this.small[row]! + amount;
      if (isExact(sum)) {
        this.small[row] = sum;
        return;
      }
      this.spill(row, BigInt(this.small[row]!) + BigInt(amount));
      this.small[row] = 0;
      return;
    }
    this.spill(row, amount);
  }

  /** Adds row `from`'s sum into row `to`'s. */
  addRow(to: number, from: number): void {
    this.add(to, this.small[from]!);
    const big = this.big.get(from);
    if (big !== undefined) this.spill(to, big);
  }

  value(row: number): bigint {
    return (this.big.get(row) ?? 0n) + BigInt(this.small[row]!);
  }

  /** Row `row`'s sum as an exact amount: a number below 2^53, else a bigint (ranking many rows makes no BigInt for each). */
  amount(row: number): ByteAmount {
    return this.big.size === 0 || !this.big.has(row) ? this.small[row]! : this.value(row);
  }

  /** Room for `capacity` rows, the sums kept. */
  grow(capacity: number): void {
    const small = new Float64Array(capacity);
    small.set(this.small);
    this.small = small;
  }

  private spill(row: number, amount: bigint): void {
    this.big.set(row, (this.big.get(row) ?? 0n) + amount);
  }
}
