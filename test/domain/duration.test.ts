import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it('reads the inventory units, also combined', () => {
    expect(parseDuration('30m')).toEqual({ ok: true, value: 1800 });
    expect(parseDuration('12h')).toEqual({ ok: true, value: 43_200 });
    expect(parseDuration('1d')).toEqual({ ok: true, value: 86_400 });
    expect(parseDuration('2w')).toEqual({ ok: true, value: 1_209_600 });
    expect(parseDuration('1d12h')).toEqual({ ok: true, value: 129_600 });
  });

  it('explains what a duration looks like when given something else', () => {
    for (const bad of ['1x', '', 'd', '1.5h', '-1d', '1 d']) {
      const r = parseDuration(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toBe(`${JSON.stringify(bad)} is not a duration like 30m, 12h, 1d, 2w`);
    }
    expect(parseDuration('0h').ok).toBe(false);
  });
});

describe('formatDuration', () => {
  it('reads like the reasons: minutes, hours up to two days, then days and hours', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(45 * 60)).toBe('45 min');
    expect(formatDuration(90 * 60)).toBe('1 h 30 min');
    expect(formatDuration(86_400)).toBe('24 h');
    expect(formatDuration(31 * 3600 + 59)).toBe('31 h');
    expect(formatDuration(51 * 3600)).toBe('2 d 3 h');
    expect(formatDuration(14 * 86_400)).toBe('14 d');
    expect(formatDuration(-3600)).toBe('-1 h');
  });
});
