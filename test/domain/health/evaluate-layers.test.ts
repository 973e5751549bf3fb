import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import type { LayerObservation } from '../../../src/domain/types.js';
import { D, H, NOW, hostUp, inventoryOf, job, layerObs, point } from '../../helpers/observations.js';

const inv = (extra: Record<string, unknown> = {}, layer: Record<string, unknown> = {}) =>
  inventoryOf({
    hosts: [{ name: 'pve1' }, { name: 'pbs1' }],
    layers: [{ id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d', ...layer }],
    ...extra,
  });

function layerStatus(observations: LayerObservation[], opts: { extra?: Record<string, unknown>; layer?: Record<string, unknown>; hosts?: ReturnType<typeof hostUp>[] } = {}) {
  const report = evaluate(inv(opts.extra, opts.layer), { hosts: opts.hosts ?? [hostUp('pve1'), hostUp('pbs1')], layers: observations }, NOW);
  return report.layers[0]!;
}

const ok = (hours: number, asset = 'vm/100') => point('pbs-local', asset, hours, { verification: { state: 'ok' } });

describe('layer health', () => {
  it('is ok with a fresh point, and reports age, RPO and counts', () => {
    const s = layerStatus([layerObs('pbs-local', [ok(5), ok(29)])]);
    expect(s).toMatchObject({
      id: 'pbs-local',
      kind: 'pbs',
      host: 'pbs1',
      health: 'ok',
      lastPointAt: '2026-02-01T21:40:00Z',
      ageSeconds: 5 * H,
      rpoSeconds: D,
      points: 2,
      reasons: [],
      readAt: '2026-02-02T02:40:00Z',
      media: 'usb-ssd',
      offsite: false,
      copyOf: [],
      errors: [],
    });
  });

  it('warns up to twice the RPO and is critical beyond, with the numbers', () => {
    expect(layerStatus([layerObs('pbs-local', [ok(31)])])).toMatchObject({
      health: 'warn',
      reasons: ['pbs-local: newest point is 31 h old, RPO 24 h'],
    });
    expect(layerStatus([layerObs('pbs-local', [ok(49)])])).toMatchObject({
      health: 'crit',
      reasons: ['pbs-local: newest point is 2 d 1 h old, RPO 24 h'],
    });
    // The factor is a threshold of the inventory.
    expect(layerStatus([layerObs('pbs-local', [ok(49)])], { extra: { thresholds: { rpoCritFactor: 3 } } }).health).toBe('warn');
  });

  it('names the workload whose backups stopped while the layer as a whole is fresh', () => {
    const s = layerStatus([layerObs('pbs-local', [ok(2, 'vm/100'), ok(31, 'vm/101')], { assets: [] })], {
      extra: { tiers: [{ name: 't', rpo: '1d', copies: 1, media: 0 + 1, offsite: 0, assets: ['vm/100', 'vm/101'] }] },
    });
    expect(s.health).toBe('warn');
    expect(s.reasons).toEqual(['pbs-local: newest point of vm/101 is 31 h old, RPO 24 h']);
  });

  it('is critical with no point at all, and partial points do not count', () => {
    expect(layerStatus([layerObs('pbs-local', [])])).toMatchObject({ health: 'crit', reasons: ['pbs-local: no recovery point at all'] });
    expect(layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 1, { partial: true })])])).toMatchObject({
      health: 'crit',
      points: 0,
      lastPointAt: null,
    });
  });

  it('is UNKNOWN, never ok, when not read, when a probe failed, or when its host is unreachable', () => {
    expect(layerStatus([])).toMatchObject({ health: 'unknown', reasons: ['pbs-local: not read'], readAt: null });
    const failedProbe = layerStatus([layerObs('pbs-local', [ok(1)], { errors: [{ kind: 'parse', message: 'status: output is not JSON' }] })]);
    expect(failedProbe).toMatchObject({
      health: 'unknown',
      reasons: ['pbs-local: could not be read completely: status: output is not JSON'],
      errors: ['status: output is not JSON'],
    });
    // A probe error with no points is not "no point at all": we do not know.
    expect(layerStatus([layerObs('pbs-local', [], { errors: [{ kind: 'auth', message: 'wrong password' }] })]).health).toBe('unknown');
    const down = layerStatus([layerObs('pbs-local', [ok(1)])], { hosts: [hostUp('pve1'), hostUp('pbs1', { reachable: false, error: 'connect ECONNREFUSED' })] });
    expect(down).toMatchObject({ health: 'unknown', reasons: ['pbs-local: host pbs1 unreachable: connect ECONNREFUSED'] });
  });

  it('is critical when the last run of a job failed and warns on warnings; a later success clears it', () => {
    const failed = layerStatus([layerObs('pbs-local', [ok(1)], { jobs: [job('ok', 30), job('failed', 6)] })]);
    expect(failed.health).toBe('crit');
    expect(failed.reasons[0]).toBe('pbs-local: last vzdump job (2026-02-01T20:41:00Z) failed: job errors');
    expect(failed.lastJob).toEqual({
      kind: 'backup', type: 'vzdump', state: 'failed', status: 'job errors', startedAt: '2026-02-01T20:40:00Z', endedAt: '2026-02-01T20:41:00Z',
    });
    expect(layerStatus([layerObs('pbs-local', [ok(1)], { jobs: [job('warn', 6)] })]).reasons).toEqual([
      'pbs-local: last vzdump job (2026-02-01T20:41:00Z) ended with WARNINGS: 2',
    ]);
    expect(layerStatus([layerObs('pbs-local', [ok(1)], { jobs: [job('failed', 30), job('ok', 6), job('running', 1)] })]).health).toBe('ok');
    // Jobs of different guests are judged separately.
    const perGuest = layerStatus([
      layerObs('pbs-local', [ok(1)], { jobs: [job('failed', 8, { assetId: 'vm/101' }), job('ok', 6, { assetId: 'vm/100' })] }),
    ]);
    expect(perGuest.reasons).toEqual(['pbs-local: last vzdump job for vm/101 (2026-02-01T18:41:00Z) failed: job errors']);
  });

  it('is critical when the newest point failed verification, and warns when verification is too old', () => {
    const failed = layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 2, { verification: { state: 'failed' } }), ok(26)])]);
    expect(failed.health).toBe('crit');
    expect(failed.reasons).toEqual(['pbs-local: newest point of vm/100 (2026-02-02T00:40:00Z) failed verification']);
    expect(failed.verification).toEqual({ newestState: 'failed', newestVerifiedAt: '2026-02-01T00:40:00Z' });

    const stale = layerStatus(
      [layerObs('pbs-local', [point('pbs-local', 'vm/100', 2), point('pbs-local', 'vm/100', 40 * 24, { verification: { state: 'ok', atSec: NOW - 35 * D } })])],
      { layer: { verifyMaxAge: '30d' } },
    );
    expect(stale).toMatchObject({ health: 'warn', reasons: ['pbs-local: newest verification of vm/100 is 35 d old, verifyMaxAge 30 d'] });

    const never = layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 2), point('pbs-local', 'vm/100', 40 * 24)])], {
      layer: { verifyMaxAge: '30d' },
    });
    expect(never).toMatchObject({ health: 'warn', reasons: ['pbs-local: no point has been verified, verifyMaxAge 30 d'] });
    expect(never.verification).toEqual({ newestState: 'none', newestVerifiedAt: null });
    // Without any verifyMaxAge, a datastore never verified at all still warns (DESIGN: never verified is a warning).
    const unverified = layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 2)])]);
    expect(unverified).toMatchObject({ health: 'warn', reasons: ['pbs-local: no point has ever been verified (schedule a verify job, or set verifyMaxAge)'] });
    // The default comes from thresholds.
    expect(
      layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 2), point('pbs-local', 'vm/100', 40 * 24)])], {
        extra: { thresholds: { verifyMaxAge: '2w' } },
      }).health,
    ).toBe('warn');
  });

  it('checks verification per workload: one verified recently does not vouch for one a verify job leaves out', () => {
    const verified = { verification: { state: 'ok' as const, atSec: NOW - 3 * H } };
    const points = [
      point('pbs-local', 'vm/100', 2, verified),
      point('pbs-local', 'vm/100', 26, verified),
      // vm/101 has had backups for 40 days; the verify 3 h ago read vm/100 and not it.
      point('pbs-local', 'vm/101', 2),
      point('pbs-local', 'vm/101', 40 * 24),
      // vm/102's first backup came after the verify: not yet its turn.
      point('pbs-local', 'vm/102', 1),
    ];
    for (const verifyMaxAge of [undefined, '7d']) {
      const s = layerStatus([layerObs('pbs-local', points)], verifyMaxAge ? { layer: { verifyMaxAge } } : {});
      expect(s.health).toBe('warn');
      expect(s.reasons).toEqual(['pbs-local: no point of vm/101 has ever been verified, though a verify ran at 2026-02-01T23:40:00Z']);
    }
    const overdue = layerStatus([layerObs('pbs-local', [...points.slice(0, 2), point('pbs-local', 'vm/103', 1), point('pbs-local', 'vm/103', 8 * 24)].map((p) => (p.assetId === 'vm/100' ? { ...p, verification: { state: 'ok' as const, atSec: NOW - 9 * D } } : p)))], {
      layer: { verifyMaxAge: '7d' },
    });
    expect(overdue.reasons).toEqual(['pbs-local: newest verification of vm/100 is 9 d old, verifyMaxAge 7 d', 'pbs-local: no point of vm/103 has ever been verified, verifyMaxAge 7 d']);
  });

  it('reads a datastore of 250,000 never-verified points without running out of stack', () => {
    const many = Array.from({ length: 250_000 }, (_, i) => point('pbs-local', `vm/${100 + (i % 50)}`, 1 + i / 100));
    expect(layerStatus([layerObs('pbs-local', many)], { layer: { verifyMaxAge: '30d' } })).toMatchObject({ health: 'warn', reasons: ['pbs-local: no point has been verified, verifyMaxAge 30 d'] });
  });

  it('warns over 80 % and is critical over 90 % full, thresholds configurable', () => {
    const cap = (used: number) => ({ totalBytes: 1000, usedBytes: used, availBytes: 1000 - used, name: 'datastore usb' });
    expect(layerStatus([layerObs('pbs-local', [ok(1)], { capacity: cap(800) })]).health).toBe('ok');
    expect(layerStatus([layerObs('pbs-local', [ok(1)], { capacity: cap(850) })]).reasons).toEqual([
      'pbs-local: datastore usb is 85 % full (850 B of 1000 B), over 80 %',
    ]);
    const crit = layerStatus([layerObs('pbs-local', [ok(1)], { capacity: cap(913) })]);
    expect(crit).toMatchObject({ health: 'crit', capacity: { totalBytes: 1000, usedBytes: 913, availBytes: 87, usedPercent: 91.3 } });
    expect(layerStatus([layerObs('pbs-local', [ok(1)], { capacity: cap(850) })], { extra: { thresholds: { capacityWarnPercent: 86 } } }).health).toBe('ok');
  });

  it('is critical when a pool is not healthy', () => {
    const s = layerStatus([
      layerObs('pbs-local', [ok(1)], {
        pools: [
          { name: 'tank', state: 'ONLINE', healthy: true },
          { name: 'backup', state: 'DEGRADED', healthy: false, detail: 'status: One or more devices has been removed' },
        ],
      }),
    ]);
    expect(s.health).toBe('crit');
    expect(s.reasons).toEqual(['pbs-local: pool backup is DEGRADED (status: One or more devices has been removed)']);
    expect(s.pools).toEqual([
      { name: 'tank', state: 'ONLINE', healthy: true, usedPercent: null, detail: null },
      { name: 'backup', state: 'DEGRADED', healthy: false, usedPercent: null, detail: 'status: One or more devices has been removed' },
    ]);
  });

  it("measures ages on the host's clock", () => {
    // The host's clock is 2 h ahead: its point "23 h ago" in its own time is 25 h before its now.
    const s = layerStatus([layerObs('pbs-local', [point('pbs-local', 'vm/100', 23)])], {
      hosts: [hostUp('pve1'), hostUp('pbs1', { clockSkewSeconds: 2 * H })],
    });
    expect(s.ageSeconds).toBe(25 * H);
    expect(s.health).toBe('warn');
  });

  it('warns about guests that no backup job covers', () => {
    const s = layerStatus([layerObs('pbs-local', [ok(1)], { notBackedUp: ['vm/105'], assets: [{ id: 'vm/105', kind: 'vm', name: 'test' }] })]);
    expect(s.reasons).toEqual(['pbs-local: vm/105 (test) is in no backup job']);
  });
});

describe('host health', () => {
  it('warns on clock skew over the threshold and is unknown when unreachable or not read', () => {
    const invFile = inv();
    const r = evaluate(invFile, { hosts: [hostUp('pve1', { clockSkewSeconds: -75 }), hostUp('pbs1', { reachable: false, error: 'authentication failed' })], layers: [] }, NOW);
    expect(r.hosts).toEqual([
      { name: 'pve1', reachable: true, error: null, clockSkewSeconds: -75, sessionStartMs: null, health: 'warn', reasons: ['pve1: clock is 1 min behind this host (more than 1 min)'] },
      { name: 'pbs1', reachable: false, error: 'authentication failed', clockSkewSeconds: 0, sessionStartMs: null, health: 'unknown', reasons: ['pbs1: authentication failed'] },
    ]);
    const none = evaluate(invFile, { hosts: [], layers: [] }, NOW);
    expect(none.hosts[0]).toMatchObject({ reachable: false, health: 'unknown', reasons: ['pve1: not read yet'] });
  });
});
