/**
 * The truth when layers cannot be read: a workload whose layers are all
 * unreadable is UNKNOWN, never CRIT for want of data; a shortfall stands only
 * where no unreadable layer could change it; no workload vanishes because its
 * host is down (configured ones and those of the last reading stay listed);
 * restic's client names are matched to inventory hosts.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import { lastKnownAssets } from '../../../src/domain/health/last-known.js';
import { exitCodeFor, type StatusReport } from '../../../src/domain/status-report.js';
import type { HostObservation, LayerObservation } from '../../../src/domain/types.js';
import { NOW, guest, hostUp, inventoryOf, layerObs, point } from '../../helpers/observations.js';

const estate = (more: { resticPaths?: string[] | null } = {}) =>
  inventoryOf({
    hosts: [{ name: 'pve1', node: 'pve1' }, { name: 'pbs1' }, { name: 'pbs2' }, { name: 'nas1' }, { name: 'docker1' }],
    layers: [
      { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1', media: 'nvme' },
      { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', media: 'hdd', rpo: '1d' },
      { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'u@pbs@h:usb', media: 'usb-ssd', rpo: '1d' },
      { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', repository: 'u@pbs@h:offsite', media: 'hdd', offsite: true, rpo: '2d', copyOf: ['pbs-local'] },
      { id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data'], media: 'nvme', rpo: '1h' },
      { id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/data' }, target: { dataset: 'backup/data' }, media: 'hdd', rpo: '1d' },
      { id: 'nas-cloud', kind: 'rclone', host: 'nas1', source: '/backup/data', remote: 'cloud:nas/data', media: 'cloud', offsite: true, rpo: '7d', copyOf: ['nas-repl'] },
      {
        id: 'restic-usb',
        kind: 'restic',
        host: 'docker1',
        repository: '/mnt/usb/restic',
        secret: { file: '/root/.restic-pass' },
        media: 'usb-ssd',
        rpo: '1d',
        ...(more.resticPaths === null ? {} : { paths: more.resticPaths ?? ['/srv/app'] }),
      },
    ],
    tiers: [
      { name: 'tier0', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['vm/100'] },
      { name: 'tier1', rpo: '1d', copies: 2, media: 1, offsite: 0, assets: ['dataset/tank/data', 'files/nas1:/backup/data', 'files/docker1:/srv/app'] },
    ],
  });

const verified = { verification: { state: 'ok' as const } };
const snap = (dataset: string, hoursAgo: number) => point('nas-snap', `dataset/${dataset}`, hoursAgo, { ref: `${dataset}@auto-${hoursAgo}` });

/** Every layer read and fresh. */
function healthy(): LayerObservation[] {
  return [
    layerObs('pve1-snap', [], { assets: [guest('vm/100', 'web01'), guest('vm/101', 'mail01')], listsAllOf: ['vm', 'ct'], listedNodes: ['pve1'] }),
    layerObs('pve1-dump', [point('pve1-dump', 'vm/100', 3), point('pve1-dump', 'vm/101', 3)]),
    layerObs('pbs-local', [point('pbs-local', 'vm/100', 2, verified), point('pbs-local', 'vm/101', 2, verified)]),
    layerObs('pbs-remote', [point('pbs-remote', 'vm/100', 2, verified), point('pbs-remote', 'vm/101', 2, verified)]),
    layerObs('nas-snap', [snap('tank/data', 0.5)], { assets: [{ id: 'dataset/tank/data', kind: 'dataset', name: 'tank/data', host: 'nas1', pool: 'tank' }] }),
    layerObs('nas-repl', [point('nas-repl', 'dataset/tank/data', 4, { ref: 'backup/data@auto' })]),
    layerObs('nas-cloud', [point('nas-cloud', 'files/nas1:/backup/data', 3)]),
    layerObs('restic-usb', [point('restic-usb', 'files/docker1:/srv/app', 2), point('restic-usb', 'files/docker1:/etc', 2)]),
  ];
}

const hostNames = ['pve1', 'pbs1', 'pbs2', 'nas1', 'docker1'];
const LAYER_HOST: Record<string, string> = {
  'pve1-snap': 'pve1',
  'pve1-dump': 'pve1',
  'pbs-local': 'pbs1',
  'pbs-remote': 'pbs2',
  'nas-snap': 'nas1',
  'nas-repl': 'nas1',
  'nas-cloud': 'nas1',
  'restic-usb': 'docker1',
};

/** What the collector makes of a host that does not answer: the host unreachable, each of its layers an error and nothing else. */
function withDown(layers: LayerObservation[], down: string[]): { hosts: HostObservation[]; layers: LayerObservation[] } {
  const error = (h: string) => `host ${h} is unreachable: connect ECONNREFUSED`;
  return {
    hosts: hostNames.map((h) => (down.includes(h) ? hostUp(h, { reachable: false, error: error(h), clockSkewSeconds: null }) : hostUp(h))),
    layers: layers.map((o) => {
      const host = LAYER_HOST[o.layerId]!;
      return down.includes(host) ? layerObs(o.layerId, [], { errors: [{ kind: 'transport', message: error(host) }] }) : o;
    }),
  };
}

const assetOf = (r: StatusReport, id: string) => {
  const a = r.assets.find((x) => x.id === id);
  if (!a) throw new Error(`no asset ${id} in ${r.assets.map((x) => x.id).join(', ')}`);
  return a;
};
const ids = (r: StatusReport) => r.assets.map((a) => a.id);

describe('a workload whose layers cannot be read', () => {
  it('is ok everywhere when every layer is read (the baseline the cases below break)', () => {
    const r = evaluate(estate(), { hosts: hostNames.map((h) => hostUp(h)), layers: healthy() }, NOW);
    expect(r.assets.filter((a) => a.health !== 'ok').map((a) => [a.id, a.reasons])).toEqual([]);
    expect(r.overall).toBe('ok');
  });

  it('is UNKNOWN, "cannot tell", when every layer that could hold it is down: no false red, exit 3 not 2', () => {
    const r = evaluate(estate(), withDown(healthy(), ['nas1']), NOW);
    // tank/data's layers are all on nas1: the snapshots, the replication and the rclone copy of it.
    expect(assetOf(r, 'dataset/tank/data')).toMatchObject({
      health: 'unknown',
      reasons: [
        'dataset/tank/data: cannot tell: layers nas-snap, nas-repl, nas-cloud could not be read',
        'dataset/tank/data: no recovery point on any layer; 1 of 2 copies',
        'dataset/tank/data: 0 of 1 media',
      ],
    });
    // The rclone copy's own workload: unknown too, not crit.
    expect(assetOf(r, 'files/nas1:/backup/data')).toMatchObject({ health: 'unknown', reasons: [expect.stringMatching(/cannot tell: layer nas-cloud could not be read/), expect.anything(), expect.anything()] });
    expect(r.assets.filter((a) => a.health === 'crit')).toEqual([]);
    expect(r.overall).toBe('unknown');
    expect(exitCodeFor(r)).toBe(3);
  });

  it('is UNKNOWN when its only layer holds snapshots and is down, though read it would be crit (snapshots are no copy)', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'nas1' }],
      layers: [{ id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/media'], media: 'nvme', rpo: '1h' }],
      tiers: [{ name: 't', rpo: '1d', copies: 2, media: 1, offsite: 0, assets: ['dataset/tank/media'] }],
    });
    const read = evaluate(inv, { hosts: [hostUp('nas1')], layers: [layerObs('nas-snap', [snap('tank/media', 0.5)])] }, NOW);
    expect(assetOf(read, 'dataset/tank/media').health).toBe('crit');
    const down = evaluate(
      inv,
      {
        hosts: [hostUp('nas1', { reachable: false, error: 'host nas1 is unreachable: connect ECONNREFUSED', clockSkewSeconds: null })],
        layers: [layerObs('nas-snap', [], { errors: [{ kind: 'transport', message: 'host nas1 is unreachable: connect ECONNREFUSED' }] })],
      },
      NOW,
    );
    expect(assetOf(down, 'dataset/tank/media')).toMatchObject({ health: 'unknown', reasons: [expect.stringMatching(/cannot tell: layer nas-snap could not be read$/), expect.anything(), expect.anything()] });
    expect(exitCodeFor(down)).toBe(3);
  });

  it('is UNKNOWN while an unreadable layer could hold a copy, and says which: a partial read is no verdict', () => {
    const r = evaluate(estate(), withDown(healthy(), ['pbs1']), NOW);
    // pve1-dump and pbs-remote are read: 3 copies, but pbs-local could hold the usb-ssd medium.
    expect(assetOf(r, 'vm/100')).toMatchObject({ health: 'unknown', copies: 3, reasons: ['vm/100: copies not known: pbs-local could not be read', 'vm/100: 1 of 2 media (hdd)'] });
  });

  it('keeps a shortfall the readable layers prove when the unreadable ones hold only rollback points', () => {
    // The snapshot layer fails (its pool could not be read); the replication and its cloud copy are read, and empty.
    const layers = healthy().map((o) =>
      o.layerId === 'nas-snap'
        ? { ...o, errors: [{ kind: 'transport' as const, message: 'zpool list: command on nas1 timed out' }] }
        : o.layerId === 'nas-repl' || o.layerId === 'nas-cloud'
          ? layerObs(o.layerId, [])
          : o,
    );
    const r = evaluate(estate(), { hosts: hostNames.map((h) => hostUp(h)), layers }, NOW);
    // No snapshot can ever be a copy: whatever nas-snap holds, tank/data has no backup.
    expect(assetOf(r, 'dataset/tank/data')).toMatchObject({ health: 'crit', copies: 1 });
    expect(assetOf(r, 'dataset/tank/data').reasons[0]).toBe('dataset/tank/data: no fresh backup (only rollback points (nas-snap)); 1 of 2 copies');
  });
});

describe('workloads never vanish because a host is down', () => {
  it('lists configured datasets, replication sources, restic paths and rclone sources of a host that is down', () => {
    const inv = estate({ resticPaths: ['/srv/app', '/var/lib/db'] });
    const r = evaluate(inv, withDown(healthy(), ['nas1', 'docker1']), NOW);
    for (const id of ['dataset/tank/data', 'files/nas1:/backup/data', 'files/docker1:/srv/app', 'files/docker1:/var/lib/db']) {
      expect(assetOf(r, id).health).toBe('unknown');
    }
    expect(assetOf(r, 'files/docker1:/var/lib/db')).toMatchObject({ host: 'docker1', reasons: [expect.stringMatching(/^files\/docker1:\/var\/lib\/db: cannot tell: layer restic-usb could not be read/), expect.anything(), expect.anything()] });
  });

  it('lists the workloads of the last reading, UNKNOWN, while their layers cannot be read; drops them once every layer answers without them', () => {
    const inv = estate({ resticPaths: null });
    const first = evaluate(inv, { hosts: hostNames.map((h) => hostUp(h)), layers: healthy() }, NOW);
    expect(assetOf(first, 'files/docker1:/etc')).toMatchObject({ health: 'ok', seenOn: ['restic-usb'] });

    // docker1 is down: /etc is known only from the last reading (no tier, no configured path names it).
    const down = evaluate(inv, { ...withDown(healthy(), ['docker1']), lastKnown: lastKnownAssets(first) }, NOW);
    expect(assetOf(down, 'files/docker1:/etc')).toMatchObject({
      health: 'unknown',
      host: 'docker1',
      seenOn: ['restic-usb'],
      reasons: ['files/docker1:/etc: cannot tell: layer restic-usb could not be read', 'files/docker1:/etc: no recovery point on any layer; 1 of 2 copies', 'files/docker1:/etc: 0 of 1 media'],
    });
    expect(exitCodeFor(down)).toBe(3);
    // Still down at the next reading: known from the reading that was itself unknown.
    const again = evaluate(inv, { ...withDown(healthy(), ['docker1']), lastKnown: lastKnownAssets(down) }, NOW);
    expect(assetOf(again, 'files/docker1:/etc')).toMatchObject({ health: 'unknown', seenOn: ['restic-usb'] });
    // Without what the last reading knew, the workload would have vanished.
    expect(ids(evaluate(inv, withDown(healthy(), ['docker1']), NOW))).not.toContain('files/docker1:/etc');

    // docker1 is back and its repository no longer has /etc: gone for good.
    const back = healthy().map((o) => (o.layerId === 'restic-usb' ? layerObs('restic-usb', [point('restic-usb', 'files/docker1:/srv/app', 2)]) : o));
    const after = evaluate(inv, { hosts: hostNames.map((h) => hostUp(h)), layers: back, lastKnown: lastKnownAssets(again) }, NOW);
    expect(ids(after)).not.toContain('files/docker1:/etc');
  });

  it('still drops a guest the complete guest list no longer has, though the last reading knew it', () => {
    const inv = estate();
    const first = evaluate(inv, { hosts: hostNames.map((h) => hostUp(h)), layers: healthy() }, NOW);
    expect(ids(first)).toContain('vm/101');
    // vm/101 was deleted; pbs1 is down, so its old backups there cannot be read either.
    const layers = withDown(healthy(), ['pbs1']);
    const deleted = layers.layers.map((o) => (o.layerId === 'pve1-snap' ? { ...o, assets: [guest('vm/100', 'web01')] } : o));
    const r = evaluate(inv, { hosts: layers.hosts, layers: deleted, lastKnown: lastKnownAssets(first) }, NOW);
    expect(ids(r)).not.toContain('vm/101');
    // While the guest list itself cannot be read, the guest stays.
    const listDown = evaluate(inv, { ...withDown(healthy(), ['pve1', 'pbs1', 'pbs2']), lastKnown: lastKnownAssets(first) }, NOW);
    expect(assetOf(listDown, 'vm/101')).toMatchObject({ health: 'unknown', name: 'mail01' });
  });
});

describe('restic client names', () => {
  const twoClients = () =>
    inventoryOf({
      hosts: [{ name: 'docker1' }, { name: 'nas1' }],
      layers: [
        // nas1 reads the repository docker1 writes; docker1's machine calls itself docker1.lan.
        { id: 'restic-usb', kind: 'restic', host: 'nas1', repository: '/mnt/usb/restic', secret: { file: '/p' }, media: 'usb-ssd', rpo: '1d' },
        { id: 'app-cloud', kind: 'rclone', host: 'docker1', source: '/srv/app', remote: 'cloud:app', media: 'cloud', offsite: true, rpo: '1d' },
      ],
      tiers: [{ name: 'tier1', rpo: '1d', copies: 3, media: 2, offsite: 1, assets: ['files/docker1:/srv/app'] }],
    });

  it('counts snapshots under another spelling of an inventory host for that host: one workload, not two', () => {
    const r = evaluate(
      twoClients(),
      {
        hosts: [hostUp('docker1'), hostUp('nas1')],
        layers: [layerObs('restic-usb', [point('restic-usb', 'files/Docker1.lan:/srv/app', 2)], { assets: [{ id: 'files/Docker1.lan:/srv/app', kind: 'files', name: '/srv/app', host: 'Docker1.lan' }] }), layerObs('app-cloud', [point('app-cloud', 'files/docker1:/srv/app', 1)])],
      },
      NOW,
    );
    expect(ids(r)).toEqual(['files/docker1:/srv/app']);
    expect(assetOf(r, 'files/docker1:/srv/app')).toMatchObject({ health: 'ok', copies: 3, host: 'docker1', newest: { 'restic-usb': expect.any(String), 'app-cloud': expect.any(String) } });
  });

  it('explains a configured path whose snapshots carry a client name that is no inventory host', () => {
    const inv = estate();
    const layers = healthy().map((o) => (o.layerId === 'restic-usb' ? layerObs('restic-usb', [point('restic-usb', 'files/oldbox:/srv/app', 2)]) : o));
    const r = evaluate(inv, { hosts: hostNames.map((h) => hostUp(h)), layers }, NOW);
    const app = assetOf(r, 'files/docker1:/srv/app');
    expect(app.health).toBe('crit');
    expect(app.reasons).toContain(
      'files/docker1:/srv/app: restic-usb has snapshots of /srv/app only under the restic host name "oldbox", which is not docker1: they count as files/oldbox:/srv/app (restic names a snapshot by its machine\'s hostname, or --host)',
    );
    expect(assetOf(r, 'files/oldbox:/srv/app').health).toBe('ok');
  });

  it('leaves a name two inventory hosts could both be alone', () => {
    const inv = inventoryOf({
      hosts: [{ name: 'pve-a', node: 'pve' }, { name: 'pve-b', node: 'pve' }],
      layers: [{ id: 'r', kind: 'restic', host: 'pve-a', repository: '/r', secret: { file: '/p' }, media: 'hdd', rpo: '1d' }],
    });
    const r = evaluate(inv, { hosts: [hostUp('pve-a'), hostUp('pve-b')], layers: [layerObs('r', [point('r', 'files/pve:/etc', 2)])] }, NOW);
    expect(ids(r)).toEqual(['files/pve:/etc']);
  });
});
