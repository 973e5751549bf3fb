/**
 * Setups where a careless rule would show green over a backup that is gone,
 * stale or unproven: each must come out warn or crit with its reason.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import type { StatusReport } from '../../../src/domain/status-report.js';
import { D, H, NOW, guest, hostUp, inventoryOf, layerObs, point } from '../../helpers/observations.js';

const assetOf = (r: StatusReport, id: string) => r.assets.find((a) => a.id === id)!;
const layerOf = (r: StatusReport, id: string) => r.layers.find((l) => l.id === id)!;

describe('no false green', () => {
  it('ages a backup layer without its own rpo by the default tier: a remote PBS 200 days behind is critical', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pbs2' }],
      layers: [
        { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', repository: 'u@pbs@h:offsite', media: 'hdd', offsite: true },
        { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pbs2' },
      ],
    });
    const r = evaluate(
      inv,
      { hosts: [hostUp('pbs2')], layers: [layerObs('pbs-remote', [point('pbs-remote', 'vm/100', 200 * 24, { verification: { state: 'ok' } })]), layerObs('pve1-snap', [])] },
      NOW,
    );
    expect(layerOf(r, 'pbs-remote')).toMatchObject({ health: 'crit', rpoSeconds: 86_400, reasons: ['pbs-remote: newest point is 200 d old, RPO 24 h'] });
    // A snapshot layer with no deadline and no snapshot (taken only before upgrades) is fine.
    expect(layerOf(r, 'pve1-snap')).toMatchObject({ health: 'ok', reasons: [] });
  });

  it('does not let a restic layer of several paths vouch for a copied datastore by its fresh snapshot of another path', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pbs1' }, { name: 'docker1' }],
      layers: [
        { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' },
        { id: 'restic-cloud', kind: 'restic', host: 'docker1', repository: 's3:https://s3.example/b', secret: { file: '/p' }, media: 'cloud', offsite: true, rpo: '7d', copyOf: ['pbs-local'], paths: ['/mnt/pbs', '/srv/app'] },
      ],
      tiers: [{ name: 'tier0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100'] }],
    });
    const r = evaluate(
      inv,
      {
        hosts: [hostUp('pbs1'), hostUp('docker1')],
        layers: [
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 5, { verification: { state: 'ok' } })], { assets: [guest('vm/100', 'web01')] }),
          layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/pbs', 60 * 24), point('restic-cloud', 'files/docker1:/srv/app', 1)]),
        ],
      },
      NOW,
    );
    expect(assetOf(r, 'vm/100')).toMatchObject({ offsite: 0, health: 'warn' });
    expect(layerOf(r, 'restic-cloud').reasons).toContain('restic-cloud: copies of pbs-local are not counted: name in "carriers" which of this layer\'s assets hold them');
  });

  it('ages points by the later clock: a PBS server 3 days behind does not make an 84 h old backup 12 h old', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pbs1' }],
      layers: [{ id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' }],
    });
    const r = evaluate(inv, { hosts: [hostUp('pbs1', { clockSkewSeconds: -3 * D })], layers: [layerObs('pbs-local', [point('pbs-local', 'vm/100', 84, { verification: { state: 'ok' } })])] }, NOW);
    expect(layerOf(r, 'pbs-local')).toMatchObject({ health: 'crit', ageSeconds: 84 * H });
  });

  it('does not count a replication into the same pool of the same host as a copy', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'nas1' }],
      layers: [{ id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/data' }, target: { dataset: 'tank/backup/data' }, media: 'hdd', rpo: '1d' }],
    });
    const r = evaluate(inv, { hosts: [hostUp('nas1')], layers: [layerObs('nas-repl', [{ ...point('nas-repl', 'dataset/tank/data', 1), ref: 'tank/backup/data@autosnap_1' }])] }, NOW);
    expect(assetOf(r, 'dataset/tank/data')).toMatchObject({ copies: 1, health: 'crit' });
  });

  it("takes one cluster's guest list as the whole truth only for its own nodes: a second standalone node's stale guest stays a workload", () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pve1' }, { name: 'pve2' }, { name: 'pbs1' }],
      layers: [
        { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1' },
        { id: 'pve2-dump', kind: 'vzdump', host: 'pve2', storage: 'local', media: 'hdd', rpo: '1d' },
        { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' },
      ],
    });
    const observe = (listedNodes: string[], pve2Node?: string) =>
      evaluate(
        inv,
        {
          hosts: [hostUp('pve1'), hostUp('pve2', pve2Node ? { pveNode: pve2Node } : {}), hostUp('pbs1')],
          layers: [
            layerObs('pve1-snap', [], { assets: [guest('vm/100', 'web01')], listsAllOf: ['vm', 'ct'], listedNodes }),
            layerObs('pve2-dump', [point('pve2-dump', 'vm/100', 3)]),
            layerObs('pbs-local', [point('pbs-local', 'vm/100', 3, { verification: { state: 'ok' } }), point('pbs-local', 'vm/200', 20 * 24, { verification: { state: 'ok' } })]),
          ],
        },
        NOW,
      );
    // pve1's cluster is pve1 alone: vm/200 may well live on pve2, and its backups stopped 20 days ago.
    const apart = observe(['pve1']);
    expect(assetOf(apart, 'vm/200')).toMatchObject({ health: 'crit' });
    expect(layerOf(apart, 'pbs-local')).toMatchObject({ health: 'crit', reasons: ['pbs-local: newest point of vm/200 is 20 d old, RPO 24 h'] });
    // One cluster of both nodes: its list is complete, and vm/200 was deleted.
    const together = observe(['pve1', 'pve2']);
    expect(together.assets.map((a) => a.id)).not.toContain('vm/200');
    expect(layerOf(together, 'pbs-local').health).toBe('ok');
    // The inventory calls the host pve2, its node says `hostname` = pve-b: the same cluster still.
    const renamed = observe(['pve1', 'pve-b'], 'pve-b');
    expect(renamed.assets.map((a) => a.id)).not.toContain('vm/200');
  });

  it('does not merge two standalone nodes\' vm/100 into one protected workload: the shared id is UNKNOWN', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pve1' }, { name: 'pve2' }, { name: 'pbs1' }],
      layers: [
        { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1' },
        { id: 'pve2-snap', kind: 'pve-snapshots', host: 'pve2' },
        { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' },
      ],
    });
    const r = evaluate(
      inv,
      {
        hosts: [hostUp('pve1'), hostUp('pve2'), hostUp('pbs1')],
        layers: [
          layerObs('pve1-snap', [], { assets: [guest('vm/100', 'web01'), guest('vm/101', 'mail01')], listsAllOf: ['vm', 'ct'], listedNodes: ['pve1'] }),
          layerObs('pve2-snap', [], { assets: [guest('vm/100', 'nas-vm', 'pve2')], listsAllOf: ['vm', 'ct'], listedNodes: ['pve2'] }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 3, { verification: { state: 'ok' } }), point('pbs-local', 'vm/101', 3, { verification: { state: 'ok' } })]),
        ],
      },
      NOW,
    );
    expect(assetOf(r, 'vm/100')).toMatchObject({ health: 'unknown', reasons: ['vm/100: the id is a guest of 2 clusters (nodes pve1; pve2): their backups share it and cannot be told apart'] });
    expect(assetOf(r, 'vm/101').health).toBe('ok');
  });

  it('tells two standalone hosts apart even when both kept the installer\'s node name: their vm/100s differ', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pve-a' }, { name: 'pve-b' }, { name: 'pbs1' }],
      layers: [
        { id: 'a-snap', kind: 'pve-snapshots', host: 'pve-a' },
        { id: 'b-snap', kind: 'pve-snapshots', host: 'pve-b' },
        { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' },
      ],
    });
    const r = evaluate(
      inv,
      {
        hosts: [hostUp('pve-a'), hostUp('pve-b'), hostUp('pbs1')],
        layers: [
          layerObs('a-snap', [], { assets: [guest('vm/100', 'web01', 'pve-a')], listsAllOf: ['vm', 'ct'], listedNodes: ['pve'] }),
          layerObs('b-snap', [], { assets: [guest('vm/100', 'nas-vm', 'pve-b')], listsAllOf: ['vm', 'ct'], listedNodes: ['pve'] }),
          layerObs('pbs-local', [point('pbs-local', 'vm/100', 3, { verification: { state: 'ok' } })]),
        ],
      },
      NOW,
    );
    expect(assetOf(r, 'vm/100').health).toBe('unknown');
  });

  it('keeps a scheduled ZFS snapshot layer with no snapshot at all critical, even without an rpo', () => {
    const inv = inventoryOf({ hosts: [{ name: 'nas1' }], layers: [{ id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data'] }] });
    const r = evaluate(inv, { hosts: [hostUp('nas1')], layers: [layerObs('nas-snap', [])] }, NOW);
    expect(layerOf(r, 'nas-snap')).toMatchObject({ health: 'crit', reasons: ['nas-snap: no recovery point at all'] });
  });
});
