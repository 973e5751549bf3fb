import { TZDate } from '@date-fns/tz';
import { getISOWeek, getISOWeekYear } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { zoneCalendar } from '../../src/domain/zone-calendar.js';
import { rng } from '../helpers/nasty-strings.js';

const calendar = (zone: string) => {
  const c = zoneCalendar(zone);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
};

describe('zoneCalendar', () => {
  it('agrees with date-fns on wall time and ISO week for random instants in zones with DST, odd offsets and none', () => {
    const r = rng(11);
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'UTC']) {
      const cal = calendar(zone);
      for (let i = 0; i < 400; i++) {
        const t = Math.floor(946_684_800 + r() * 1_100_000_000); // 2000 .. 2034
        const d = new TZDate(t * 1000, zone);
        const w = cal.wall(t);
        expect([w.year, w.month, w.day, w.hour, w.minute, w.isoYear, w.isoWeek], `${zone} ${t}`).toEqual([
          d.getFullYear(),
          d.getMonth() + 1,
          d.getDate(),
          d.getHours(),
          d.getMinutes(),
          getISOWeekYear(d),
          getISOWeek(d),
        ]);
      }
    }
  });

  it('finds the exact second of a DST change', () => {
    const cal = calendar('Europe/Berlin');
    const change = Date.UTC(2024, 2, 31, 1, 0, 0) / 1000;
    expect(cal.offsetSeconds(change - 1)).toBe(3600);
    expect(cal.offsetSeconds(change)).toBe(7200);
    expect(cal.format(change - 1)).toBe('2024-03-31T01:59:59+01:00');
    expect(cal.format(change)).toBe('2024-03-31T03:00:00+02:00');
  });

  it('puts the last days of December into week 1 of the next ISO year', () => {
    const cal = calendar('UTC');
    const week = (iso: string) => {
      const w = cal.wall(Date.parse(iso) / 1000);
      return `${w.isoYear}-W${w.isoWeek}`;
    };
    expect(week('2024-12-29T12:00:00Z')).toBe('2024-W52');
    expect(week('2024-12-30T12:00:00Z')).toBe('2025-W1');
    expect(week('2021-01-03T12:00:00Z')).toBe('2020-W53');
  });

  it('resolves wall times a DST change skips or repeats the way Go time.Date does', () => {
    const cal = calendar('Europe/Berlin');
    // 02:30 does not exist on 2024-03-31: Go moves it to 03:30 CEST (01:30Z).
    expect(cal.fromWall(2024, 3, 31, 2, 30, 0)).toBe(Date.UTC(2024, 2, 31, 1, 30) / 1000);
    // 02:30 happens twice on 2024-10-27: Go picks the second (CET, 01:30Z).
    expect(cal.fromWall(2024, 10, 27, 2, 30, 0)).toBe(Date.UTC(2024, 9, 27, 1, 30) / 1000);
    // Out-of-range fields normalise: February 31 is March 2 (2024 is a leap year).
    expect(cal.fromWall(2024, 2, 31, 12, 0, 0)).toBe(Date.UTC(2024, 2, 2, 11, 0) / 1000);
  });

  it('accepts UTC offsets and refuses names that are no zone', () => {
    expect(calendar('+05:30').offsetSeconds(0)).toBe(19_800);
    expect(calendar('-0130').offsetSeconds(0)).toBe(-5400);
    expect(calendar('Z').offsetSeconds(0)).toBe(0);
    expect(zoneCalendar('Mars/Olympus').ok).toBe(false);
    expect(zoneCalendar('+25:00').ok).toBe(false);
  });
});
