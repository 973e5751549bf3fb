import { describe, expect, it } from 'vitest';
import { parseKeepOptions, planRetention, type RetentionSemantics } from '../../../src/domain/retention/index.js';

const at = (iso: string) => Date.parse(iso) / 1000;

function keepOf(text: string) {
  const k = parseKeepOptions(text);
  if (!k.ok) throw new Error(k.error.message);
  return k.value;
}

type P = { time: string; protected?: boolean; partial?: boolean };

/** The plan as [iso, reason|null], newest first. */
function plan(points: P[], keep: string, semantics: RetentionSemantics, timeZone = 'UTC', now?: number) {
  return planRetention(
    points.map(({ time, ...p }) => ({ ...p, timeSec: at(time) })),
    keepOf(keep),
    { semantics, timeZone, ...(now === undefined ? {} : { nowSec: now }) },
  ).map((d) => [new Date(d.timeSec * 1000).toISOString().replace('.000Z', 'Z'), d.action === 'keep' ? d.reason : null]);
}

const kept = (rows: unknown[][]) => rows.filter((r) => r[1] !== null).map((r) => r[0]);

describe('the worked example of reference §3.4 (keep-last=3, keep-daily=2)', () => {
  const points = [
    { time: '2024-01-10T20:00:00Z' },
    { time: '2024-01-10T12:00:00Z' },
    { time: '2024-01-10T02:00:00Z' },
    { time: '2024-01-09T05:00:00Z' },
    { time: '2024-01-08T05:00:00Z' },
  ];

  it('PBS and PVE keep 5: daily skips the day keep-last already covered', () => {
    for (const s of ['pbs', 'pve'] as const) {
      expect(plan(points, 'keep-last=3,keep-daily=2', s)).toEqual([
        ['2024-01-10T20:00:00Z', 'keep-last'],
        ['2024-01-10T12:00:00Z', 'keep-last'],
        ['2024-01-10T02:00:00Z', 'keep-last'],
        ['2024-01-09T05:00:00Z', 'keep-daily'],
        ['2024-01-08T05:00:00Z', 'keep-daily'],
      ]);
    }
  });

  it("restic keeps 4: daily's count is used by the newest of day D", () => {
    for (const s of ['restic', 'restic-0.14'] as const) {
      expect(plan(points, 'keep-last=3,keep-daily=2', s)).toEqual([
        ['2024-01-10T20:00:00Z', 'keep-last'],
        ['2024-01-10T12:00:00Z', 'keep-last'],
        ['2024-01-10T02:00:00Z', 'keep-last'],
        ['2024-01-09T05:00:00Z', 'keep-daily'],
        ['2024-01-08T05:00:00Z', null],
      ]);
    }
  });

  it('returns the points newest first whatever the input order', () => {
    const shuffled = [points[3]!, points[0]!, points[4]!, points[2]!, points[1]!];
    expect(plan(shuffled, 'keep-last=3,keep-daily=2', 'pbs').map((r) => r[0])).toEqual(points.map((p) => p.time));
  });
});

describe('PBS and PVE rules', () => {
  it('lets a later rule skip periods an earlier rule covered without using its count', () => {
    const points = [
      { time: '2024-01-10T10:00:00Z' }, // Wed, 2024-W02
      { time: '2024-01-09T10:00:00Z' }, // Tue, 2024-W02
      { time: '2024-01-08T10:00:00Z' }, // Mon, 2024-W02: its week already holds a kept point
      { time: '2024-01-03T10:00:00Z' }, // 2024-W01
      { time: '2023-12-27T10:00:00Z' }, // 2023-W52
      { time: '2023-12-20T10:00:00Z' }, // 2023-W51
    ];
    expect(kept(plan(points, 'keep-daily=2,keep-weekly=2', 'pbs'))).toEqual([
      '2024-01-10T10:00:00Z',
      '2024-01-09T10:00:00Z',
      '2024-01-03T10:00:00Z',
      '2023-12-27T10:00:00Z',
    ]);
    // restic counts the weeks on its own: W02 uses one of the two.
    expect(kept(plan(points, 'keep-daily=2,keep-weekly=2', 'restic'))).toEqual([
      '2024-01-10T10:00:00Z',
      '2024-01-09T10:00:00Z',
      '2024-01-03T10:00:00Z',
    ]);
  });

  it('always keeps protected points, which neither use a count nor fill their period', () => {
    const points = [
      { time: '2024-01-10T10:00:00Z', protected: true },
      { time: '2024-01-10T08:00:00Z' },
      { time: '2024-01-09T08:00:00Z' },
      { time: '2024-01-08T08:00:00Z' },
    ];
    for (const s of ['pbs', 'pve'] as const) {
      expect(plan(points, 'keep-daily=2', s)).toEqual([
        ['2024-01-10T10:00:00Z', 'protected'],
        ['2024-01-10T08:00:00Z', 'keep-daily'],
        ['2024-01-09T08:00:00Z', 'keep-daily'],
        ['2024-01-08T08:00:00Z', null],
      ]);
    }
  });

  it('keeps a protected point even when no rule would', () => {
    expect(plan([{ time: '2024-01-10T10:00:00Z' }, { time: '2020-01-01T00:00:00Z', protected: true }], 'keep-last=1', 'pbs')).toEqual([
      ['2024-01-10T10:00:00Z', 'keep-last'],
      ['2020-01-01T00:00:00Z', 'protected'],
    ]);
  });

  it('PBS keeps the newest unfinished snapshot only while nothing finished is newer, and counts no unfinished one', () => {
    const points = [
      { time: '2024-01-10T12:00:00Z', partial: true },
      { time: '2024-01-10T10:00:00Z' },
      { time: '2024-01-09T10:00:00Z', partial: true },
      { time: '2024-01-08T10:00:00Z' },
    ];
    expect(plan(points, 'keep-last=2', 'pbs')).toEqual([
      ['2024-01-10T12:00:00Z', 'keep-partial'],
      ['2024-01-10T10:00:00Z', 'keep-last'],
      ['2024-01-09T10:00:00Z', null],
      ['2024-01-08T10:00:00Z', 'keep-last'],
    ]);
    expect(plan([{ time: '2024-01-10T12:00:00Z' }, { time: '2024-01-10T13:00:00Z', partial: true }].reverse(), 'keep-last=5', 'pbs')[0]).toEqual([
      '2024-01-10T13:00:00Z',
      'keep-partial',
    ]);
    expect(plan([{ time: '2024-01-10T12:00:00Z' }, { time: '2024-01-10T11:00:00Z', partial: true }], 'keep-last=5', 'pbs')[1]).toEqual([
      '2024-01-10T11:00:00Z',
      null,
    ]);
  });

  it('keeps everything when no option is positive, and with PVE keep-all', () => {
    const points = [{ time: '2024-01-10T12:00:00Z' }, { time: '2024-01-09T12:00:00Z', protected: true }];
    for (const [keep, s] of [['', 'pbs'], ['keep-daily=0', 'pve'], ['keep-all=1', 'pve']] as const) {
      expect(plan(points, keep, s)).toEqual([
        ['2024-01-10T12:00:00Z', 'keep-all'],
        ['2024-01-09T12:00:00Z', 'protected'],
      ]);
    }
  });

  it('plans nothing for no points', () => {
    for (const s of ['pbs', 'pve', 'restic', 'restic-0.14'] as const) expect(plan([], 'keep-last=3', s)).toEqual([]);
  });

  it('uses ISO weeks: 2024-12-30 is in 2025-W01 with 2025-01-05, while 2024-12-29 is in 2024-W52', () => {
    const points = [{ time: '2025-01-05T12:00:00Z' }, { time: '2024-12-30T12:00:00Z' }, { time: '2024-12-29T12:00:00Z' }];
    for (const s of ['pbs', 'pve', 'restic'] as const) {
      expect(plan(points, 'keep-weekly=3', s)).toEqual([
        ['2025-01-05T12:00:00Z', 'keep-weekly'],
        ['2024-12-30T12:00:00Z', null],
        ['2024-12-29T12:00:00Z', 'keep-weekly'],
      ]);
    }
    // The calendar year still decides yearly and monthly periods.
    expect(kept(plan(points, 'keep-yearly=3', 'pbs'))).toEqual(['2025-01-05T12:00:00Z', '2024-12-30T12:00:00Z']);
  });

  it('computes days in the server zone: 23:30 UTC on March 30 is March 31 in Berlin', () => {
    const points = [{ time: '2024-03-30T23:30:00Z' }, { time: '2024-03-30T12:00:00Z' }];
    expect(kept(plan(points, 'keep-daily=5', 'pbs', 'UTC'))).toEqual(['2024-03-30T23:30:00Z']);
    expect(kept(plan(points, 'keep-daily=5', 'pbs', 'Europe/Berlin'))).toHaveLength(2);
    expect(kept(plan(points, 'keep-daily=5', 'pbs', '+01:00'))).toHaveLength(2);
  });

  it('follows the wall clock across DST: the repeated 02:30 of an autumn night is one hour', () => {
    // 00:30Z is 02:30 CEST and 01:30Z is 02:30 CET on 2024-10-27 in Berlin.
    const autumn = [{ time: '2024-10-27T01:30:00Z' }, { time: '2024-10-27T00:30:00Z' }];
    expect(plan(autumn, 'keep-hourly=5', 'pbs', 'Europe/Berlin')).toEqual([
      ['2024-10-27T01:30:00Z', 'keep-hourly'],
      ['2024-10-27T00:30:00Z', null],
    ]);
    expect(kept(plan(autumn, 'keep-hourly=5', 'pbs', 'UTC'))).toHaveLength(2);
    // In spring 01:59 CET is followed by 03:00 CEST one minute later: two hours.
    const spring = [{ time: '2024-03-31T01:00:00Z' }, { time: '2024-03-31T00:59:00Z' }];
    expect(kept(plan(spring, 'keep-hourly=5', 'restic', 'Europe/Berlin'))).toHaveLength(2);
  });
});

describe('restic rules', () => {
  it('0.16 keeps every period with -1; 0.14 ignores a -1 rule', () => {
    const points = [{ time: '2024-01-10T12:00:00Z' }, { time: '2024-01-10T08:00:00Z' }, { time: '2024-01-09T12:00:00Z' }, { time: '2023-06-01T00:00:00Z' }];
    expect(plan(points, 'keep-daily=-1', 'restic')).toEqual([
      ['2024-01-10T12:00:00Z', 'keep-daily'],
      ['2024-01-10T08:00:00Z', null],
      ['2024-01-09T12:00:00Z', 'keep-daily'],
      ['2023-06-01T00:00:00Z', 'keep-daily'],
    ]);
    expect(kept(plan(points, 'keep-daily=-1,keep-last=1', 'restic-0.14'))).toEqual(['2024-01-10T12:00:00Z']);
  });

  it('0.16 also keeps the oldest snapshot while a rule has count left; 0.14 does not', () => {
    const points = [{ time: '2024-01-10T10:00:00Z' }, { time: '2024-01-09T09:00:00Z' }, { time: '2024-01-09T08:00:00Z' }];
    expect(plan(points, 'keep-daily=10', 'restic').map((r) => r[1])).toEqual(['keep-daily', 'keep-daily', 'keep-daily']);
    expect(plan(points, 'keep-daily=10', 'restic-0.14').map((r) => r[1])).toEqual(['keep-daily', 'keep-daily', null]);
    // With the count used up, the oldest goes in 0.16 too.
    expect(plan(points, 'keep-daily=2', 'restic').map((r) => r[1])).toEqual(['keep-daily', 'keep-daily', null]);
  });

  it('measures keep-within from the newest snapshot, not from now', () => {
    const points = [{ time: '2020-05-10T00:00:00Z' }, { time: '2020-05-08T01:00:00Z' }, { time: '2020-05-07T23:00:00Z' }];
    expect(plan(points, 'keep-within=2d', 'restic', 'UTC', at('2024-01-01T00:00:00Z'))).toEqual([
      ['2020-05-10T00:00:00Z', 'keep-within'],
      ['2020-05-08T01:00:00Z', 'keep-within'],
      ['2020-05-07T23:00:00Z', null],
    ]);
  });

  it('subtracts months like Go AddDate: one month before March 31 is March 2 (Feb 31 normalised)', () => {
    const points = [{ time: '2024-03-31T12:00:00Z' }, { time: '2024-03-02T13:00:00Z' }, { time: '2024-03-02T11:00:00Z' }];
    expect(plan(points, 'keep-within=1m', 'restic').map((r) => r[1])).toEqual(['keep-within', 'keep-within', null]);
  });

  it('does not take a snapshot in the future as the newest for keep-within', () => {
    const points = [{ time: '2099-01-01T00:00:00Z' }, { time: '2024-01-09T00:00:00Z' }, { time: '2024-01-01T00:00:00Z' }];
    expect(plan(points, 'keep-within=3d', 'restic', 'UTC', at('2024-01-10T00:00:00Z')).map((r) => r[1])).toEqual([
      'keep-within',
      'keep-within',
      null,
    ]);
  });

  it('keeps protected points like --keep-tag matches: kept, and still seen by the counting rules', () => {
    const points = [{ time: '2024-01-10T10:00:00Z', protected: true }, { time: '2024-01-09T10:00:00Z' }];
    expect(plan(points, 'keep-last=1', 'restic')).toEqual([
      ['2024-01-10T10:00:00Z', 'protected'],
      ['2024-01-09T10:00:00Z', null],
    ]);
    expect(plan(points, 'keep-last=1', 'pbs')).toEqual([
      ['2024-01-10T10:00:00Z', 'protected'],
      ['2024-01-09T10:00:00Z', 'keep-last'],
    ]);
  });

  it('keeps everything for an empty policy', () => {
    expect(plan([{ time: '2024-01-10T10:00:00Z' }], '', 'restic')).toEqual([['2024-01-10T10:00:00Z', 'keep-all']]);
  });

  it('refuses a zone that is not one', () => {
    expect(() => planRetention([], {}, { semantics: 'pbs', timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
