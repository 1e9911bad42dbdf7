import { UsageError } from '../errors.js';

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * The DATE of -newermt in milliseconds since 1970. The forms taken are the ones
 * scripts write (find's own parser takes many more): `@SECONDS`, `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS[.fraction]]` (or with `T`), in local time (TZ) unless it ends
 * in `Z`, `UTC` or `+HH:MM`.
 */
export function parseDateArgument(text: string): number {
  const unknown = (): UsageError => new UsageError(`I cannot figure out how to interpret '${text}' as a date or time`);
  const epoch = /^@(-?\d+(?:\.\d+)?)$/.exec(text.trim());
  if (epoch !== null) return Number(epoch[1]) * 1000;
  const m = ISO_LIKE.exec(text.trim());
  if (m === null) throw unknown();
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) throw unknown();
  const zone = m[8];
  let ms: number;
  if (zone === undefined) {
    const date = new Date(year, month - 1, day, hour, minute, second);
    date.setFullYear(year);
    ms = date.getTime();
  } else {
    ms = Date.UTC(year, month - 1, day, hour, minute, second);
    if (/^[+-]/.test(zone)) {
      const digits = zone.replace(':', '');
      const offsetMinutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
      ms -= (zone.startsWith('-') ? -1 : 1) * offsetMinutes * 60_000;
    }
  }
  return ms + fraction;
}
