/**
 * 1536 -> "1.5 KiB": for people; exact byte counts go in machine output. Self-contained
 * (no module constant): the report page's script takes it by its source (drill-down-page.ts).
 */
export function humanBytes(bytes: bigint | number): string {
  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

export function humanCount(n: number | bigint): string {
  return n.toLocaleString('en-US');
}

/** A count in at most 6 characters, for narrow columns: 9999, 12.3k, 456k, 1.2M, 34G. */
export function shortCount(n: number): string {
  if (n < 10_000) return String(n);
  const units = ['k', 'M', 'G', 'T', 'P'];
  let value = n;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 100 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/** A change in bytes for people: "+1.50 GiB", "-12.0 KiB", "0 B". */
export function humanSignedBytes(delta: bigint): string {
  if (delta === 0n) return '0 B';
  return delta < 0n ? `-${humanBytes(-delta)}` : `+${humanBytes(delta)}`;
}

/** A change in a count: "+1,234", "-5", "0". */
export function humanSignedCount(delta: number | bigint): string {
  return delta > 0 ? `+${humanCount(delta)}` : humanCount(delta);
}

/** The exact figure behind a human one, for tooltips: "1,610,612,736 bytes". */
export function exactBytes(bytes: bigint | number): string {
  return `${BigInt(bytes).toLocaleString('en-US')} bytes`;
}
