/**
 * Calendar fields of instants in one time zone (an IANA name or a UTC offset),
 * as the servers compute them: wall-clock year/month/day/hour and the ISO
 * week-year/week (2024-12-30 is in 2025-W01), across DST changes.
 *
 * The zone's offsets come from @date-fns/tz (the runtime's tz data). Asking
 * Intl for every instant costs ~1.5 µs, too slow for 100,000 points, so the
 * offset is looked up once per UTC week and the week's one transition, if
 * any, is found by bisection. (No real zone changes its offset twice within
 * a week.) The calendar arithmetic on the shifted time is plain integer work.
 * Period keys for many points come from `localSeconds` + civilDay/isoWeekKey,
 * without an object per point.
 */
import { tzOffset } from '@date-fns/tz';
import { err, ok, type Result } from './types.js';

export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** ISO 8601 week-numbering year and week (Monday weeks). */
  readonly isoYear: number;
  readonly isoWeek: number;
  /** Seconds east of UTC in effect at this instant. */
  readonly offsetSeconds: number;
}

export interface ZoneCalendar {
  readonly timeZone: string;
  offsetSeconds(epochSeconds: number): number;
  wall(epochSeconds: number): WallTime;
  /** Wall-clock seconds since 1970-01-01 in this zone (epoch seconds shifted by the offset). */
  localSeconds(epochSeconds: number): number;
  /**
   * The instant of a wall-clock time, out-of-range fields normalised (day 0 is
   * the last day of the previous month). A time that a DST change skips or
   * repeats is resolved exactly as Go's time.Date does (restic's AddDate).
   */
  fromWall(year: number, month: number, day: number, hour: number, minute: number, second: number): number;
  /** Go's t.AddDate(years, months, days) in this zone, keeping the clock time. */
  addDate(epochSeconds: number, years: number, months: number, days: number): number;
  /** `2024-03-31T03:30:00+02:00` */
  format(epochSeconds: number): string;
}

const WEEK = 604_800;
const DAY = 86_400;
const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** An IANA zone name (`Europe/Berlin`) or a UTC offset (`UTC`, `Z`, `+01:00`, `-0530`). */
export function zoneCalendar(timeZone: string): Result<ZoneCalendar> {
  const name = String(timeZone ?? '').trim();
  if (/^(?:UTC|GMT|Z|Etc\/UTC)$/i.test(name)) return ok(fixedCalendar(name, 0));
  const fixed = FIXED.exec(name);
  if (fixed) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? 0);
    if (hours > 23 || minutes > 59) return err('parse', `${JSON.stringify(timeZone)} is not a UTC offset`);
    return ok(fixedCalendar(name, (fixed[1] === '-' ? -1 : 1) * (hours * 3600 + minutes * 60)));
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return err('parse', `${JSON.stringify(timeZone)} is not a time zone (an IANA name like Europe/Berlin, or an offset like +01:00)`);
  }
  if (!Number.isFinite(tzOffset(name, new Date(0)))) return err('parse', `${JSON.stringify(timeZone)} is not a usable time zone`);
  return ok(zonedCalendar(name));
}

function fixedCalendar(name: string, offset: number): ZoneCalendar {
  return makeCalendar(name, () => offset);
}

function zonedCalendar(name: string): ZoneCalendar {
  const raw = (t: number): number => Math.round(tzOffset(name, new Date(t * 1000)) * 60);
  const weeks = new Map<number, { before: number; after: number; switchAt: number }>();
  return makeCalendar(name, (t) => {
    const key = Math.floor(t / WEEK);
    let w = weeks.get(key);
    if (w === undefined) {
      const start = key * WEEK;
      const end = start + WEEK - 1;
      const before = raw(start);
      const after = raw(end);
      let switchAt = end + 1;
      if (before !== after) {
        let lo = start;
        let hi = end;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (raw(mid) === before) lo = mid;
          else hi = mid;
        }
        switchAt = hi;
      }
      w = { before, after, switchAt };
      weeks.set(key, w);
    }
    return t < w.switchAt ? w.before : w.after;
  });
}

function makeCalendar(timeZone: string, offsetAt: (t: number) => number): ZoneCalendar {
  const fromWall = (year: number, month: number, day: number, hour: number, minute: number, second: number): number => {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
    const guess = offsetAt(wall);
    const utc = wall - guess;
    const actual = offsetAt(utc);
    return actual === guess ? utc : wall - actual;
  };
  const wall = (t: number): WallTime => {
    const offsetSeconds = offsetAt(t);
    const local = Math.floor(t) + offsetSeconds;
    const days = Math.floor(local / DAY);
    const inDay = local - days * DAY;
    const ymd = civilDay(days);
    const isoKey = isoWeekKey(days);
    return {
      year: Math.floor(ymd / 10_000),
      month: Math.floor(ymd / 100) % 100,
      day: ymd % 100,
      hour: Math.floor(inDay / 3600),
      minute: Math.floor((inDay % 3600) / 60),
      second: inDay % 60,
      isoYear: Math.floor(isoKey / 100),
      isoWeek: isoKey % 100,
      offsetSeconds,
    };
  };
  return {
    timeZone,
    offsetSeconds: offsetAt,
    wall,
    localSeconds: (t) => Math.floor(t) + offsetAt(t),
    fromWall,
    addDate(t, years, months, days) {
      const w = wall(t);
      const frac = t - Math.floor(t);
      return fromWall(w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second) + frac;
    },
    format(t) {
      const w = wall(t);
      const off = Math.abs(w.offsetSeconds);
      const sign = w.offsetSeconds < 0 ? '-' : '+';
      const p = (n: number, l = 2) => String(n).padStart(l, '0');
      const zone = w.offsetSeconds === 0 ? 'Z' : `${sign}${p(Math.floor(off / 3600))}:${p(Math.floor((off % 3600) / 60))}`;
      return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}${zone}`;
    },
  };
}

/**
 * The calendar date of a day counted from 1970-01-01, as yyyymmdd (H. Hinnant's
 * civil_from_days: integer work only, no Date per point).
 */
export function civilDay(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/** Days from 1970-01-01 to January 1 of `year`. */
function daysToJan1(year: number): number {
  const y = year - 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  // March-based day of year of January 1 is 306.
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + 306 - 719_468;
}

/** ISO week of a day counted from 1970-01-01 (a Thursday), as yyyyww: the week belongs to the year of its Thursday. */
export function isoWeekKey(days: number): number {
  const mondayBased = (((days + 3) % 7) + 7) % 7;
  const thursday = days - mondayBased + 3;
  const isoYear = Math.floor(civilDay(thursday) / 10_000);
  return isoYear * 100 + Math.floor((thursday - daysToJan1(isoYear)) / 7) + 1;
}
