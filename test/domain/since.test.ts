import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/domain/since.js';
import { zoneCalendar } from '../../src/domain/zone-calendar.js';

const utc = zoneCalendar('UTC');
const berlin = zoneCalendar('Europe/Berlin');
if (!utc.ok || !berlin.ok) throw new Error('zones');
const NOW = Date.parse('2026-02-10T12:00:00Z') / 1000;
const at = (iso: string) => Date.parse(iso) / 1000;

describe('--since', () => {
  it('takes a date (midnight in the zone), a time with or without an offset, and epoch seconds', () => {
    expect(parseSince('2026-01-31', NOW, utc.value)).toEqual({ ok: true, value: at('2026-01-31T00:00:00Z') });
    expect(parseSince('2026-01-31', NOW, berlin.value)).toEqual({ ok: true, value: at('2026-01-30T23:00:00Z') });
    expect(parseSince('2026-01-31T02:00:00Z', NOW, berlin.value)).toEqual({ ok: true, value: at('2026-01-31T02:00:00Z') });
    expect(parseSince(' 2026-01-31 03:00+01:00 ', NOW, utc.value)).toEqual({ ok: true, value: at('2026-01-31T02:00:00Z') });
    expect(parseSince('1769824800', NOW, utc.value)).toEqual({ ok: true, value: 1769824800 });
  });

  it('takes how long ago as the inventory writes durations', () => {
    expect(parseSince('7d', NOW, utc.value)).toEqual({ ok: true, value: NOW - 7 * 86_400 });
    expect(parseSince('1d12h', NOW, utc.value)).toEqual({ ok: true, value: NOW - 36 * 3600 });
  });

  it('says what it expects when the text is neither', () => {
    const bad = (text: string) => {
      const r = parseSince(text, NOW, utc.value);
      if (r.ok) throw new Error(`${text} parsed`);
      return r.error.message;
    };
    expect(bad('')).toMatch(/^is empty: give a date \(2026-01-31\)/);
    expect(bad('yesterday')).toBe('"yesterday" is neither a date or time (2026-01-31, 2026-01-31T02:00:00Z, epoch seconds) nor how long ago (7d, 12h)');
    expect(bad('2026-02-30')).toContain('is neither a date or time');
    expect(bad('7 days')).toContain('how long ago: a duration like 30m, 12h, 1d, 2w');
    expect(bad('0d')).toContain('is zero');
    expect(bad('2026-03-01')).toBe('"2026-03-01" is in the future: the journal holds nothing after now');
  });
});
