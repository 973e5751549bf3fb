/**
 * The rebuild's report from a saved state: a tier's RTO achieved is from the
 * rebuild's start until its last guest was checked, over the target is said;
 * a tier not all up has no achieved time; the data lost is the point's age
 * when the rebuild began, and only for a guest that was restored.
 */
import { describe, expect, it } from 'vitest';
import type { GuestRun, RebuildState, RebuildStep } from '../../../src/services/dr/api.js';
import { buildReport, reportMarkdown } from '../../../src/services/dr/report.js';

const guest = (vmid: number, state: GuestRun['state'], endedAtSec: number | undefined, pointTimeSec = 1_000): GuestRun => ({
  assetId: `vm/${vmid}`,
  vmid,
  type: 'qemu',
  sourceId: `pbs@vm/${vmid}/p`,
  pointTimeSec,
  state,
  detail: '',
  storage: 'local-lvm',
  attempts: 1,
  ...(endedAtSec !== undefined ? { endedAtSec } : {}),
});

const tier = (name: string, rto: number | null, guests: GuestRun[]): RebuildStep => ({ id: `tier:${name}`, title: `Guests of ${name}`, writes: true, commands: [], state: 'done', detail: '', runs: 1, tier: { name, rtoSeconds: rto }, guests });

const state: RebuildState = {
  version: 1,
  id: 'r1',
  configPath: '/x.json',
  startedAtSec: 10_000,
  updatedAtSec: 12_000,
  finishedAtSec: null,
  lost: { host: 'pve1', node: 'pve1', address: '10.0.0.1', answers: false },
  target: { address: '10.0.0.1', port: 22, hostKeyFingerprint: 'SHA256:abc' },
  configDbPath: '/root/strata-restore/config.db',
  storage: 'local-lvm',
  parallelPerStorage: 2,
  pbs: [],
  steps: [tier('gold', 600, [guest(100, 'checked', 10_300), guest(101, 'checked', 10_500, 4_000)]), tier('silver', 1_000, [guest(200, 'checked', 11_200)]), tier('bronze', null, [guest(300, 'failed', 11_900)])],
};

describe('buildReport', () => {
  it('states the RTO achieved per tier against its target and the data lost per restored guest', () => {
    const r = buildReport(state);
    expect(r.tiers.map((t) => [t.name, t.achievedSeconds, t.met])).toEqual([
      ['gold', 500, true],
      ['silver', 1_200, false],
      ['bronze', null, null],
    ]);
    expect(r.guests.map((g) => [g.assetId, g.dataLostSeconds])).toEqual([
      ['vm/100', 9_000],
      ['vm/101', 6_000],
      ['vm/200', 9_000],
      ['vm/300', null],
    ]);
    expect(r.finishedAt).toBeNull();
    const md = reportMarkdown(r);
    expect(md).toContain('| silver | 16 min | 20 min | NO |');
    expect(md).toContain('| vm/101 | gold | checked | 1970-01-01T01:06:40Z | 1 h 40 min | - |');
  });

  it('a guest restored through a chain: the point it came back from in the restored datastore, its age, and the chain', () => {
    const chained: GuestRun = { ...guest(130, 'checked', 10_400, 2_000), sourceId: 'pbs-local-restored@vm/130/2026-01-30T02:00:00Z', chainId: 'restic-cloud:pbs-local' };
    const r = buildReport({ ...state, steps: [tier('gold', 600, [chained])] });
    expect(r.guests[0]).toMatchObject({ pointAt: '1970-01-01T00:33:20Z', dataLostSeconds: 8_000 });
    expect(reportMarkdown(r)).toContain('| vm/130 | gold | checked | 1970-01-01T00:33:20Z | 2 h 13 min | - | pbs-local-restored (chain restic-cloud:pbs-local) |');
  });
});
