import { describe, expect, it } from 'vitest';
import { checkKeepOptions, formatKeepOptions, parseKeepOptions } from '../../../src/domain/retention/index.js';

const errorOf = (text: string) => {
  const r = parseKeepOptions(text);
  return r.ok ? null : r.error.message;
};

describe('parseKeepOptions', () => {
  it('reads the PVE/PBS form with counts, keep-all and restic durations', () => {
    expect(parseKeepOptions('keep-last=3,keep-daily=7, keep-weekly=4')).toEqual({ ok: true, value: { last: 3, daily: 7, weekly: 4 } });
    expect(parseKeepOptions('keep-all=1')).toEqual({ ok: true, value: { all: true } });
    expect(parseKeepOptions('keep-monthly=unlimited,keep-yearly=-1')).toEqual({ ok: true, value: { monthly: -1, yearly: -1 } });
    expect(parseKeepOptions('keep-within=1y5m7d2h,keep-within-daily=10d')).toEqual({
      ok: true,
      value: { within: { years: 1, months: 5, days: 7, hours: 2 }, withinDaily: { years: 0, months: 0, days: 10, hours: 0 } },
    });
    expect(parseKeepOptions('')).toEqual({ ok: true, value: {} });
  });

  it('names the bad option in every error', () => {
    expect(errorOf('keep-dayly=7')).toMatch(/unknown keep option "keep-dayly" \(did you mean keep-daily\?\)/);
    expect(errorOf('keep-daily=-2')).toMatch(/^keep-daily=-2: a count cannot be negative/);
    expect(errorOf('keep-daily=seven')).toMatch(/^keep-daily=seven: "seven" is not a whole number/);
    expect(errorOf('keep-daily')).toMatch(/^keep-daily needs a value/);
    expect(errorOf('keep-within=3x')).toMatch(/^keep-within=3x: "3x" is not a restic duration/);
    expect(errorOf('keep-daily=1,keep-daily=2')).toMatch(/keep-daily is given twice/);
    expect(errorOf('keep-all=1,keep-daily=2')).toMatch(/keep-all cannot be combined/);
  });

  it('writes options back in the fixed order', () => {
    const r = parseKeepOptions('keep-yearly=1,keep-within=2d,keep-last=2,keep-daily=-1');
    expect(r.ok && formatKeepOptions(r.value)).toBe('keep-last=2,keep-daily=-1,keep-yearly=1,keep-within=2d');
  });
});

describe('checkKeepOptions', () => {
  const check = (text: string, s: 'pbs' | 'pve' | 'restic' | 'restic-0.14') => {
    const parsed = parseKeepOptions(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const r = checkKeepOptions(parsed.value, s);
    return r.ok ? 'ok' : r.error.message;
  };

  it('refuses options the chosen tool does not have', () => {
    expect(check('keep-all=1', 'pbs')).toMatch(/keep-all exists only for PVE/);
    expect(check('keep-all=1', 'pve')).toBe('ok');
    expect(check('keep-within=2d', 'pve')).toMatch(/keep-within exists only for restic/);
    expect(check('keep-daily=-1', 'restic-0.14')).toMatch(/needs restic 0.16/);
    expect(check('keep-daily=-1', 'pbs')).toMatch(/needs restic 0.16/);
    expect(check('keep-daily=-1,keep-within=2d', 'restic')).toBe('ok');
  });
});
