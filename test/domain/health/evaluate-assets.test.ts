import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import { exitCodeFor, type StatusReport } from '../../../src/domain/status-report.js';
import type { HostObservation, LayerObservation } from '../../../src/domain/types.js';
import { D, H, NOW, guest, hostUp, inventoryOf, layerObs, point } from '../../helpers/observations.js';

const homelab = inventoryOf(JSON.parse(readFileSync(new URL('../../../examples/homelab.json', import.meta.url), 'utf8')) as Record<string, unknown>);
const allHostsUp = (): HostObservation[] => homelab.hosts.map((h) => hostUp(h.name));

/** Every homelab layer read, empty unless given. */
function observe(given: LayerObservation[]): LayerObservation[] {
  const byId = new Map(given.map((o) => [o.layerId, o]));
  return homelab.layers.map((l) => byId.get(l.id) ?? layerObs(l.id, []));
}

const asset = (report: StatusReport, id: string) => {
  const a = report.assets.find((x) => x.id === id);
  if (!a) throw new Error(`no asset ${id} in ${report.assets.map((x) => x.id).join(', ')}`);
  return a;
};

const guests = [guest('vm/100', 'web01'), guest('vm/101', 'mail01'), guest('ct/102', 'dns01')];

describe('3-2-1 per asset', () => {
  it('counts the example of DESIGN.md: 5 h on pbs-local, 29 h off-site via restic-cloud: 3 copies / 2 media / 1 off-site', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [], { assets: guests }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 5), point('pbs-local', 'vm/100', 29), point('pbs-local', 'vm/100', 53)]),
          // restic-cloud backed up the PBS datastore 3 h after the 29 h point was made.
          layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/usb/pbs', 26), point('restic-cloud', 'files/docker1:/srv/app', 1)]),
        ]),
      },
      NOW,
    );
    const vm100 = asset(report, 'vm/100');
    expect(vm100).toMatchObject({
      id: 'vm/100',
      name: 'web01',
      tier: 'tier0',
      health: 'ok',
      copies: 3,
      media: 2,
      offsite: 1,
      newest: { 'pbs-local': '2026-02-01T21:40:00Z', 'restic-cloud': '2026-01-31T21:40:00Z' },
      reasons: [],
      kind: 'vm',
      host: 'pve1',
      required: { copies: 3, media: 2, offsite: 1, rpoSeconds: D, rtoSeconds: 4 * H },
    });
    expect(vm100.layers).toEqual([
      { layerId: 'pbs-local', newestAt: '2026-02-01T21:40:00Z', via: [], hopLagSeconds: [], fresh: true, countsAsCopy: true, media: 'usb-ssd', offsite: false },
      {
        layerId: 'restic-cloud',
        newestAt: '2026-01-31T21:40:00Z',
        via: ['pbs-local'],
        hopLagSeconds: [3 * H],
        fresh: true,
        countsAsCopy: true,
        media: 'cloud',
        offsite: true,
      },
    ]);
  });

  it('carries only points made before the copy: a PBS point after the restic snapshot is not off-site yet', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [], { assets: guests }),
          layerObs('pbs-local', [point('pbs-local', 'vm/101', 2)]),
          layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/usb/pbs', 3)]),
        ]),
      },
      NOW,
    );
    const vm101 = asset(report, 'vm/101');
    expect(vm101.newest).toEqual({ 'pbs-local': '2026-02-02T00:40:00Z' });
    expect(vm101).toMatchObject({ copies: 2, media: 1, offsite: 0, health: 'warn' });
    expect(vm101.reasons).toEqual(['vm/101: 2 of 3 copies (live, pbs-local)', 'vm/101: 1 of 2 media (usb-ssd)', 'vm/101: 0 of 1 off-site copies']);
  });

  it('carries only points finished before the copy began: a PBS backup still running when restic read the datastore is not off-site', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [], { assets: guests }),
          // The 5 h backup ran until 2 h ago; restic-cloud copied the datastore 4 h ago, in the middle of it.
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 29, { completedAtSec: NOW - 28 * H }), point('pbs-local', 'vm/100', 5, { completedAtSec: NOW - 2 * H })]),
          layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/usb/pbs', 4)]),
        ]),
      },
      NOW,
    );
    const vm100 = asset(report, 'vm/100');
    expect(vm100.newest).toEqual({ 'pbs-local': '2026-02-01T21:40:00Z', 'restic-cloud': '2026-01-31T21:40:00Z' });
    expect(vm100.layers.find((l) => l.layerId === 'restic-cloud')).toMatchObject({ via: ['pbs-local'], hopLagSeconds: [24 * H] });
    // The same copy, had the backup ended before it began, carries the 5 h point.
    const finished = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [], { assets: guests }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 29, { completedAtSec: NOW - 28 * H }), point('pbs-local', 'vm/100', 5, { completedAtSec: NOW - 4.5 * H })]),
          layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/usb/pbs', 4)]),
        ]),
      },
      NOW,
    );
    expect(asset(finished, 'vm/100').newest).toEqual({ 'pbs-local': '2026-02-01T21:40:00Z', 'restic-cloud': '2026-02-01T21:40:00Z' });
  });

  it('follows a chain of copies over several hops and reports the lag of each', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'h' }],
      layers: [
        { id: 'a', kind: 'pbs', host: 'h', repository: 'r:a', media: 'ssd', rpo: '1d' },
        { id: 'b', kind: 'restic', host: 'h', repository: '/b', secret: { file: '/p' }, media: 'hdd', rpo: '1d', copyOf: ['a'], carriers: ['files/h:/var/lib/pbs'] },
        { id: 'c', kind: 'rclone', host: 'h', remote: 'cloud:c', media: 'cloud', offsite: true, rpo: '7d', copyOf: ['b'] },
      ],
      tiers: [{ name: 't', rpo: '1d', copies: 4, media: 3, offsite: 1, assets: ['vm/100'] }],
    });
    const report = evaluate(
      inv,
      {
        hosts: [hostUp('h')],
        layers: [
          layerObs('a', [point('a', 'vm/100', 30), point('a', 'vm/100', 10)]),
          layerObs('b', [point('b', 'files/h:/var/lib/pbs', 28), point('b', 'files/h:/var/lib/pbs', 9)]),
          layerObs('c', [point('c', 'files/h:/mnt/b', 20)]),
        ],
      },
      NOW,
    );
    const a = asset(report, 'vm/100');
    expect(a.layers.find((l) => l.layerId === 'c')).toEqual({
      layerId: 'c',
      newestAt: '2026-01-31T20:40:00Z',
      via: ['a', 'b'],
      hopLagSeconds: [2 * H, 8 * H],
      fresh: true,
      countsAsCopy: true,
      media: 'cloud',
      offsite: true,
    });
    expect(a.layers.find((l) => l.layerId === 'b')).toMatchObject({ via: ['a'], hopLagSeconds: [1 * H] });
    // The 30 h point is older than the tier's RPO but within c's own RPO, so it counts there only.
    expect(a).toMatchObject({ copies: 4, media: 3, offsite: 1, health: 'ok' });
  });

  it('does not let a restic repository vouch for data it may not hold: copyOf needs carriers or paths', () => {
    const layers = (b: Record<string, unknown>) =>
      inventoryOf({
        hosts: [{ name: 'h' }],
        layers: [
          { id: 'a', kind: 'pbs', host: 'h', repository: 'r:a', media: 'ssd', rpo: '1d' },
          { id: 'b', kind: 'restic', host: 'h', repository: '/b', secret: { file: '/p' }, media: 'cloud', offsite: true, rpo: '7d', copyOf: ['a'], ...b },
        ],
        tiers: [{ name: 't', rpo: '1d', copies: 2, media: 2, offsite: 1, assets: ['vm/100'] }],
      });
    // The repository holds snapshots of /home only; the datastore is no longer backed up.
    const obs = [layerObs('a', [point('a', 'vm/100', 2)]), layerObs('b', [point('b', 'files/h:/home', 1)])];
    const bare = evaluate(layers({}), { hosts: [hostUp('h')], layers: obs }, NOW);
    expect(asset(bare, 'vm/100')).toMatchObject({ offsite: 0 });
    expect(asset(bare, 'vm/100').health).not.toBe('ok');
    expect(bare.layers.find((l) => l.id === 'b')!.reasons.join(' ')).toMatch(/name in "carriers"/);
    const named = evaluate(layers({ carriers: ['files/h:/var/lib/pbs'] }), { hosts: [hostUp('h')], layers: obs }, NOW);
    expect(asset(named, 'vm/100')).toMatchObject({ offsite: 0 });
    const holding = evaluate(layers({ carriers: ['files/h:/home'] }), { hosts: [hostUp('h')], layers: obs }, NOW);
    expect(asset(holding, 'vm/100')).toMatchObject({ offsite: 1, health: 'ok' });
  });

  it('does not count rollback points: PVE snapshots and ZFS snapshots on the pool of the live data', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-snap', [point('pve1-snap', 'vm/100', 1)], { assets: guests }),
          layerObs('nas-snap', [point('nas-snap', 'dataset/tank/data', 0.5, { ref: 'tank/data@autosnap_hourly' })], {
            assets: [{ id: 'dataset/tank/data', kind: 'dataset', host: 'nas1', pool: 'tank' }],
          }),
          layerObs('nas-repl', [point('nas-repl', 'dataset/tank/data', 3, { ref: 'backup/data@autosnap_daily' })]),
        ]),
      },
      NOW,
    );
    const vm100 = asset(report, 'vm/100');
    expect(vm100.layers).toEqual([expect.objectContaining({ layerId: 'pve1-snap', fresh: true, countsAsCopy: false })]);
    expect(vm100).toMatchObject({ copies: 1, health: 'crit' });
    expect(vm100.reasons[0]).toBe('vm/100: no fresh backup (only rollback points (pve1-snap)); 1 of 3 copies');

    const data = asset(report, 'dataset/tank/data');
    expect(data.layers.map((l) => [l.layerId, l.countsAsCopy])).toEqual([
      ['nas-snap', false],
      ['nas-repl', true],
    ]);
    expect(data).toMatchObject({ copies: 2, media: 1, offsite: 0, host: 'nas1' });
  });

  it('lists a guest with no recovery point anywhere with 1 copy, critical', () => {
    const report = evaluate(
      homelab,
      { hosts: allHostsUp(), layers: observe([layerObs('pve1-dump', [], { assets: [...guests, guest('vm/130', 'forgotten')] })]) },
      NOW,
    );
    const forgotten = asset(report, 'vm/130');
    expect(forgotten).toMatchObject({ name: 'forgotten', tier: null, copies: 1, media: 0, offsite: 0, health: 'crit', newest: {} });
    expect(forgotten.required).toEqual({ copies: 2, media: 1, offsite: 0, rpoSeconds: null, rtoSeconds: null });
    expect(forgotten.reasons).toEqual(['vm/130: no recovery point on any layer; 1 of 2 copies', 'vm/130: 0 of 1 media']);
  });

  it('lists an asset a tier names but no host reports, with a reason', () => {
    const report = evaluate(homelab, { hosts: allHostsUp(), layers: observe([layerObs('pve1-snap', [], { assets: guests, listsAllOf: ['vm', 'ct'] })]) }, NOW);
    const ghost = asset(report, 'vm/104');
    expect(ghost.health).toBe('crit');
    expect(ghost.reasons).toContain('vm/104: named in tier1 but no host reports it (deleted or renamed?)');
  });

  it('is critical without a fresh backup, warns with some but too few', () => {
    const stale = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([layerObs('pve1-dump', [point('pve1-dump', 'vm/100', 40)], { assets: guests }), layerObs('pbs-local', [point('pbs-local', 'vm/100', 30)])]),
      },
      NOW,
    );
    const vm100 = asset(stale, 'vm/100');
    expect(vm100).toMatchObject({ copies: 1, health: 'crit' });
    expect(vm100.reasons).toEqual([
      'vm/100: no fresh backup (newest backup is 30 h old on pbs-local); 1 of 3 copies',
      'vm/100: 0 of 2 media',
      'vm/100: 0 of 1 off-site copies',
      'vm/100: newest backup is 30 h old (pbs-local), RPO 24 h',
    ]);
  });

  it('never counts a point that failed verification or is unfinished', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [point('pve1-dump', 'vm/100', 2, { partial: true })], { assets: guests }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 1, { verification: { state: 'failed' } })]),
          layerObs('pbs-remote', [point('pbs-remote', 'vm/100', 3)]),
        ]),
      },
      NOW,
    );
    const vm100 = asset(report, 'vm/100');
    expect(vm100.layers.map((l) => l.layerId)).toEqual(['pbs-remote']);
    expect(vm100.copies).toBe(2);
  });

  it('uses the default tier for assets in none: each point fresh within its layer RPO', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [point('pve1-dump', 'vm/140', 20)], { assets: [...guests, guest('vm/140', 'scratch'), guest('vm/141', 'old')] }),
          layerObs('pbs-remote', [point('pbs-remote', 'vm/141', 40)]),
        ]),
      },
      NOW,
    );
    expect(asset(report, 'vm/140')).toMatchObject({ tier: null, copies: 2, media: 1, health: 'ok' });
    // 40 h is within pbs-remote's RPO of 2 d.
    expect(asset(report, 'vm/141')).toMatchObject({ copies: 2, media: 1, health: 'ok' });
  });

  it('says UNKNOWN rather than crit when a layer that could hold the copy could not be read', () => {
    const report = evaluate(
      homelab,
      {
        hosts: homelab.hosts.map((h) => (h.name === 'pbs1' ? hostUp('pbs1', { reachable: false, error: 'no route to host' }) : hostUp(h.name))),
        layers: observe([layerObs('pve1-dump', [point('pve1-dump', 'vm/100', 3)], { assets: guests })]).filter((o) => o.layerId !== 'pbs-local'),
      },
      NOW,
    );
    const vm100 = asset(report, 'vm/100');
    expect(vm100.health).toBe('unknown');
    expect(vm100.reasons[0]).toBe('vm/100: copies not known: pbs-local could not be read');
    expect(report.overall).toBe('crit'); // other assets have nothing at all; pbs-local itself is unknown
    expect(report.layers.find((l) => l.id === 'pbs-local')!.health).toBe('unknown');
  });

  it('does not list backups of a guest the cluster no longer has, nor templates without points', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-snap', [], { assets: [...guests, guest('vm/9000', 'tpl', 'pve1', { template: true })], listsAllOf: ['vm', 'ct'] }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 1), point('pbs-local', 'vm/199', 24 * 300)]),
        ]),
      },
      NOW,
    );
    const ids = report.assets.map((a) => a.id);
    expect(ids).not.toContain('vm/199');
    expect(ids).not.toContain('vm/9000');
    // ...and an old orphan does not turn its layer red.
    expect(report.layers.find((l) => l.id === 'pbs-local')!.reasons).toEqual([]);
  });

  it('keeps a workload whose backups are stale and unverified when no authoritative list says it is gone', () => {
    // vzdump's not-backed-up list names one guest: it says nothing about which other guests exist.
    const failed = { ...point('pbs-local', 'vm/100', 24 * 30), verification: { state: 'failed' as const } };
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-dump', [], { assets: [guest('vm/105', 'test')], notBackedUp: ['vm/105'] }),
          layerObs('pbs-local', [point('pbs-local', 'vm/110', 1), failed]),
        ]),
      },
      NOW,
    );
    expect(report.assets.map((a) => a.id)).toContain('vm/100');
    expect(asset(report, 'vm/100').health).toBe('crit');
    const pbs = report.layers.find((l) => l.id === 'pbs-local')!;
    expect(pbs.health).toBe('crit');
    expect(pbs.reasons.join(' ')).toMatch(/vm\/100/);
  });

  it('keeps every workload with backups while the authoritative guest list could not be read', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-snap', [], { assets: guests, listsAllOf: ['vm', 'ct'], errors: [{ kind: 'transport', message: 'guest list: timed out' }] }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 1), point('pbs-local', 'vm/199', 24 * 300)]),
        ]),
      },
      NOW,
    );
    expect(report.assets.map((a) => a.id)).toContain('vm/199');
  });

  it('does not count points dated in the future: a wrong clock at backup time cannot keep a workload green', () => {
    // The node's clock was 300 days ahead when these were written; since then no backup ran.
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([
          layerObs('pve1-snap', [], { assets: guests, listsAllOf: ['vm', 'ct'] }),
          layerObs('pve1-dump', [point('pve1-dump', 'vm/100', -24 * 300)]),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', -24 * 300), point('pbs-local', 'vm/100', 24 * 40)]),
        ]),
      },
      NOW,
    );
    const dump = report.layers.find((l) => l.id === 'pve1-dump')!;
    expect(dump.health).toBe('crit');
    expect(dump.reasons.join(' ')).toMatch(/1 point is dated in the future/);
    expect(dump.reasons.join(' ')).toMatch(/no recovery point at all/);
    const pbs = report.layers.find((l) => l.id === 'pbs-local')!;
    expect(pbs.health).toBe('crit');
    expect(pbs.lastPointAt).not.toBeNull();
    expect(new Date(pbs.lastPointAt!).getTime() / 1000).toBeLessThan(NOW);
    const vm100 = asset(report, 'vm/100');
    expect(vm100.health).toBe('crit');
    expect(vm100.copies).toBe(1);
  });

  it('allows points a little ahead, within the clock skew tolerated', () => {
    const report = evaluate(
      homelab,
      { hosts: allHostsUp(), layers: observe([layerObs('pve1-dump', [point('pve1-dump', 'vm/100', -30 / 3600)])]) },
      NOW,
    );
    const dump = report.layers.find((l) => l.id === 'pve1-dump')!;
    expect(dump.reasons.join(' ')).not.toMatch(/future/);
    expect(dump.points).toBe(1);
  });

  it('reports when a restore last proved the asset restorable', () => {
    const report = evaluate(
      homelab,
      {
        hosts: allHostsUp(),
        layers: observe([layerObs('pve1-dump', [], { assets: guests })]),
        restoreEvidence: [
          { assetId: 'vm/100', atSec: NOW - 12 * D },
          { assetId: 'vm/100', layerId: 'pbs-local', atSec: NOW - 3 * D },
        ],
      },
      NOW,
    );
    expect(asset(report, 'vm/100').lastProvenRestorableAt).toBe('2026-01-30T02:40:00Z');
    expect(asset(report, 'vm/101').lastProvenRestorableAt).toBeNull();
  });
});

describe('the report', () => {
  it('follows the v1 contract of DESIGN.md and orders assets hosts, guests, datasets, files', () => {
    const report = evaluate(homelab, { hosts: allHostsUp(), layers: observe([layerObs('pve1-dump', [], { assets: guests })]) }, NOW);
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['version', 'generatedAt', 'overall', 'hosts', 'layers', 'assets']);
    expect(json.version).toBe(1);
    expect(json.generatedAt).toBe('2026-02-02T02:40:00Z');
    expect(report.layers.map((l) => l.id)).toEqual(homelab.layers.map((l) => l.id));
    expect(report.assets.slice(0, 4).map((a) => a.id)).toEqual(['host/pve1', 'vm/100', 'vm/101', 'ct/102']);
    for (const key of ['id', 'kind', 'host', 'health', 'lastPointAt', 'ageSeconds', 'rpoSeconds', 'points', 'reasons']) {
      expect(report.layers[0]).toHaveProperty(key);
    }
    for (const key of ['id', 'name', 'tier', 'health', 'copies', 'media', 'offsite', 'newest', 'reasons']) {
      expect(report.assets[0]).toHaveProperty(key);
    }
  });

  it('takes the worst health as overall (crit > unknown > warn > ok) and maps it to Nagios exit codes', () => {
    expect([exitCodeFor({ overall: 'ok' }), exitCodeFor({ overall: 'warn' }), exitCodeFor({ overall: 'crit' }), exitCodeFor({ overall: 'unknown' })]).toEqual([
      0, 1, 2, 3,
    ]);
    const inv = inventoryOf({ hosts: [{ name: 'h' }], layers: [{ id: 'l', kind: 'vzdump', host: 'h', storage: 's', media: 'hdd', rpo: '1d' }] });
    const fresh = [layerObs('l', [point('l', 'vm/100', 1)], { assets: [guest('vm/100', 'a', 'h')] })];
    const hosts = [hostUp('h')];
    expect(evaluate(inv, { hosts, layers: fresh }, NOW).overall).toBe('ok');
    expect(evaluate(inv, { hosts: [hostUp('h', { clockSkewSeconds: 300 })], layers: fresh }, NOW).overall).toBe('warn');
    expect(evaluate(inv, { hosts, layers: [] }, NOW).overall).toBe('unknown');
    expect(evaluate(inv, { hosts, layers: [layerObs('l', [point('l', 'vm/100', 100)], { assets: [guest('vm/100', 'a', 'h')] })] }, NOW).overall).toBe('crit');
  });

  it('never calls a layer ok that was not read, whatever else is observed', () => {
    const full = observe([
      layerObs('pve1-dump', [point('pve1-dump', 'vm/100', 1)], { assets: guests }),
      layerObs('pbs-local', [point('pbs-local', 'vm/100', 1)]),
    ]);
    for (let drop = 0; drop < homelab.layers.length; drop++) {
      const layers = full.filter((_, i) => i !== drop);
      const report = evaluate(homelab, { hosts: allHostsUp(), layers }, NOW);
      expect(report.layers[drop]!.health).toBe('unknown');
      expect(report.overall).not.toBe('ok');
    }
  });
});
