/**
 * Time as a simulated host sees it: the real clock plus the host's skew, in
 * the host's own time zone (archive names, sanoid names and `date +%z` are
 * local time; PBS snapshot paths are UTC).
 */
import { tzOffset } from '@date-fns/tz';
import type { HostState } from './types.js';

export const DAY = 86_400;
export const HOUR = 3_600;

/** The host's clock, epoch seconds with a fraction. */
export function hostNow(host: Pick<HostState, 'clockSkewSeconds'>): number {
  return Date.now() / 1000 + host.clockSkewSeconds;
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** Offset from UTC in minutes (+60 for +0100). */
  offsetMinutes: number;
}

export function offsetMinutes(epoch: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  return tzOffset(timeZone, new Date(Math.floor(epoch) * 1000));
}

export function localParts(epoch: number, timeZone: string): LocalParts {
  const off = offsetMinutes(epoch, timeZone);
  const d = new Date(Math.floor(epoch) * 1000 + off * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    offsetMinutes: off,
  };
}

/** Epoch of a wall-clock time in a zone (the earlier one when a DST change makes it ambiguous). */
export function localToEpoch(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  let guess = asUtc - offsetMinutes(asUtc, timeZone) * 60;
  guess = asUtc - offsetMinutes(guess, timeZone) * 60;
  return guess;
}

/** Midnight (local) of the day holding `epoch`. */
export function startOfLocalDay(epoch: number, timeZone: string): number {
  const p = localParts(epoch, timeZone);
  return localToEpoch(timeZone, p.year, p.month, p.day);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `+0100` */
export function formatOffset(minutes: number, colon = false): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The subset of strftime that `date +FORMAT` and log lines need. */
export function strftime(format: string, epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    let f = format[++i]!;
    let colon = false;
    if (f === ':' && format[i + 1] === 'z') {
      colon = true;
      f = format[++i]!;
    }
    switch (f) {
      case 'Y': out += String(p.year); break;
      case 'y': out += pad(p.year % 100); break;
      case 'm': out += pad(p.month); break;
      case 'd': out += pad(p.day); break;
      case 'e': out += String(p.day).padStart(2, ' '); break;
      case 'H': out += pad(p.hour); break;
      case 'M': out += pad(p.minute); break;
      case 'S': out += pad(p.second); break;
      case 's': out += String(Math.floor(epoch)); break;
      case 'z': out += formatOffset(p.offsetMinutes, colon); break;
      case 'Z': out += zoneAbbreviation(timeZone, p.offsetMinutes); break;
      case 'F': out += `${p.year}-${pad(p.month)}-${pad(p.day)}`; break;
      case 'T': out += `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`; break;
      case 'a': out += WEEKDAYS[p.weekday]; break;
      case 'b': out += MONTHS[p.month - 1]; break;
      case 'N': out += String(Math.round((epoch % 1) * 1e9)).padStart(9, '0'); break;
      case 'n': out += '\n'; break;
      case '%': out += '%'; break;
      default: out += `%${f}`;
    }
  }
  return out;
}

function zoneAbbreviation(timeZone: string, offset: number): string {
  if (offset === 0 && (timeZone === 'UTC' || timeZone === 'Etc/UTC')) return 'UTC';
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(new Date());
    const name = parts.find((x) => x.type === 'timeZoneName')?.value;
    if (name && !name.startsWith('GMT')) return name;
  } catch {
    // fall through to the numeric form, as date does for zones without a name
  }
  return formatOffset(offset);
}

/** `date` without arguments: `Wed Jan 31 02:00:01 UTC 2024`. */
export function dateDefault(epoch: number, timeZone: string): string {
  return strftime('%a %b %e %H:%M:%S %Z %Y', epoch, timeZone);
}

/** Go's RFC3339Nano in the zone: trailing zeros of the fraction dropped, `Z` for UTC. */
export function rfc3339Nano(epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone);
  const nanos = Math.round((epoch - Math.floor(epoch)) * 1e9);
  const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  const zone = p.offsetMinutes === 0 ? 'Z' : formatOffset(p.offsetMinutes, true);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}${zone}`;
}

/** Fixed-width fraction (rclone's format for a 1 ns precision backend). */
export function rfc3339Fixed(epoch: number, digits: number, timeZone = 'UTC'): string {
  const p = localParts(epoch, timeZone);
  const nanos = Math.round((epoch - Math.floor(epoch)) * 1e9);
  const frac = digits > 0 ? `.${String(nanos).padStart(9, '0').slice(0, digits)}` : '';
  const zone = p.offsetMinutes === 0 ? 'Z' : formatOffset(p.offsetMinutes, true);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}${zone}`;
}

/** Reads RFC 3339 back to epoch seconds (with fraction); NaN when it is not one. */
export function parseRfc3339(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const base = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const frac = m[7] ? Number(`0${m[7]}`) : 0;
  let off = 0;
  if (m[8] !== 'Z') {
    const sign = m[8]![0] === '-' ? -1 : 1;
    off = sign * (Number(m[8]!.slice(1, 3)) * 60 + Number(m[8]!.slice(4, 6)));
  }
  return base - off * 60 + frac;
}

/** UTC `2024-01-31T02:00:01Z`, as PBS names snapshots. */
export function isoUtc(epoch: number): string {
  return new Date(Math.floor(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads `2024-01-31T02:00:01Z` back. */
export function parseIsoUtc(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
}

/** The zone a program prints local time in: its TZ variable when that names a zone, else the host's. */
export function zoneFor(env: Readonly<Record<string, string>>, host: Pick<HostState, 'timeZone'>): string {
  const tz = env.TZ?.replace(/^:/, '');
  if (!tz) return host.timeZone;
  if (tz === 'UTC' || tz === 'UTC0' || tz === 'Etc/UTC') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    // glibc treats an unknown TZ as UTC.
    return 'UTC';
  }
}
