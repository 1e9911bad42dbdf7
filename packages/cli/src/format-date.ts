const SECONDS_PER_DAY = 86_400n;
/** Days in 400 Gregorian years: the calendar repeats after them. */
const DAYS_PER_ERA = 146_097n;
/** Days from 0000-03-01 to 1970-01-01: the count below starts its years in March, so leap days end them. */
const EPOCH_SHIFT = 719_468n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * The UTC calendar date (proleptic Gregorian) of whole seconds since 1970, in
 * ISO 8601: `YYYY-MM-DD`, and for years before 0000 or past 9999 the expanded form
 * with a sign and at least six digits (`+010000-01-01`, as Date's toISOString
 * writes it). The one place every command, report, diff and page turns a time into
 * a date. Date holds only ±8.64e12 s and throws past it, but a file's time is any
 * i64, so the days are counted here (Howard Hinnant's days_from_civil inverse) in
 * bigints: exact for every time, never an exception.
 */
export function isoDate(seconds: number | bigint): string {
  const z = floorDiv(BigInt(seconds), SECONDS_PER_DAY) + EPOCH_SHIFT;
  const era = floorDiv(z, DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = (dayOfEra - dayOfEra / 1460n + dayOfEra / 36_524n - dayOfEra / 146_096n) / 365n;
  const dayOfYear = dayOfEra - (365n * yearOfEra + yearOfEra / 4n - yearOfEra / 100n);
  const monthFromMarch = (5n * dayOfYear + 2n) / 153n;
  const day = dayOfYear - (153n * monthFromMarch + 2n) / 5n + 1n;
  const month = monthFromMarch < 10n ? monthFromMarch + 3n : monthFromMarch - 9n;
  const year = yearOfEra + era * 400n + (month <= 2n ? 1n : 0n);
  const monthDay = `-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (year >= 0n && year <= 9999n) return String(year).padStart(4, '0') + monthDay;
  const digits = String(year < 0n ? -year : year).padStart(6, '0');
  return (year < 0n ? '-' : '+') + digits + monthDay;
}

/** `YYYY-MM-DD HH:MM:SS UTC` of whole seconds since 1970: isoDate and the time of day, exact for every time. */
export function isoDateTime(seconds: number | bigint): string {
  const s = BigInt(seconds);
  const ofDay = Number(s - floorDiv(s, SECONDS_PER_DAY) * SECONDS_PER_DAY);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${isoDate(s)} ${two(Math.floor(ofDay / 3600))}:${two(Math.floor((ofDay % 3600) / 60))}:${two(ofDay % 60)} UTC`;
}
