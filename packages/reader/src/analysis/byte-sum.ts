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
      if (sum <= MAX_EXACT && sum >= -MAX_EXACT) {
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
