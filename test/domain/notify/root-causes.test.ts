/** One message per root cause, on status reports built by hand. */
import { describe, expect, it } from 'vitest';
import { notifyMessages } from '../../../src/domain/notify/messages.js';
import { rootCauses } from '../../../src/domain/notify/root-causes.js';
import { asset, host, layer, report } from '../../helpers/outputs/reports.js';

const noInventory = { layers: [] };
const NOW = Date.parse('2026-01-31T02:00:00Z') / 1000;

/** A node that does not answer: its three layers and the twelve guests on it fail with it. */
function hostDown() {
  const down = host('pve1', { reachable: false, error: 'ssh: connect to host pve1 port 22: Connection refused', health: 'unknown', reasons: ['not reachable: Connection refused'] });
  const layers = [
    layer('snaps', { kind: 'pve-snapshots', host: 'pve1', health: 'unknown', reasons: ['host pve1 not reachable'] }),
    layer('dumps', { kind: 'vzdump', host: 'pve1', health: 'unknown', reasons: ['host pve1 not reachable'] }),
    layer('zsnap', { kind: 'zfs-snapshots', host: 'pve1', health: 'unknown', reasons: ['host pve1 not reachable'] }),
  ];
  const guests = Array.from({ length: 12 }, (_, i) => asset(`vm/${100 + i}`, { host: 'pve1', health: 'unknown', seenOn: ['snaps', 'dumps'], reasons: ['its layers could not be read'] }));
  return report({ hosts: [down, host('pbs1')], layers: [...layers, layer('pbs-local', { kind: 'pbs', host: 'pbs1' })], assets: [...guests, asset('ct/200', { host: 'pve2' })] });
}

describe('root causes', () => {
  it('a host down with 3 layers and 12 workloads is one message naming the host and counting the rest', () => {
    const plan = notifyMessages(hostDown(), noInventory, {}, NOW, 86_400);
    expect(plan.messages).toHaveLength(1);
    const [m] = plan.messages;
    expect(m).toMatchObject({ event: 'problem', key: 'host:pve1', root: 'host pve1', health: 'unknown', title: 'UNKNOWN: host pve1' });
    expect(m!.text).toContain('not reachable: Connection refused');
    expect(m!.text).toContain('Failing with it: 3 layers (snaps, dumps, zsnap); 12 workloads (vm/100, vm/101, vm/102, vm/103, vm/104 and 7 more).');
    expect(plan.causes[0]).toMatchObject({ layers: ['snaps', 'dumps', 'zsnap'], chains: [] });
    expect(plan.causes[0]!.workloads).toHaveLength(12);
  });

  it('a failing PBS datastore takes the copy chained from it and the workloads seen on it', () => {
    const r = report({
      hosts: [host('pbs1'), host('pbs2')],
      layers: [
        layer('pbs-local', { kind: 'pbs', host: 'pbs1', health: 'crit', reasons: ['datastore pbs-local is 97% full'] }),
        layer('pbs-remote', { kind: 'pbs', host: 'pbs2', health: 'warn', copyOf: ['pbs-local'], reasons: ['newest point 30 h old'] }),
        layer('offsite', { kind: 'rclone', host: 'pbs2', health: 'warn', copyOf: ['pbs-remote'], reasons: ['newest point 30 h old'] }),
        layer('other', { kind: 'restic', host: 'nas' }),
      ],
      assets: [
        asset('vm/100', { health: 'warn', seenOn: ['pbs-local', 'pbs-remote'] }),
        asset('vm/101', { health: 'crit', seenOn: ['pbs-remote'] }),
        asset('vm/102', { health: 'ok', seenOn: ['pbs-local'] }),
      ],
    });
    const causes = rootCauses(r, noInventory);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ key: 'layer:pbs-local', what: 'datastore pbs-local (pbs1)', health: 'crit', layers: ['pbs-remote', 'offsite'], chains: ['pbs-remote', 'offsite'], workloads: ['vm/100', 'vm/101'] });
    const [m] = notifyMessages(r, noInventory, {}, NOW, 86_400).messages;
    expect(m!.text).toContain('Failing with it: 2 layers (pbs-remote, offsite), 2 of them by copying a failing layer; 2 workloads (vm/100, vm/101).');
  });

  it('a failing bucket is a root of its own when what it copies is fine', () => {
    const r = report({
      layers: [layer('repo', { kind: 'restic' }), layer('b2', { kind: 'rclone', host: 'nas', copyOf: ['repo'], health: 'crit', reasons: ['rclone: 403 Forbidden'] })],
      assets: [asset('files/nas:/srv', { health: 'warn', seenOn: ['repo', 'b2'] })],
    });
    expect(rootCauses(r, noInventory).map((c) => [c.key, c.what, c.workloads])).toEqual([['layer:b2', 'bucket b2 (nas)', ['files/nas:/srv']]]);
  });

  it('two replications into one degraded pool are one message: the pool', () => {
    const pools = [{ name: 'backup', state: 'DEGRADED', healthy: false, usedPercent: 40, detail: 'a disk is missing' }];
    const r = report({
      layers: [
        layer('nas-repl', { kind: 'zfs-replication', host: 'nas1', health: 'crit', pools, reasons: ['pool backup is DEGRADED (a disk is missing)'] }),
        layer('nas-media-repl', { kind: 'zfs-replication', host: 'nas1', health: 'crit', pools, reasons: ['pool backup is DEGRADED (a disk is missing)'] }),
        layer('nas-snap', { kind: 'zfs-snapshots', host: 'nas1', pools: [{ name: 'tank', state: 'ONLINE', healthy: true, usedPercent: 10, detail: null }] }),
      ],
    });
    const plan = notifyMessages(r, noInventory, {}, NOW, 86_400);
    expect(plan.messages.map((m) => [m.key, m.title])).toEqual([['pool:nas1/backup', 'CRIT: pool backup (nas1)']]);
    expect(plan.messages[0]!.text).toBe('pool backup is DEGRADED (a disk is missing)\nFailing with it: 2 layers (nas-repl, nas-media-repl).\nSince 2026-01-31T02:00:00Z.');
    // The pool healthy again: its recovery.
    const healed = report({ layers: r.layers.map((l) => ({ ...l, health: 'ok' as const, reasons: [], pools: l.pools?.map((p) => ({ ...p, state: 'ONLINE', healthy: true })) })) });
    const next = notifyMessages(healed, noInventory, plan.told, NOW + 60, 86_400);
    expect(next.messages.map((m) => [m.event, m.title, m.text])).toEqual([['recovery', 'Recovered: pool backup (nas1)', 'pool backup (nas1) is OK now, after 1 min CRIT (since 2026-01-31T02:00:00Z).']]);
  });

  it('a workload with no failing host or layer under it is its own problem', () => {
    const r = report({ layers: [layer('repo')], assets: [asset('vm/111', { name: 'db', health: 'crit', reasons: ['in no backup job'], seenOn: [] })] });
    expect(rootCauses(r, noInventory).map((c) => [c.key, c.what])).toEqual([['asset:vm/111', 'workload vm/111 (db)']]);
  });

  it('a layer whose inventory host is down folds into that host even when the report names another', () => {
    const r = report({
      hosts: [host('pve1'), host('pbs1', { reachable: false, health: 'unknown', reasons: ['not reachable'] })],
      layers: [layer('pbs-sync', { kind: 'pbs', host: 'pve1', health: 'unknown' })],
    });
    const inventory = { layers: [{ id: 'pbs-sync', kind: 'pbs', host: 'pbs1', datastore: 'store' }] } as never;
    expect(rootCauses(r, inventory).map((c) => [c.key, c.layers])).toEqual([['host:pbs1', ['pbs-sync']]]);
  });

  it("a guest whose copies are not known because its node's vzdump storage could not be read goes with that node", () => {
    const r = report({
      hosts: [host('pve1', { reachable: false, health: 'unknown', reasons: ['not reachable'] }), host('pbs2')],
      layers: [layer('pve1-dump', { kind: 'vzdump', host: 'pve1', health: 'unknown' }), layer('pbs-remote', { kind: 'pbs', host: 'pbs2' })],
      // The live host is not known (its node is down); only the healthy copy has a point of it.
      assets: [asset('vm/100', { host: null, health: 'unknown', seenOn: ['pbs-remote'], reasons: ['vm/100: copies not known: pve1-dump could not be read'] })],
    });
    const inventory = { layers: [{ id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local' }, { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', datastore: 'remote' }] } as never;
    expect(rootCauses(r, inventory).map((c) => [c.key, c.workloads])).toEqual([['host:pve1', ['vm/100']]]);
    // Without the inventory's vzdump storage nothing ties it to the node: a problem of its own.
    expect(rootCauses(r, noInventory).map((c) => c.key)).toEqual(['host:pve1', 'asset:vm/100']);
  });

  it('orders the worst first and gives the same problems for the same report', () => {
    const r = report({
      layers: [layer('a', { health: 'warn' }), layer('b', { health: 'crit' })],
      assets: [asset('vm/1', { health: 'unknown' })],
    });
    expect(rootCauses(r, noInventory).map((c) => c.key)).toEqual(['layer:b', 'asset:vm/1', 'layer:a']);
    expect(rootCauses(r, noInventory)).toEqual(rootCauses(r, noInventory));
  });

  it('a copy loop in the report does not hang', () => {
    const r = report({ layers: [layer('a', { health: 'crit', copyOf: ['b'] }), layer('b', { health: 'crit', copyOf: ['a'] })] });
    expect(rootCauses(r, noInventory)).toHaveLength(1);
  });
});
