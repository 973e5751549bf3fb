import { describe, expect, it } from 'vitest';
import type { PbsTask } from '../../../src/adapters/pbs/index.js';
import { backupCompletions } from '../../../src/kinds/pbs/completion.js';

const task = (workerId: string, startTime: number, endTime: number | undefined, workerType = 'backup'): PbsTask => ({
  upid: `UPID:pbs1:1:1:1:${startTime.toString(16)}:${workerType}:${workerId}:root@pam:`,
  node: 'pbs1',
  workerType,
  workerId,
  user: 'root@pam',
  startTimeSec: startTime,
  ...(endTime !== undefined ? { endTimeSec: endTime } : {}),
  status: endTime === undefined ? '' : 'OK',
  state: endTime === undefined ? 'running' : 'ok',
});

describe('when a PBS snapshot was finished', () => {
  const T = 1_700_000_000;

  it("is the end of its group's backup task on this datastore that began with it", () => {
    const ends = backupCompletions(
      [task('store1:vm/100', T + 2, T + 3600), task('store1:vm/100', T + 86_400, T + 90_000), task('store2:vm/100', T + 1, T + 50), task('store1:ct/101', T + 3, T + 60)],
      'store1',
    );
    expect(ends('vm/100', T)).toBe(T + 3600);
    expect(ends('vm/100', T + 86_399)).toBe(T + 90_000);
    expect(ends('ct/101', T)).toBe(T + 60);
  });

  it('is unknown when no finished backup task of the group began near the snapshot time', () => {
    const ends = backupCompletions([task('store1:vm/100', T + 5000, T + 6000), task('store1:vm/101', T, undefined), task('store1:vm/102', T, T + 9, 'verify_snapshot')], 'store1');
    expect(ends('vm/100', T)).toBeUndefined();
    expect(ends('vm/101', T)).toBeUndefined();
    expect(ends('vm/102', T)).toBeUndefined();
    expect(ends('vm/103', T)).toBeUndefined();
  });
});
