/**
 * PBS 3.3 sync group filters (`group-filter` in sync.cfg): include filters
 * narrow, `exclude:` filters take out, and a pull copies only what passes,
 * saying how many groups it left out.
 */
import { describe, expect, it } from 'vitest';
import { groupFilterAllows, pullSync } from '../../src/lab/state/pbs.js';
import type { PbsDatastore, PbsSnapshot } from '../../src/lab/state/types.js';

const snap = (type: PbsSnapshot['type'], id: string, time: number): PbsSnapshot => ({ type, id, time, files: [{ filename: 'index.json.blob', size: 500, cryptMode: 'none' }], owner: 'root@pam', protected: false });
const store = (name: string, snapshots: PbsSnapshot[]): PbsDatastore => ({ name, path: `/mnt/${name}`, total: 1e12, used: 0, snapshots });

describe('group filters', () => {
  it('let through what no exclude matches, and with includes only what one of them matches', () => {
    const vm111 = { type: 'vm' as const, id: '111' };
    const ct102 = { type: 'ct' as const, id: '102' };
    expect(groupFilterAllows(undefined, vm111)).toBe(true);
    expect(groupFilterAllows(['exclude:group:vm/111'], vm111)).toBe(false);
    expect(groupFilterAllows(['exclude:group:vm/111'], ct102)).toBe(true);
    expect(groupFilterAllows(['type:ct'], vm111)).toBe(false);
    expect(groupFilterAllows(['include:type:ct', 'exclude:regex:^ct/10[0-1]$'], ct102)).toBe(true);
    expect(groupFilterAllows(['type:vm', 'exclude:regex:^vm/11'], vm111)).toBe(false);
  });

  it('a pull skips the excluded group and says how many groups it looked at', () => {
    const src = store('usb', [snap('vm', '100', 1000), snap('vm', '111', 1000), snap('ct', '102', 1000)]);
    const dst = store('offsite', []);
    const r = pullSync(src, dst, 'root@pam', 'pbs1:usb:offsite::s-1', ['exclude:group:vm/111']);
    expect(r.copied).toBe(2);
    expect(dst.snapshots.map((s) => `${s.type}/${s.id}`).sort()).toEqual(['ct/102', 'vm/100']);
    expect(r.log).toContain('found 2 groups to sync (out of 3 total)');
    expect(pullSync(src, store('all', []), 'root@pam', 'pbs1:usb:all::s-2').log).toContain('found 3 groups to sync');
  });
});
