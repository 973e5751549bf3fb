import { afterEach, describe, expect, it } from 'vitest';
import type {
  ConfigBackupLayerFile,
  LayerFile,
  PbsLayerFile,
  PveSnapshotsLayerFile,
  RcloneLayerFile,
  ResticLayerFile,
  VzdumpLayerFile,
  ZfsReplicationLayerFile,
  ZfsSnapshotsLayerFile,
} from '../../src/domain/inventory-file.js';
import type { LayerObservation } from '../../src/domain/types.js';
import { evaluate } from '../../src/domain/evaluate.js';
import { validateInventory } from '../../src/domain/inventory.js';
import { CLOCK_COMMAND, HOSTNAME_COMMAND } from '../../src/adapters/host/commands.js';
import { probeCommands, readLayer, type ReaderContext } from '../../src/kinds/read.js';
import { TransportError } from '../../src/transport/errors.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { fixture, reply } from '../helpers/fixtures.js';

const J = ['--output-format', 'json'];
const NOW = 1706680000;
let runners: FakeRunner[] = [];

function host(name: string): FakeRunner {
  const r = new FakeRunner(name);
  runners.push(r);
  return r;
}

function ctx(runner: FakeRunner, more: Partial<ReaderContext> = {}, others: Record<string, FakeRunner> = {}): ReaderContext {
  return {
    runner,
    runnerFor: (h) => {
      const r = others[h];
      if (!r) throw new Error(`no runner for ${h}`);
      return r;
    },
    node: 'pve1',
    nowSec: NOW,
    timeoutMs: 5000,
    lookupEnv: () => undefined,
    ...more,
  };
}

afterEach(() => {
  const all = runners;
  runners = [];
  for (const r of all) r.assertDone();
});

const assetIds = (o: LayerObservation) => o.assets.map((a) => a.id);
const pointsOf = (o: LayerObservation, assetId: string) => o.points.filter((p) => p.assetId === assetId).map((p) => p.timeSec);

describe('pve-snapshots reader', () => {
  const layer: PveSnapshotsLayerFile = { id: 'snaps', kind: 'pve-snapshots', host: 'pve1' };
  const list = ['pvesh', 'get', '/cluster/resources', '--type', 'vm', ...J];
  const snaps = (type: string, vmid: number) => ['pvesh', 'get', `/nodes/pve1/${type}/${vmid}/snapshot`, ...J];

  it('lists every guest of the cluster as an asset (the authoritative list), reads snapshots of its own node only', async () => {
    const r = host('pve1')
      .on(list, reply('pve', 'cluster-resources-normal'))
      .on(snaps('qemu', 100), reply('pve', 'guest-snapshots-normal'))
      .on(snaps('lxc', 101), reply('pve', 'guest-snapshots-snapstate'))
      .on(snaps('qemu', 105), reply('pve', 'guest-snapshots-only-current'));
    const o = await readLayer(ctx(r), layer);
    expect(o.errors).toEqual([]);
    expect(o.assets).toEqual([
      { id: 'vm/100', kind: 'vm', name: 'web01', host: 'pve1' },
      { id: 'ct/101', kind: 'ct', name: 'dns', host: 'pve1' },
      { id: 'vm/105', kind: 'vm', name: 'test', host: 'pve1' },
      // Another node's guest: listed (it exists), no inventory host named for it, no snapshot probe.
      { id: 'vm/200', kind: 'vm', name: 'db01' },
      { id: 'vm/9000', kind: 'vm', name: 'debian12-tmpl', host: 'pve1', template: true },
    ]);
    expect(o.listsAllOf).toEqual(['vm', 'ct']);
    expect(pointsOf(o, 'vm/100')).toEqual([1706493601, 1706580001, 1706666401]);
    expect(o.points.find((p) => p.assetId === 'ct/101' && p.ref === 'weekly')?.partial).toBe(true);
    expect(pointsOf(o, 'vm/105')).toEqual([]);
    expect(o).toMatchObject({ layerId: 'snaps', readAtSec: NOW });
    expect(r.calls.every((c) => c.timeoutMs === 5000)).toBe(true);
  });

  it('reads the snapshots of all guests concurrently', async () => {
    const r = host('pve1')
      .on(list, reply('pve', 'cluster-resources-normal'))
      .expect({ argv: snaps('qemu', 100), reply: reply('pve', 'guest-snapshots-normal'), delayMs: 30 })
      .expect({ argv: snaps('lxc', 101), reply: reply('pve', 'guest-snapshots-normal'), delayMs: 30 })
      .expect({ argv: snaps('qemu', 105), reply: reply('pve', 'guest-snapshots-normal'), delayMs: 30 });
    await readLayer(ctx(r), layer);
    expect(r.maxInFlight).toBe(3);
  });

  it('keeps the other guests when one guest cannot be read, and names the one that failed', async () => {
    const r = host('pve1')
      .on(list, reply('pve', 'cluster-resources-normal'))
      .on(snaps('qemu', 100), reply('pve', 'guest-snapshots-normal'))
      .on(snaps('lxc', 101), reply('bad', 'html-error-page'))
      .on(snaps('qemu', 105), reply('pve', 'guest-snapshots-missing-guest'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points.map((p) => p.assetId)).toEqual(['vm/100', 'vm/100', 'vm/100']);
    expect(o.errors.map((e) => [e.kind, e.message.split(':')[0]])).toEqual([
      ['parse', 'snapshots of ct/101'],
      ['not-found', 'snapshots of vm/105'],
    ]);
  });

  it('limits to configured guests and reports a configured guest that is gone', async () => {
    const r = host('pve1').on(list, reply('pve', 'cluster-resources-normal')).on(snaps('qemu', 100), reply('pve', 'guest-snapshots-normal'));
    const o = await readLayer(ctx(r), { ...layer, guests: [100, 333] });
    expect(assetIds(o)).toEqual(['vm/100']);
    // A filtered list says nothing about which other guests exist.
    expect(o.listsAllOf).toBeUndefined();
    expect(o.errors).toEqual([{ kind: 'not-found', message: 'guest 333 is not a guest of node pve1' }]);
  });

  it('reads an unreachable host as an error with no assets and no points', async () => {
    const r = host('pve1').on(list, new TransportError('unreachable', { host: 'pve1', detail: 'connect ETIMEDOUT' }));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(o.assets).toEqual([]);
    expect(o.errors).toEqual([{ kind: 'transport', message: 'guest list: host pve1 is unreachable: connect ETIMEDOUT' }]);
  });
});

describe('vzdump reader', () => {
  const layer: VzdumpLayerFile = { id: 'dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup' };
  const probes = {
    content: ['pvesh', 'get', '/nodes/pve1/storage/local-backup/content', '--content', 'backup', ...J],
    jobs: ['pvesh', 'get', '/cluster/backup', ...J],
    tasks: ['pvesh', 'get', '/nodes/pve1/tasks', '--typefilter', 'vzdump', '--limit', '50', ...J],
    nbu: ['pvesh', 'get', '/cluster/backup-info/not-backed-up', ...J],
    status: ['pvesh', 'get', '/nodes/pve1/storage/local-backup/status', ...J],
    log: (upid: string) => ['pvesh', 'get', `/nodes/pve1/tasks/${upid}/log`, '--limit', '1', ...J],
  };
  const jobLine = (cmd: string) => JSON.stringify([{ n: 1, t: `INFO: starting new backup job: ${cmd}` }]);

  function healthy(r: FakeRunner, statusFixture = 'storage-status-normal'): FakeRunner {
    return r
      .expect({ argv: probes.content, reply: reply('pve', 'storage-content-dir'), delayMs: 20 })
      .expect({ argv: probes.jobs, reply: reply('pve', 'backup-jobs-normal'), delayMs: 20 })
      .expect({ argv: probes.tasks, reply: reply('pve', 'tasks-normal'), delayMs: 20 })
      .expect({ argv: probes.nbu, reply: reply('pve', 'not-backed-up-normal'), delayMs: 20 })
      .expect({ argv: probes.status, reply: reply('pve', statusFixture), delayMs: 20 })
      // Its two failed tasks' logs say they were bound for this storage.
      .on(probes.log('UPID:pve1:0000044C:00015F90:65B85821:vzdump:101:root@pam:'), jobLine('vzdump 101 --storage local-backup --mode snapshot'))
      .on(probes.log('UPID:pve1:000003E8:00013880:65B706A1:vzdump:105:root@pam:'), jobLine('vzdump 105 --mode snapshot --storage local-backup'));
  }

  it('reads archives, tasks, jobs of this storage, unprotected guests and capacity, all probes at once', async () => {
    const r = healthy(host('pve1'));
    const o = await readLayer(ctx(r), layer);
    expect(r.maxInFlight).toBe(5);
    expect(o.errors).toEqual([]);
    expect(pointsOf(o, 'vm/100')).toEqual([1706580001, 1706666401]);
    expect(o.points.find((p) => p.assetId === 'vm/100' && p.timeSec === 1706666401)).toMatchObject({
      ref: 'local-backup:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst',
      protected: true,
      sizeBytes: 4530001234,
    });
    expect(pointsOf(o, 'ct/102')).toEqual([1703988000]);
    expect(o.jobs.map((j) => [j.state, j.status, j.assetId])).toEqual([
      ['running', 'RUNNING', undefined],
      ['warn', 'WARNINGS: 2', undefined],
      ['ok', 'OK', 'vm/100'],
      ['failed', 'job errors', 'ct/101'],
      ['failed', 'unable to find VM 105', 'vm/105'],
    ]);
    expect(o.jobDefinitions?.map((j) => j.id)).toEqual(['backup-5c3e1a2b-9f0e']);
    expect(o.jobDefinitions?.[0]).toMatchObject({ all: true, exclude: [105], retention: 'keep-daily=7,keep-weekly=4', enabled: true });
    expect(o.notBackedUp).toEqual(['vm/105', 'ct/110']);
    expect(assetIds(o)).toEqual(['vm/105', 'ct/110']);
    expect(o.capacity).toEqual({ totalBytes: 2199023255552, usedBytes: 549755813888, availBytes: 1649267441664, name: 'local-backup' });
  });

  /** A vzdump task as /nodes/{node}/tasks lists it, ended a minute after it began unless told. */
  const upid = (start: number, id: string) => `UPID:pve1:00000001:00000001:${start.toString(16).toUpperCase()}:vzdump:${id}:root@pam:`;
  const task = (start: number, id: string, status: string, end = start + 60) => ({
    endtime: end,
    id,
    node: 'pve1',
    pid: 1,
    pstart: 1,
    starttime: start,
    status,
    type: 'vzdump',
    upid: upid(start, id),
    user: 'root@pam',
  });

  it("does not let another storage's later successful job hide this storage's failed one", async () => {
    // 01:00 the job to local-backup failed (storage full); 02:00 the job to pbs1 ran fine.
    const tasks = JSON.stringify([task(1706749200, '', 'job errors'), task(1706752800, '', 'OK', 1706753400)]);
    const r = host('pve1')
      .on(probes.content, reply('pve', 'storage-content-dir'))
      .on(probes.jobs, reply('pve', 'backup-jobs-empty'))
      .on(probes.tasks, tasks)
      .on(probes.nbu, reply('pve', 'not-backed-up-empty'))
      .on(probes.status, reply('pve', 'storage-status-normal'));
    r.on(probes.log(upid(1706749200, '')), jobLine('vzdump --all 1 --storage local-backup --mode snapshot'));
    const o = await readLayer(ctx(r), layer);
    expect(o.jobs.map((j) => [j.state, j.status])).toEqual([['failed', 'job errors']]);
  });

  it("does not pin another storage's failed job on this one: a failed task's log names where it was going", async () => {
    // 03:00 the weekly job to the NAS failed; 04:00 a manual backup of 101 failed with an unreadable log;
    // 05:00 a backup of 102 named no storage (vzdump's default): neither can be placed, so both stay.
    const tasks = JSON.stringify([task(1706756400, '', 'job errors'), task(1706760000, '101', 'job errors'), task(1706763600, '102', 'job errors')]);
    const r = host('pve1')
      .on(probes.content, reply('pve', 'storage-content-dir'))
      .on(probes.jobs, reply('pve', 'backup-jobs-empty'))
      .on(probes.tasks, tasks)
      .on(probes.nbu, reply('pve', 'not-backed-up-empty'))
      .on(probes.status, reply('pve', 'storage-status-normal'))
      .on(probes.log(upid(1706756400, '')), jobLine("vzdump --all 1 --storage nas-weekly --mode snapshot --notes-template '{{guestname}}'"))
      .on(probes.log(upid(1706760000, '101')), { stderr: "unable to open file '/var/log/pve/tasks/0/x' - No such file or directory\n", exitCode: 255 })
      .on(probes.log(upid(1706763600, '102')), jobLine('vzdump 102 --mode snapshot'));
    const o = await readLayer(ctx(r), layer);
    expect(o.jobs.map((j) => [j.state, j.id ?? ''])).toEqual([
      ['failed', '102'],
      ['failed', '101'],
    ]);
    expect(o.errors).toEqual([]);
  });

  it('carries PBS verification (with the time it ran) from a PBS storage', async () => {
    const r = host('pve1')
      .on(probes.content, reply('pve', 'storage-content-pbs'))
      .on(probes.jobs, reply('pve', 'backup-jobs-empty'))
      .on(probes.tasks, reply('pve', 'tasks-empty'))
      .on(probes.nbu, reply('pve', 'not-backed-up-empty'))
      .on(probes.status, reply('pve', 'storage-status-strings'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points.find((p) => p.assetId === 'ct/101')?.verification).toMatchObject({ state: 'failed', atSec: 0x65b9b5d0 });
    expect(o.notBackedUp).toEqual([]);
  });

  it('reports an inactive storage and a garbled task list, keeping what could be read', async () => {
    const r = host('pve1')
      .on(probes.content, reply('pve', 'storage-content-dir'))
      .on(probes.jobs, reply('pve', 'backup-jobs-normal'))
      .on(probes.tasks, reply('bad', 'truncated-json'))
      .on(probes.nbu, reply('pve', 'not-backed-up-normal'))
      .on(probes.status, reply('pve', 'storage-status-inactive'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toHaveLength(4);
    expect(o.jobs).toEqual([]);
    expect(o.capacity).toBeUndefined();
    expect(o.errors.map((e) => e.kind)).toEqual(['parse', 'not-found']);
    expect(o.errors[1]!.message).toBe('storage local-backup is not active on pve1 (not mounted or unreachable)');
  });

  it('reports a missing storage as not-found, with no points from it', async () => {
    const r = host('pve1')
      .on(probes.content, reply('pve', 'storage-content-missing-storage'))
      .on(probes.jobs, reply('pve', 'backup-jobs-empty'))
      .on(probes.tasks, reply('pve', 'tasks-empty'))
      .on(probes.nbu, reply('pve', 'not-backed-up-empty'))
      .on(probes.status, reply('pve', 'storage-content-missing-storage'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(o.errors.map((e) => e.kind)).toEqual(['not-found', 'not-found']);
  });
});

describe('pbs reader', () => {
  const layer: PbsLayerFile = {
    id: 'pbs-local',
    kind: 'pbs',
    host: 'pbs',
    repository: 'strata@pbs!ro@localhost:store1',
    secret: { env: 'PBS_TOKEN' },
    fingerprint: 'ab:cd',
  };
  const repo = ['--repository', 'strata@pbs!ro@localhost:store1', ...J];
  const env = { PBS_FINGERPRINT: 'ab:cd' };
  const secrets = { PBS_PASSWORD: 'tok' };
  const tasks = ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', ...J];

  it('reads points with verification, capacity and the tasks of this datastore', async () => {
    const r = host('pbs')
      .expect({ argv: ['proxmox-backup-client', 'snapshot', 'list', ...repo], env, secrets, reply: reply('pbs', 'snapshot-list-normal') })
      .expect({ argv: ['proxmox-backup-client', 'status', ...repo], env, secrets, reply: reply('pbs', 'status-normal') })
      .on(tasks, reply('pbs', 'task-list-normal'));
    const o = await readLayer(ctx(r, { lookupEnv: (n) => (n === 'PBS_TOKEN' ? 'tok' : undefined) }), layer);
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => [p.assetId, p.ref])).toEqual([
      ['vm/100', 'vm/100/2024-01-30T02:00:01Z'],
      ['vm/100', 'vm/100/2024-01-31T02:00:01Z'],
      ['ct/101', 'ct/101/2024-01-31T02:01:00Z'],
      ['host/pve1', 'host/pve1/2024-01-31T03:00:00Z'],
    ]);
    expect(o.points[1]!.verification).toMatchObject({ state: 'ok', atSec: 0x65b9b5c1 });
    expect(o.points[2]).toMatchObject({ protected: true, verification: { state: 'failed' } });
    // The backup task of vm/100 that began with the snapshot ended 69 s later; the others' tasks are no longer listed.
    expect(o.points.map((p) => p.completedAtSec)).toEqual([undefined, 1706666470, undefined, undefined]);
    expect(o.capacity).toMatchObject({ totalBytes: 2199023255552, name: 'store1' });
    expect(o.jobs.map((j) => [j.kind, j.type, j.state, j.assetId])).toEqual([
      ['gc', 'garbage_collection', 'running', undefined],
      ['prune', 'prunejob', 'ok', undefined],
      ['sync', 'syncjob', 'failed', undefined],
      ['verify', 'verify_snapshot', 'failed', 'ct/101'],
      ['verify', 'verificationjob', 'warn', undefined],
      ['backup', 'backup', 'ok', 'vm/100'],
    ]);
  });

  it('marks an unfinished backup as partial', async () => {
    const r = host('pbs')
      .expect({ argv: ['proxmox-backup-client', 'snapshot', 'list', ...repo], env, secrets, reply: reply('pbs', 'snapshot-list-unfinished') })
      .expect({ argv: ['proxmox-backup-client', 'status', ...repo], env, secrets, reply: reply('pbs', 'status-normal') })
      .on(tasks, reply('pbs', 'task-list-empty'));
    const o = await readLayer(ctx(r, { lookupEnv: () => 'tok' }), layer);
    expect(o.points.map((p) => p.partial ?? false)).toEqual([false, true]);
  });

  it('does not run the client when the {env} secret is unset, and says which variable', async () => {
    const r = host('pbs').on(tasks, reply('pbs', 'task-list-empty'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(o.errors).toEqual([{ kind: 'auth', message: "PBS password: secret variable PBS_TOKEN is not set in Strata's environment" }]);
  });

  it('reports bad credentials as auth', async () => {
    const r = host('pbs')
      .expect({ argv: ['proxmox-backup-client', 'snapshot', 'list', ...repo], env, secrets, reply: reply('pbs', 'snapshot-list-auth-failed') })
      .expect({ argv: ['proxmox-backup-client', 'status', ...repo], env, secrets, reply: reply('pbs', 'snapshot-list-auth-failed') })
      .on(tasks, reply('pbs', 'task-list-empty'));
    const o = await readLayer(ctx(r, { lookupEnv: () => 'tok' }), layer);
    expect(o.errors.map((e) => e.kind)).toEqual(['auth', 'auth']);
    expect(o.points).toEqual([]);
  });
});

describe('zfs-snapshots reader', () => {
  const layer: ZfsSnapshotsLayerFile = { id: 'zsnap', kind: 'zfs-snapshots', host: 'pve1', datasets: ['rpool/data'] };
  const list = ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'rpool/data'];
  const pools = ['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,cap,health'];
  const status = ['zpool', 'status', '-x'];

  it('reads points per dataset and child, assets, and the pool with health and capacity', async () => {
    const r = host('pve1').on(list, reply('zfs', 'zfs-list-snapshots-normal')).on(pools, reply('zfs', 'zpool-list-normal')).on(status, reply('zfs', 'zpool-status-healthy'));
    const o = await readLayer(ctx(r), layer);
    expect(o.errors).toEqual([]);
    expect(assetIds(o)).toEqual(['dataset/rpool/data', 'dataset/rpool/data/subvol-101-disk-0', 'dataset/rpool/data/vm-100-disk-0']);
    expect(pointsOf(o, 'dataset/rpool/data/vm-100-disk-0')).toEqual([1706580001, 1706659201, 1706666401]);
    expect(o.pools).toEqual([
      {
        name: 'rpool',
        state: 'ONLINE',
        healthy: true,
        capacity: { totalBytes: 1992864825344, usedBytes: 597859447603, availBytes: 1395005377741, name: 'rpool' },
      },
    ]);
    expect(o.capacity?.name).toBe('rpool');
  });

  it('marks a pool unhealthy when zpool status -x lists it, although zpool list says ONLINE and exit is 0', async () => {
    const r = host('pve1').on(list, reply('zfs', 'zfs-list-snapshots-normal')).on(pools, reply('zfs', 'zpool-list-normal')).on(status, reply('zfs', 'zpool-status-data-errors'));
    const o = await readLayer(ctx(r), layer);
    expect(o.pools?.[0]).toMatchObject({ name: 'rpool', state: 'ONLINE', healthy: false, detail: expect.stringMatching(/errors: 2 data errors/) });
  });

  it('reads a zfs-fuse host through the fallbacks, with a degraded pool', async () => {
    const r = host('zfs1')
      .on(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'strmirror/data'], reply('zfs', 'zfs-list-snapshots-zfs-fuse-no-p'))
      .on(['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', 'strmirror/data'], {
        stdout: fixture('zfs', 'zfs-get-snapshots-zfs-fuse').stdout.replaceAll('strtank', 'strmirror'),
      })
      .on(pools, reply('zfs', 'zpool-list-zfs-fuse-no-p'))
      .on(['zpool', 'list', '-H', '-o', 'name,size,alloc,free,cap,health'], reply('zfs', 'zpool-list-zfs-fuse-degraded'))
      .on(status, reply('zfs', 'zpool-status-degraded-zfs-fuse'));
    const o = await readLayer(ctx(r), { ...layer, host: 'zfs1', datasets: ['strmirror/data'] });
    expect(o.errors).toEqual([]);
    expect(o.points).toHaveLength(3);
    expect(o.pools).toEqual([
      expect.objectContaining({ name: 'strmirror', state: 'DEGRADED', healthy: false, detail: expect.stringMatching(/taken offline/) }),
    ]);
  });

  it('reports a missing dataset and a pool that is not imported', async () => {
    const r = host('pve1')
      .on(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'backup/data'], reply('zfs', 'zfs-list-snapshots-missing-dataset'))
      .on(pools, reply('zfs', 'zpool-list-normal'))
      .on(status, reply('zfs', 'zpool-status-healthy'));
    const o = await readLayer(ctx(r), { ...layer, datasets: ['backup/data'] });
    expect(o.errors.map((e) => e.kind)).toEqual(['not-found', 'not-found']);
    expect(o.errors[1]!.message).toBe('pool backup is not imported on pve1');
    expect(o.points).toEqual([]);
  });

  it('never reports a pool healthy from garbage status output', async () => {
    const r = host('pve1').on(list, reply('zfs', 'zfs-list-snapshots-normal')).on(pools, reply('zfs', 'zpool-list-normal')).on(status, reply('bad', 'binary-noise'));
    const o = await readLayer(ctx(r), layer);
    expect(o.errors.map((e) => e.message.split(':')[0])).toEqual(['pool status']);
  });
});

describe('zfs-replication reader', () => {
  const layer: ZfsReplicationLayerFile = {
    id: 'repl',
    kind: 'zfs-replication',
    host: 'backup1',
    source: { host: 'pve1', dataset: 'rpool/data' },
    target: { dataset: 'tank/replica/data' },
  };
  const list = (d: string) => ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', d];
  const pools = ['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,cap,health'];
  const status = ['zpool', 'status', '-x'];
  const tankOnline = 'tank\t4000787030016\t1000196757504\t3000590272512\t25\tONLINE\n';
  /** The target host answers for its pool too: the copies live there. */
  const targetHost = () => host('backup1').on(pools, tankOnline).on(status, 'all pools are healthy\n');

  it('takes the target snapshots as points of the source datasets, reading both hosts at once', async () => {
    const source = host('pve1').expect({
      argv: list('rpool/data'),
      reply: { stdout: 'rpool/data@autosnap_b\t1706666401\t0\nrpool/data/vm-100-disk-0@autosnap_b\t1706666401\t0\n' },
      delayMs: 30,
    });
    const target = targetHost().expect({
      argv: list('tank/replica/data'),
      // autosnap_a is gone from the source (pruned there) but still a copy on the target.
      reply: { stdout: 'tank/replica/data@autosnap_a\t1706580001\t0\ntank/replica/data@autosnap_b\t1706666401\t0\ntank/replica/data/vm-100-disk-0@autosnap_b\t1706666401\t4096\n' },
      delayMs: 30,
    });
    const started = Date.now();
    const o = await readLayer(ctx(target, {}, { pve1: source }), layer);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(o.errors).toEqual([]);
    expect(pointsOf(o, 'dataset/rpool/data')).toEqual([1706580001, 1706666401]);
    expect(o.points.find((p) => p.assetId === 'dataset/rpool/data/vm-100-disk-0')).toMatchObject({ ref: 'tank/replica/data/vm-100-disk-0@autosnap_b', sizeBytes: 4096 });
    expect(o.assets).toEqual([
      { id: 'dataset/rpool/data', kind: 'dataset', name: 'rpool/data', host: 'pve1', pool: 'rpool' },
      { id: 'dataset/rpool/data/vm-100-disk-0', kind: 'dataset', name: 'rpool/data/vm-100-disk-0', host: 'pve1', pool: 'rpool' },
    ]);
  });

  it('keeps the target points when the source host is unreachable, and says so', async () => {
    const source = host('pve1').on(list('rpool/data'), new TransportError('auth-failed', { host: 'pve1' }));
    const target = targetHost().on(list('tank/replica/data'), 'tank/replica/data@a\t1706580001\t0\n');
    const o = await readLayer(ctx(target, {}, { pve1: source }), layer);
    expect(o.points).toHaveLength(1);
    expect(o.errors).toEqual([{ kind: 'transport', message: 'source snapshots of rpool/data on pve1: authentication to pve1 failed' }]);
  });

  it('reports a missing target dataset with no points', async () => {
    const source = host('pve1').on(list('rpool/data'), '');
    const target = targetHost().on(list('tank/replica/data'), reply('zfs', 'zfs-list-snapshots-missing-dataset'));
    const o = await readLayer(ctx(target, {}, { pve1: source }), layer);
    expect(o.points).toEqual([]);
    expect(o.errors.map((e) => e.kind)).toEqual(['not-found']);
  });

  it('counts only snapshots that came from the source: a snapshot taken on the target itself is not a copy', async () => {
    const source = host('pve1').on(
      list('rpool/data'),
      'rpool/data@daily_1\t1706400001\t0\nrpool/data@autosnap_b\t1706666401\t0\nrpool/data@autosnap_c\t1706752801\t0\n',
    );
    const target = targetHost().on(
      list('tank/replica/data'),
      // daily_0: older than all the source keeps (pruned there): a copy.
      // hourly_a: between two common snapshots, pruned on the source since: a copy.
      // autosnap_b: on both. local_d: taken on the target by its own sanoid after the last common one: not a copy.
      'tank/replica/data@daily_0\t1706313601\t0\ntank/replica/data@daily_1\t1706400001\t0\ntank/replica/data@hourly_a\t1706580001\t0\n' +
        'tank/replica/data@autosnap_b\t1706666401\t0\ntank/replica/data@local_d\t1706839201\t0\n',
    );
    const o = await readLayer(ctx(target, {}, { pve1: source }), layer);
    expect(o.errors).toEqual([]);
    expect(pointsOf(o, 'dataset/rpool/data')).toEqual([1706313601, 1706400001, 1706580001, 1706666401]);
  });

  it("reports the target pool's health and capacity, so a degraded backup pool is seen", async () => {
    const source = host('pve1').on(list('rpool/data'), '');
    const target = host('backup1')
      .on(list('tank/replica/data'), 'tank/replica/data@a\t1706580001\t0\n')
      .on(pools, 'tank\t4000787030016\t3800747678515\t200039351501\t95\tDEGRADED\n')
      .on(status, reply('zfs', 'zpool-status-degraded-openzfs'));
    const o = await readLayer(ctx(target, {}, { pve1: source }), layer);
    expect(o.errors).toEqual([]);
    expect(o.pools).toEqual([expect.objectContaining({ name: 'tank', state: 'DEGRADED', healthy: false })]);
    expect(o.capacity).toMatchObject({ name: 'tank', usedBytes: 3800747678515 });
  });
});

describe('output too large', () => {
  it('makes the layer UNKNOWN with "output too large" when a probe prints more than its limit, and leaves its other probes read', async () => {
    const layer: PbsLayerFile = { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'strata@pbs!ro@localhost:store1' };
    const big = new TransportError('output-too-large', { host: 'pbs1', detail: 'more than 64 MB; the remote process was ended' });
    const r = host('pbs1')
      .on(['proxmox-backup-client', 'snapshot', 'list', '--repository', layer.repository, '--output-format', 'json'], big)
      .on(['proxmox-backup-client', 'status', '--repository', layer.repository, '--output-format', 'json'], reply('pbs', 'status-normal'))
      .on(['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', '--output-format', 'json'], '[]');
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(o.errors.map((e) => e.message)).toEqual(['snapshots of store1: output too large: more than 64 MB; the remote process was ended']);
    expect(o.capacity).toBeDefined();
    const inv = validateInventory({ version: 1, hosts: [{ name: 'pbs1' }], layers: [{ ...layer, media: 'hdd', rpo: '1d' }] });
    if (!inv.ok) throw new Error(JSON.stringify(inv.problems));
    const status = evaluate(inv.inventory, { hosts: [{ name: 'pbs1', reachable: true, error: null, clockSkewSeconds: 0, readAtSec: NOW }], layers: [o] }, NOW);
    expect(status.layers[0]).toMatchObject({ health: 'unknown', reasons: [expect.stringMatching(/^pbs-local: could not be read completely: snapshots of store1: output too large: more than 64 MB/)] });
  });
});

describe('restic reader', () => {
  const layer: ResticLayerFile = { id: 'restic-local', kind: 'restic', host: 'docker1', repository: '/srv/restic', secret: { file: '/root/.restic-pass' } };
  const expectation = { argv: ['restic', 'snapshots', '--json'], env: { RESTIC_REPOSITORY: '/srv/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } };

  it('makes one point per path of each snapshot, per creating host', async () => {
    // pve1's snapshots are another client's: docker1 is asked what it calls itself.
    const r = host('docker1').expect({ ...expectation, reply: reply('restic', 'snapshots-0.14-normal') }).on(['hostname'], 'docker1\n');
    const o = await readLayer(ctx(r), layer);
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => p.assetId)).toEqual(['files/pve1:/tmp/rx/data/a', 'files/pve1:/tmp/rx/data/a', 'files/pve1:/tmp/rx/data/b', 'files/docker1:/tmp/rx/data/b']);
    expect(o.points[0]!.ref).toBe('17e12bcf4376f8c7f7aca9c449d03cd2afcfa8f859ca146624ec471f61dc7bc6');
    expect(assetIds(o).sort()).toEqual(['files/docker1:/tmp/rx/data/b', 'files/pve1:/tmp/rx/data/a', 'files/pve1:/tmp/rx/data/b']);
  });

  it('keeps only the configured paths, and lists a configured path without snapshots as an asset', async () => {
    const r = host('docker1').expect({ ...expectation, reply: reply('restic', 'snapshots-0.16-normal') }).on(['hostname'], 'docker1\n');
    const o = await readLayer(ctx(r), { ...layer, paths: ['/srv/app/', '/var/lib/db'] });
    expect([...new Set(o.points.map((p) => p.assetId))]).toEqual(['files/docker1:/srv/app']);
    expect(assetIds(o)).toEqual(['files/docker1:/srv/app', 'files/docker1:/var/lib/db']);
  });

  const snap = (hostname: string, path: string, n: number) => ({
    time: '2026-01-31T02:00:00Z',
    tree: 'a'.repeat(64),
    paths: [path],
    hostname,
    username: 'root',
    id: String(n).repeat(64),
    short_id: String(n).repeat(8),
  });

  it("lists this host's configured path as a workload even when another client backs up the same path into a shared repository", async () => {
    // docker1 backs up into this repository (its /etc), but only nas has snapshots of /srv/app.
    const shared = JSON.stringify([snap('nas', '/srv/app', 1), snap('docker1', '/etc', 2)]);
    const r = host('docker1').expect({ ...expectation, reply: { stdout: shared } }).on(['hostname'], 'docker1\n');
    const o = await readLayer(ctx(r), { ...layer, paths: ['/srv/app'] });
    // nas's snapshot is nas's workload; docker1's /srv/app has no point here.
    expect(assetIds(o).sort()).toEqual(['files/docker1:/srv/app', 'files/nas:/srv/app']);
    expect(o.points.map((p) => p.assetId)).toEqual(['files/nas:/srv/app']);
  });

  it('lets a host that only reads a repository others write find their snapshots of its configured paths', async () => {
    const r = host('docker1').expect({ ...expectation, reply: { stdout: JSON.stringify([snap('nas', '/srv/app', 1)]) } }).on(['hostname'], 'docker1\n');
    const o = await readLayer(ctx(r), { ...layer, paths: ['/srv/app'] });
    expect(assetIds(o)).toEqual(['files/nas:/srv/app']);
  });

  it("keys snapshots by the inventory name when restic recorded the machine's own hostname", async () => {
    // The machine behind inventory host docker1 calls itself dockerhost: restic wrote that.
    const r = host('docker1').expect({ ...expectation, reply: { stdout: JSON.stringify([snap('dockerhost', '/srv/app', 1), snap('nas', '/srv/app', 2)]) } }).on(['hostname'], 'dockerhost\n');
    const o = await readLayer(ctx(r), { ...layer, paths: ['/srv/app'] });
    expect(o.points.map((p) => p.assetId)).toEqual(['files/docker1:/srv/app', 'files/nas:/srv/app']);
    expect(assetIds(o).sort()).toEqual(['files/docker1:/srv/app', 'files/nas:/srv/app']);
    expect(o.assets.find((a) => a.id === 'files/docker1:/srv/app')).toMatchObject({ host: 'docker1' });
  });

  it('uses the hostname the round already read, and matches a fully qualified or differently cased name', async () => {
    const r = host('docker1').expect({ ...expectation, reply: { stdout: JSON.stringify([snap('DockerHost.lan', '/srv/app', 1), snap('Docker1', '/etc', 2)]) } });
    const o = await readLayer(ctx(r, { hostname: 'dockerhost' }), layer);
    expect(o.points.map((p) => p.assetId)).toEqual(['files/docker1:/srv/app', 'files/docker1:/etc']);
  });

  it('keeps the recorded names when the host cannot say its hostname', async () => {
    const r = host('docker1').expect({ ...expectation, reply: { stdout: JSON.stringify([snap('dockerhost', '/srv/app', 1)]) } }).on(['hostname'], { exitCode: 127, stderr: 'sh: hostname: not found' });
    const o = await readLayer(ctx(r), layer);
    expect(o.errors).toEqual([]);
    expect(o.points.map((p) => p.assetId)).toEqual(['files/dockerhost:/srv/app']);
  });

  it('sends an {env} password as a secret value and further secrets by their source', async () => {
    const r = host('docker1').expect({
      argv: ['restic', 'snapshots', '--json'],
      env: { RESTIC_REPOSITORY: 's3:https://s3.example/b', AWS_DEFAULT_REGION: 'eu-west-1' },
      secrets: { RESTIC_PASSWORD: 'pw' },
      secretsFrom: { AWS_SECRET_ACCESS_KEY: { command: 'pass aws' } },
      reply: reply('restic', 'snapshots-0.17-normal'),
    });
    const o = await readLayer(ctx(r, { lookupEnv: (n) => (n === 'RESTIC_PW' ? 'pw' : undefined) }), {
      ...layer,
      repository: 's3:https://s3.example/b',
      secret: { env: 'RESTIC_PW' },
      env: { AWS_DEFAULT_REGION: 'eu-west-1' },
      secretEnv: { AWS_SECRET_ACCESS_KEY: { command: 'pass aws' } },
    });
    expect(o.points[0]).toMatchObject({ assetId: 'files/docker1:/srv/app', sizeBytes: 2147483648 });
  });

  it.each([
    ['snapshots-0.14-wrong-password', 'auth'],
    ['snapshots-0.14-locked', 'locked'],
    ['snapshots-0.17-missing-repo', 'not-found'],
    ['snapshots-0.14-s3-unreachable', 'command-failed'],
  ])('turns %s into an error and no points', async (name, kind) => {
    const r = host('docker1').expect({ ...expectation, reply: reply('restic', name) });
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(o.errors.map((e) => e.kind)).toEqual([kind]);
  });

  it('does not run restic when the password variable is unset', async () => {
    const r = host('docker1');
    const o = await readLayer(ctx(r), { ...layer, secret: { env: 'NOPE' } });
    expect(o.errors[0]).toMatchObject({ kind: 'auth', message: expect.stringMatching(/NOPE is not set/) });
  });
});

describe('rclone reader', () => {
  const layer: RcloneLayerFile = { id: 'cloud', kind: 'rclone', host: 'pbs', remote: 's3:bucket/pbs', source: '/mnt/datastore/store1' };
  const ls = ['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', 's3:bucket/pbs'];
  const ab = ['rclone', 'about', 's3:bucket/pbs', '--json'];

  it('makes one point at the newest object for the copied path, with the archive tier', async () => {
    const r = host('pbs').on(ls, reply('rclone', 'lsjson-s3-glacier')).on(ab, reply('rclone', 'about-1.60-unsupported-memory'));
    const o = await readLayer(ctx(r), layer);
    expect(o.errors).toEqual([]);
    expect(o.points).toEqual([
      {
        layerId: 'cloud',
        assetId: 'files/pbs:/mnt/datastore/store1',
        timeSec: Math.floor(Date.parse('2024-01-31T04:12:09Z') / 1000),
        ref: 's3:bucket/pbs/pbs/store1/vm/100/2024-01-31T02:00:01Z/index.json.blob',
        sizeBytes: 4194304 + 420 + 418,
        storageTier: 'GLACIER',
      },
    ]);
    expect(o.capacity).toBeUndefined();
    expect(assetIds(o)).toEqual(['files/pbs:/mnt/datastore/store1']);
  });

  it("dates the copy by its sync mark when there is one: a sync that failed halfway left newer objects, not a whole copy", async () => {
    const listing = JSON.stringify([
      { Path: '.strata-synced', Name: '.strata-synced', Size: 0, ModTime: '2024-01-30T03:00:00Z', IsDir: false, Tier: 'GLACIER' },
      // A later sync copied this one file, then failed: no new mark.
      { Path: 'vm/100/index.json.blob', Name: 'index.json.blob', Size: 420, ModTime: '2024-01-31T04:12:09Z', IsDir: false, Tier: 'GLACIER' },
      { Path: 'vm/101/index.json.blob', Name: 'index.json.blob', Size: 418, ModTime: '2024-01-29T04:00:00Z', IsDir: false, Tier: 'GLACIER' },
    ]);
    const r = host('pbs').on(ls, listing).on(ab, reply('rclone', 'about-1.60-unsupported-memory'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([
      {
        layerId: 'cloud',
        assetId: 'files/pbs:/mnt/datastore/store1',
        timeSec: Math.floor(Date.parse('2024-01-30T03:00:00Z') / 1000),
        ref: 's3:bucket/pbs/vm/100/index.json.blob',
        sizeBytes: 838,
        storageTier: 'GLACIER',
      },
    ]);
  });

  it('reads capacity where about works', async () => {
    const r = host('pbs').on(ls, reply('rclone', 'lsjson-1.60-normal')).on(ab, reply('rclone', 'about-1.60-local'));
    const o = await readLayer(ctx(r), layer);
    expect(o.capacity).toEqual({ totalBytes: 270553174016, usedBytes: 23701807104, availBytes: 85242486784, name: 's3:bucket/pbs' });
  });

  it('reads an empty remote as no point, and a failed listing as an error (never the "[" it printed)', async () => {
    const r = host('pbs').on(ls, reply('rclone', 'lsjson-1.60-empty')).on(ab, reply('rclone', 'about-s3-partial'));
    expect((await readLayer(ctx(r), layer)).points).toEqual([]);
    const r2 = host('pbs').on(ls, reply('rclone', 'lsjson-1.60-missing-dir')).on(ab, reply('rclone', 'about-1.60-missing-dir'));
    const o = await readLayer(ctx(r2), layer);
    expect(o.points).toEqual([]);
    expect(o.errors.map((e) => e.kind)).toEqual(['not-found', 'not-found']);
  });
});

describe('config-backup reader', () => {
  const layer: ConfigBackupLayerFile = { id: 'cfg', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve'], directory: '/var/backups/strata' };
  const find = ['find', '/var/backups/strata', '-maxdepth', '1', '-type', 'f', '-name', 'strata-config-*.tar.gz', '-printf', '%T@ %s %p\\n'];

  it('makes points per archive for the host its name says; an empty file is partial', async () => {
    const r = host('pve1').on(find, reply('config-backup', 'find-archives-normal'));
    const o = await readLayer(ctx(r), layer);
    expect(o.assets).toEqual([{ id: 'host/pve1', kind: 'host', name: 'pve1', host: 'pve1' }]);
    expect(pointsOf(o, 'host/pve1')).toEqual([1706580001, 1706666402]);
    expect(o.points.find((p) => p.assetId === 'host/pve-backup-2')?.partial).toBe(true);
  });

  it('reports a path missing other than the configured directory itself as an error, keeping the host as an asset', async () => {
    // The fixture's find names /tmp/fx/empty-dir-nope, not the layer's /var/backups/strata.
    const r = host('pve1').on(find, reply('config-backup', 'find-archives-missing-dir'));
    const o = await readLayer(ctx(r), layer);
    expect(o.points).toEqual([]);
    expect(assetIds(o)).toEqual(['host/pve1']);
    expect(o.errors.map((e) => e.kind)).toEqual(['not-found']);
    expect(o.noPointBecause).toBeUndefined();
  });

  it('reads its directory not made yet as no archive (no error), and permission denied on it as an error', async () => {
    const r = host('pve1').on(find, { stdout: '', stderr: 'find: ‘/var/backups/strata’: No such file or directory\n', exitCode: 1 });
    const o = await readLayer(ctx(r), layer);
    expect(o).toMatchObject({ points: [], errors: [], noPointBecause: "no archive yet; run the layer's job (/var/backups/strata does not exist yet)" });
    expect(assetIds(o)).toEqual(['host/pve1']);
    const r2 = host('pve1').on(find, { stdout: '', stderr: 'find: ‘/var/backups/strata’: Permission denied\n', exitCode: 1 });
    const o2 = await readLayer(ctx(r2), layer);
    expect(o2.errors).toEqual([{ kind: 'auth', message: 'archives in /var/backups/strata: find exited with 1: find: ‘/var/backups/strata’: Permission denied' }]);
    expect(o2.noPointBecause).toBeUndefined();
  });
});

describe('readLayer', () => {
  it('never rejects, even on a layer kind it does not know or a runner that throws', async () => {
    const r = host('x');
    const o = await readLayer(ctx(r), { id: 'odd', kind: 'tape', host: 'x' } as unknown as LayerFile);
    expect(o.errors).toEqual([{ kind: 'parse', message: 'unknown layer kind "tape"' }]);
    const broken = { ...ctx(r), get runner(): never { throw new Error('boom'); } } as ReaderContext;
    const o2 = await readLayer(broken, { id: 'c', kind: 'config-backup', host: 'x', paths: ['/etc'], directory: '/b' });
    expect(o2.errors[0]!.message).toMatch(/reading layer c failed unexpectedly: boom/);
  });
});

describe('probeCommands', () => {
  it('bounds the output of every probe of every layer kind, the clock and the host name: from 64 KiB up to 128 MiB', () => {
    const kinds: LayerFile[] = [
      { id: 's', kind: 'pve-snapshots', host: 'pve1' },
      { id: 'd', kind: 'vzdump', host: 'pve1', storage: 'local' },
      { id: 'p', kind: 'pbs', host: 'pbs', repository: 'store1', secret: { env: 'X' } },
      { id: 'z', kind: 'zfs-snapshots', host: 'pve1', datasets: ['rpool/data'] },
      { id: 'r', kind: 'zfs-replication', host: 'b', source: { host: 'pve1', dataset: 'rpool/data' }, target: { dataset: 'tank/r' } },
      { id: 'x', kind: 'restic', host: 'h', repository: '/r', secret: { command: 'pass r' } },
      { id: 'c', kind: 'rclone', host: 'h', remote: 'cloud:b' },
      { id: 'k', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve'], directory: '/var/backups/strata' },
    ];
    const all = [...kinds.flatMap((l) => probeCommands(l, { node: 'pve1' })), CLOCK_COMMAND, HOSTNAME_COMMAND];
    const unbounded = all.filter((c) => !(typeof c.maxOutputBytes === 'number' && c.maxOutputBytes >= 64 * 1024 && c.maxOutputBytes <= 128 * 1024 * 1024));
    expect(unbounded.map((c) => c.argv.join(' '))).toEqual([]);
    // The listings that grow with the estate get the most room.
    const limitOf = (program: string, sub: string) => all.find((c) => c.argv[0] === program && c.argv.includes(sub))!.maxOutputBytes;
    expect(limitOf('proxmox-backup-client', 'snapshot')).toBe(64 * 1024 * 1024);
    expect(limitOf('restic', 'snapshots')).toBe(64 * 1024 * 1024);
    expect(limitOf('rclone', 'lsjson')).toBe(128 * 1024 * 1024);
    expect(limitOf('zfs', 'list')).toBe(64 * 1024 * 1024);
  });

  it('lists every probe with {vmid} placeholders', () => {
    const cmds = probeCommands({ id: 's', kind: 'pve-snapshots', host: 'pve1' }, { node: 'pve1' });
    expect(cmds.map((c) => [c.host, c.argv.join(' ')])).toEqual([
      ['pve1', 'pvesh get /cluster/resources --type vm --output-format json'],
      ['pve1', 'pvesh get /nodes/pve1/qemu/{vmid}/snapshot --output-format json'],
      ['pve1', 'pvesh get /nodes/pve1/lxc/{vmid}/snapshot --output-format json'],
    ]);
  });

  it('lists the commands of the readers for each kind, including the zfs-fuse fallbacks and the source host', () => {
    const kinds: LayerFile[] = [
      { id: 'd', kind: 'vzdump', host: 'pve1', storage: 'local' },
      { id: 'p', kind: 'pbs', host: 'pbs', repository: 'store1', secret: { env: 'X' } },
      { id: 'z', kind: 'zfs-snapshots', host: 'pve1', datasets: ['rpool/data'] },
      { id: 'r', kind: 'zfs-replication', host: 'b', source: { host: 'pve1', dataset: 'rpool/data' }, target: { dataset: 'tank/r' } },
      { id: 'x', kind: 'restic', host: 'h', repository: '/r', secret: { command: 'pass r' } },
      { id: 'c', kind: 'rclone', host: 'h', remote: 'cloud:b' },
      { id: 'k', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve'], directory: '/var/backups/strata' },
    ];
    const counts = kinds.map((l) => probeCommands(l, { node: 'pve1' }).length);
    expect(counts).toEqual([6, 3, 5, 7, 2, 2, 1]);
    // The head of a failed vzdump task's log, {upid} standing for each such task.
    expect(probeCommands(kinds[0]!, { node: 'pve1' }).at(-1)!.argv).toEqual(['pvesh', 'get', '/nodes/pve1/tasks/{upid}/log', '--limit', '1', ...J]);
    const repl = probeCommands(kinds[3]!, { node: 'pve1' });
    expect(repl.map((c) => `${c.host}:${c.argv.slice(0, 2).join(' ')}:${c.argv.at(-1)}`)).toEqual([
      'pve1:zfs list:rpool/data',
      'pve1:zfs get:rpool/data',
      'b:zfs list:tank/r',
      'b:zfs get:tank/r',
      // The target's pools hold the copies (readPoolHealth), with the zfs-fuse fallback.
      'b:zpool list:name,size,alloc,free,cap,health',
      'b:zpool list:name,size,alloc,free,cap,health',
      'b:zpool status:-x',
    ]);
    const pbs = probeCommands(kinds[1]!, { node: 'pve1' })[0]!;
    expect(Object.keys(pbs.secrets ?? {})).toEqual(['PBS_PASSWORD']);
    expect(probeCommands(kinds[4]!, { node: 'pve1' })[0]!.env).toEqual({ RESTIC_REPOSITORY: '/r', RESTIC_PASSWORD_COMMAND: 'pass r' });
  });

  it('yields nothing rather than throwing for values no command can be built from', () => {
    expect(probeCommands({ id: 'z', kind: 'zfs-snapshots', host: 'h', datasets: ['-rf'] }, { node: 'n' })).toEqual([]);
  });
});
