const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A walk records whole seconds: find's ten-digit fraction is always zero. */
const FRACTION = '.0000000000';

/** The letters of %Ak, %Ck and %Tk taken (find's list, as strftime(3) in the C locale). */
export const TIME_LETTERS: ReadonlySet<string> = new Set('@HIklMprSTX+aAbBcdDFhjmUuwWxyYz'.split(''));

const two = (n: number): string => String(n).padStart(2, '0');
const spaced = (n: number): string => String(n).padStart(2, ' ');

/**
 * One time of an entry as find's -printf prints it, in local time (TZ): `form` ''
 * for %a, %c and %t (ctime(3)'s form with find's fraction), else the letter after
 * %A, %C or %T.
 */
export function timeDirective(seconds: number | bigint, form: string): string {
  if (form === '@') return `${seconds}${FRACTION}`;
  const date = localDate(seconds);
  const hour = date.getHours();
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const clock = (): string => `${two(hour)}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const ymd = (): string => `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  switch (form) {
    case '':
      return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${spaced(date.getDate())} ${clock()}${FRACTION} ${date.getFullYear()}`;
    case 'H':
      return two(hour);
    case 'I':
      return two(hour12);
    case 'k':
      return spaced(hour);
    case 'l':
      return spaced(hour12);
    case 'M':
      return two(date.getMinutes());
    case 'p':
      return hour < 12 ? 'AM' : 'PM';
    case 'r':
      return `${two(hour12)}:${two(date.getMinutes())}:${two(date.getSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
    case 'S':
      return `${two(date.getSeconds())}${FRACTION}`;
    case 'T':
    case 'X':
      return `${clock()}${FRACTION}`;
    case '+':
      return `${ymd()}+${clock()}${FRACTION}`;
    case 'a':
      return DAYS[date.getDay()]!;
    case 'A':
      return DAY_NAMES[date.getDay()]!;
    case 'b':
    case 'h':
      return MONTHS[date.getMonth()]!;
    case 'B':
      return MONTH_NAMES[date.getMonth()]!;
    case 'c':
      return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${spaced(date.getDate())} ${clock()} ${date.getFullYear()}`;
    case 'd':
      return two(date.getDate());
    case 'D':
    case 'x':
      return `${two(date.getMonth() + 1)}/${two(date.getDate())}/${two(date.getFullYear() % 100)}`;
    case 'F':
      return ymd();
    case 'j':
      return String(dayOfYear(date)).padStart(3, '0');
    case 'm':
      return two(date.getMonth() + 1);
    case 'U':
      return two(Math.floor((dayOfYear(date) - 1 + 7 - date.getDay()) / 7));
    case 'W':
      return two(Math.floor((dayOfYear(date) - 1 + 7 - ((date.getDay() + 6) % 7)) / 7));
    case 'w':
      return String(date.getDay());
    case 'u':
      return String(date.getDay() === 0 ? 7 : date.getDay());
    case 'y':
      return two(date.getFullYear() % 100);
    case 'Y':
      return String(date.getFullYear());
    case 'z':
      return utcOffset(date);
    default:
      throw new RangeError(`time form ${form}`);
  }
}

let lastSeconds: number | bigint | undefined;
let lastDate = new Date(0);

/**
 * The local time of `seconds`, the last one kept. Perf: a format such as
 * %TY-%Tm-%Td asks for the same time three times per entry; one Date per entry (and
 * only the strings a form needs) took `-printf '%p %s %u %TY-%Tm-%Td\n'` on the 1 M-entry
 * walk from 4.7-5.7 s of CPU to 3.5-3.6 s (3 runs each, a loaded machine).
 */
function localDate(seconds: number | bigint): Date {
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastDate = new Date(Number(seconds) * 1000);
  }
  return lastDate;
}

function dayOfYear(date: Date): number {
  const start = new Date(date.getFullYear(), 0, 1);
  return Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(start.getFullYear(), 0, 1)) / 86_400_000) + 1;
}

function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}
