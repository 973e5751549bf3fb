/**
 * Planners against strict fake hosts: the exact argv of every step and of
 * every read-only probe planning runs (a probe not listed here fails the
 * test, so does a listed one that never ran). Planning never writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FULL_PIPE, INCREMENTAL_PIPE } from '../../../src/adapters/zfs/actions.js';
import { actionsFor, planAction, type ActionPlan, type ActionRequest, type PlanContext } from '../../../src/services/actions/index.js';
import { describeCommand } from '../../../src/transport/shell-script.js';
import { reply } from '../../helpers/fixtures.js';
import { failing } from '../../helpers/fake-runner.js';
import { FakeHosts } from '../../helpers/actions/fakes.js';
import { testInventory } from '../../helpers/actions/inventory.js';

const NOW = Date.parse('2024-01-31T02:00:01Z') / 1000;
const inventory = testInventory();
let hosts: FakeHosts;

beforeEach(() => {
  hosts = new FakeHosts();
});
afterEach(() => hosts.assertAll());

const ctx = (extra: Partial<PlanContext> = {}): PlanContext => ({
  inventory,
  runnerFor: hosts.runnerFor,
  lookupEnv: (n) => (n === 'STRATA_TEST_RESTIC_PASSWORD' ? 'pw-from-env' : undefined),
  nowSec: () => NOW,
  newId: () => 'plan-1',
  ...extra,
});

async function plan(req: ActionRequest, extra: Partial<PlanContext> = {}): Promise<ActionPlan> {
  const r = await planAction(req, ctx(extra));
  if (!r.ok) throw new Error(`plan failed: ${r.error.message}`);
  return r.value;
}

const argvs = (p: ActionPlan) => p.steps.map((s) => [s.host, ...s.command.argv]);
const PVESH_JOBS = ['pvesh', 'get', '/cluster/backup', '--output-format', 'json'];
const SNAPSHOT_LIST = (store: string) => ['proxmox-backup-client', 'snapshot', 'list', '--repository', `strata@pbs!ro@127.0.0.1:${store}`, '--output-format', 'json'];

describe('vzdump', () => {
  it('backs up one guest now with the mode and compression of the job covering it', async () => {
    hosts.host('pve1').on(PVESH_JOBS, reply('pve', 'backup-jobs-options'));
    const p = await plan({ kind: 'run', layerId: 'pve1-dump', assetId: 'vm/100' });
    expect(argvs(p)).toEqual([['pve1', 'vzdump', '100', '--storage', 'local-backup', '--mode', 'snapshot', '--compress', 'zstd', '--remove', '0']]);
    expect(p).toMatchObject({ id: 'plan-1', changesHost: true, affectedLayers: ['pve1-dump'], title: 'Back up vm/100 to pve1-dump now (vzdump on pve1)' });
    expect(p.steps[0]).toMatchObject({ streams: true, output: { kind: 'vzdump' } });
  });

  it('runs every enabled job of the storage on this node with its own selection and options', async () => {
    hosts.host('pve1').on(PVESH_JOBS, reply('pve', 'backup-jobs-options'));
    const p = await plan({ kind: 'run', layerId: 'pve1-dump' });
    // backup-weekly is disabled, backup-other-node runs on pve2, backup-pool writes to pbs1.
    expect(argvs(p)).toEqual([
      ['pve1', 'vzdump', '--all', '1', '--exclude', '105,111', '--storage', 'local-backup', '--bwlimit', '50000', '--compress', 'zstd', '--mailnotification', 'failure', '--mode', 'snapshot', '--notes-template', '{{guestname}} daily', '--prune-backups', 'keep-daily=7,keep-weekly=4'],
    ]);
    expect(p.title).toBe('Run vzdump of pve1-dump (job backup-daily)');
  });

  it('runs a named job even when disabled, and refuses a job of another storage', async () => {
    hosts.host('pve1').on(PVESH_JOBS, reply('pve', 'backup-jobs-options'), { times: 2 });
    expect(argvs(await plan({ kind: 'run', layerId: 'pve1-dump', jobId: 'backup-weekly' }))).toEqual([
      ['pve1', 'vzdump', '100', '101', '--storage', 'local-backup', '--mode', 'stop', '--protected', '1'],
    ]);
    expect(await planAction({ kind: 'run', layerId: 'pve1-dump', jobId: 'backup-pool' }, ctx())).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('asks the host for its node name when the inventory does not give one', async () => {
    hosts.host('pve2').on(['hostname'], 'pve2\n').on(PVESH_JOBS, reply('pve', 'backup-jobs-options'));
    // On pve2 the node-bound job applies.
    expect(argvs(await plan({ kind: 'run', layerId: 'pve2-dump' }))).toEqual([
      ['pve2', 'vzdump', '--all', '1', '--exclude', '105,111', '--storage', 'local-backup', '--bwlimit', '50000', '--compress', 'zstd', '--mailnotification', 'failure', '--mode', 'snapshot', '--notes-template', '{{guestname}} daily', '--prune-backups', 'keep-daily=7,keep-weekly=4'],
      ['pve2', 'vzdump', '200', '--storage', 'local-backup'],
    ]);
  });

  it('tests the newest archive of each guest with the host\'s own tools, found through pvesm path', async () => {
    hosts
      .host('pve1')
      .on(['pvesh', 'get', '/nodes/pve1/storage/local-backup/content', '--content', 'backup', '--output-format', 'json'], reply('pve', 'storage-content-dir'))
      .on(['pvesm', 'path', 'local-backup:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst'], '/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst\n')
      .on(['pvesm', 'path', 'local-backup:backup/vzdump-lxc-101-2024_01_31-02_01_00.tar.zst'], '/var/lib/vz/dump/vzdump-lxc-101-2024_01_31-02_01_00.tar.zst\n')
      .on(['pvesm', 'path', 'local-backup:backup/vzdump-openvz-102-2023_12_31-02_00_00.tgz'], '/var/lib/vz/dump/vzdump-openvz-102-2023_12_31-02_00_00.tgz\n');
    const p = await plan({ kind: 'verify', layerId: 'pve1-dump' });
    expect(argvs(p)).toEqual([
      ['pve1', 'zstd', '-t', '-q', '--', '/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst'],
      ['pve1', 'zstd', '-t', '-q', '--', '/var/lib/vz/dump/vzdump-lxc-101-2024_01_31-02_01_00.tar.zst'],
      ['pve1', 'gzip', '-t', '--', '/var/lib/vz/dump/vzdump-openvz-102-2023_12_31-02_00_00.tgz'],
    ]);
    expect(p.changesHost).toBe(false);
    expect(p.notes?.[0]).toMatch(/not that it restores/);
  });

  it('tests one guest\'s newest archive when asked for it', async () => {
    hosts
      .host('pve1')
      .on(['pvesh', 'get', '/nodes/pve1/storage/local-backup/content', '--content', 'backup', '--output-format', 'json'], reply('pve', 'storage-content-dir'))
      .on(['pvesm', 'path', 'local-backup:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst'], '/d/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst\n');
    const p = await plan({ kind: 'verify', layerId: 'pve1-dump', assetId: 'vm/100' });
    expect(argvs(p)).toEqual([['pve1', 'zstd', '-t', '-q', '--', '/d/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst']]);
    expect(p.steps[0]!.output).toEqual({ kind: 'archive-test', archive: 'local-backup:backup/vzdump-qemu-100-2024_01_31-02_00_01.vma.zst' });
  });

  it('sends the verify of a PBS-backed storage to the pbs layer', async () => {
    hosts.host('pve1').on(['pvesh', 'get', '/nodes/pve1/storage/pbs1/content', '--content', 'backup', '--output-format', 'json'], reply('pve', 'storage-content-pbs'));
    const r = await planAction({ kind: 'verify', layerId: 'pve1-pbs' }, ctx());
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('verify the pbs layer (pbs-local, pbs-remote)') } });
  });

  it('says why when the jobs cannot be read', async () => {
    hosts.host('pve1').on(PVESH_JOBS, reply('pve', 'pvesh-no-handler'));
    expect(await planAction({ kind: 'run', layerId: 'pve1-dump' }, ctx())).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^backup jobs: pvesh exited with 255/) } });
  });
});

describe('pbs', () => {
  it('runs the sync job that feeds a copy layer, followed in text mode, stoppable on cancel', async () => {
    hosts.host('pbs2').on(['proxmox-backup-manager', 'sync-job', 'list', '--output-format', 'json'], reply('pbs', 'sync-job-list-normal'));
    const p = await plan({ kind: 'run', layerId: 'pbs-remote' });
    expect(argvs(p)).toEqual([['pbs2', 'proxmox-backup-manager', 'sync-job', 'run', 's-offsite', '--output-format', 'text']]);
    expect(p.steps[0]).toMatchObject({ streams: true, output: { kind: 'pbs-task', verify: false }, onCancel: { kind: 'pbs-task', workerType: 'syncjob', workerIdSegment: 's-offsite' } });
  });

  it('runs the datastore\'s verify job for a layer that copies nothing', async () => {
    hosts.host('pbs1').on(['proxmox-backup-manager', 'verify-job', 'list', '--output-format', 'json'], reply('pbs', 'verify-job-list-normal'));
    expect(argvs(await plan({ kind: 'run', layerId: 'pbs-local' }))).toEqual([
      ['pbs1', 'proxmox-backup-manager', 'verify-job', 'run', 'v-usb', '--output-format', 'text'],
      ['pbs1', ...SNAPSHOT_LIST('usb')],
    ]);
  });

  it('verifies the datastore, re-verifying what is older than the layer\'s verifyMaxAge; it changes the host', async () => {
    const p = await plan({ kind: 'verify', layerId: 'pbs-local', assetId: 'vm/100' });
    expect(argvs(p)).toEqual([
      ['pbs1', 'proxmox-backup-manager', 'verify', 'usb', '--outdated-after', '30', '--output-format', 'text'],
      ['pbs1', ...SNAPSHOT_LIST('usb')],
    ]);
    // The read-back uses the layer's client access: the token file is read by the client itself.
    expect(p.steps[1]!.command.env).toEqual({ PBS_PASSWORD_FILE: '/root/.strata-pbs-token' });
    expect(p.steps[1]!.output).toEqual({ kind: 'pbs-verify-states', store: 'usb' });
    expect(p.changesHost).toBe(true);
    expect(p.notes).toEqual([expect.stringContaining('if you cancel, Strata also stops it'), expect.stringContaining('.bad'), expect.stringContaining('states read back afterwards decide'), expect.stringContaining('cannot limit a verify to one group')]);
    expect(argvs(await plan({ kind: 'verify', layerId: 'pbs-remote' }))).toEqual([
      ['pbs2', 'proxmox-backup-manager', 'verify', 'offsite', '--output-format', 'text'],
      ['pbs2', 'proxmox-backup-client', 'snapshot', 'list', '--repository', 'strata@pbs!ro@127.0.0.1:offsite', '--output-format', 'json'],
    ]);
  });
});

describe('restic', () => {
  it('backs up the layer\'s paths, password read by restic from its file on the host', async () => {
    const p = await plan({ kind: 'run', layerId: 'restic-usb' });
    expect(p.steps[0]!.command).toEqual({
      argv: ['restic', 'backup', '--json', '--', '/srv/volumes', '/etc/docker'],
      env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' },
    });
    expect(p.steps[0]).toMatchObject({ host: 'docker1', streams: true, output: { kind: 'restic-backup' } });
  });

  it('without paths, backs up what the newest snapshot did, and says so', async () => {
    hosts
      .host('docker1')
      .on(['restic', 'snapshots', '--json'], reply('restic', 'snapshots-0.14-normal'), {
        env: { RESTIC_REPOSITORY: 's3:https://s3.example.com/strata-restic', AWS_DEFAULT_REGION: 'eu-central-1' },
        secrets: { RESTIC_PASSWORD: 'pw-from-env' },
        secretsFrom: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
      });
    const p = await plan({ kind: 'run', layerId: 'restic-cloud' });
    expect(p.steps[0]!.command.argv.slice(0, 4)).toEqual(['restic', 'backup', '--json', '--']);
    expect(p.notes?.[0]).toMatch(/lists no "paths": backing up/);
  });

  it('checks the repository, reading a subset of the data when asked; secrets stay out of argv and the shown command', async () => {
    const p = await plan({ kind: 'verify', layerId: 'restic-cloud', readDataSubset: '5%' });
    const cmd = p.steps[0]!.command;
    expect(cmd.argv).toEqual(['restic', 'check', '--read-data-subset', '5%']);
    expect(cmd.secrets).toEqual({ RESTIC_PASSWORD: 'pw-from-env' });
    expect(describeCommand(cmd)).not.toContain('pw-from-env');
    expect(p.changesHost).toBe(false);
    expect(argvs(await plan({ kind: 'verify', layerId: 'restic-usb' }))).toEqual([['docker1', 'restic', 'check']]);
  });

  it('refuses a read-data-subset restic would not understand', async () => {
    expect(await planAction({ kind: 'verify', layerId: 'restic-usb', readDataSubset: '5%; rm -rf /' }, ctx())).toMatchObject({ ok: false, error: { message: expect.stringContaining('read-data-subset') } });
  });

  it('says which secret is missing from the environment', async () => {
    const r = await planAction({ kind: 'verify', layerId: 'restic-cloud' }, ctx({ lookupEnv: () => undefined }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'auth', message: expect.stringContaining('STRATA_TEST_RESTIC_PASSWORD') } });
  });
});

describe('rclone', () => {
  it('syncs the source to the remote and checks it one way', async () => {
    const run = await plan({ kind: 'run', layerId: 'nas-glacier' });
    expect(run.steps[0]!.command).toEqual({
      argv: ['rclone', 'sync', '/backup/data', 'glacier:strata-nas/data', '--exclude', '/.strata-synced', '--use-json-log', '--stats-one-line', '-v'],
      env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' },
    });
    // After a sync without error: the mark dated when the plan was made, never after the sync began.
    expect(run.steps[1]).toMatchObject({
      command: { argv: ['rclone', 'touch', '--s3-storage-class', 'STANDARD', '--timestamp', new Date(NOW * 1000).toISOString().slice(0, 19), 'glacier:strata-nas/data/.strata-synced'] },
      output: { kind: 'rclone-mark', atSec: NOW },
      onlyAfterOk: true,
    });
    const verify = await plan({ kind: 'verify', layerId: 'nas-glacier' });
    expect(argvs(verify)).toEqual([['nas1', 'rclone', 'check', '/backup/data', 'glacier:strata-nas/data', '--one-way', '--combined', '-']]);
    expect(verify.changesHost).toBe(false);
  });

  it('cannot act on a remote without a source', async () => {
    expect(await planAction({ kind: 'verify', layerId: 'nas-nosource' }, ctx())).toMatchObject({ ok: false, error: { message: expect.stringContaining('no "source"') } });
  });
});

describe('zfs-snapshots', () => {
  it('snapshots every dataset under one strata_ name', async () => {
    expect(argvs(await plan({ kind: 'run', layerId: 'nas-snap' }))).toEqual([
      ['nas1', 'zfs', 'snapshot', 'tank/data@strata_2024-01-31_02:00:01'],
      ['nas1', 'zfs', 'snapshot', 'tank/media@strata_2024-01-31_02:00:01'],
      ['nas1', 'zfs', 'snapshot', 'fast/vm@strata_2024-01-31_02:00:01'],
    ]);
  });

  it('reads each pool\'s last scrub once, in UTC', async () => {
    const p = await plan({ kind: 'verify', layerId: 'nas-snap' });
    expect(p.steps.map((s) => s.command)).toEqual([
      { argv: ['zpool', 'status', 'tank'], env: { LC_ALL: 'C', TZ: 'UTC' } },
      { argv: ['zpool', 'status', 'fast'], env: { LC_ALL: 'C', TZ: 'UTC' } },
    ]);
    expect(p.steps[0]!.output).toEqual({ kind: 'zpool-scrub', pool: 'tank', maxAgeSeconds: 35 * 86_400 });
  });
});

describe('zfs-replication', () => {
  const list = (ds: string) => ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', ds];
  const get = (ds: string) => ['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', ds];
  const snaps = (ds: string, names: string[]) => names.map((n, i) => `${ds}@${n}\t${1706600000 + i * 3600}\t0\n`).join('');

  it('snapshots the source, sends incrementally from the newest common snapshot, then confirms on the target', async () => {
    hosts
      .host('nas1')
      .on(list('tank/data'), snaps('tank/data', ['a', 'b', 'c']) + snaps('tank/data/child', ['a']))
      .on(list('backup/data'), snaps('backup/data', ['a', 'b']));
    const p = await plan({ kind: 'run', layerId: 'nas-repl' });
    expect(argvs(p)).toEqual([
      ['nas1', 'zfs', 'snapshot', 'tank/data@strata_2024-01-31_02:00:01'],
      ['nas1', 'sh', '-c', INCREMENTAL_PIPE, 'sh', 'tank/data@b', 'tank/data@strata_2024-01-31_02:00:01', 'backup/data'],
      ['nas1', ...list('backup/data')],
    ]);
    expect(p.title).toBe('Replicate tank/data to backup/data on nas1 (incremental from @b)');
    // @c, taken after the last replication, goes along (zfs send -I).
    expect(p.steps[1]!.description).toBe('send the changes since @b into backup/data, with the 1 snapshot taken since');
    expect(p.steps[2]!.output).toEqual({ kind: 'zfs-snapshots', dataset: 'backup/data', side: 'target', expect: 'strata_2024-01-31_02:00:01', form: 'list' });
  });

  it('sends a full stream when the target does not exist yet, using zfs-fuse\'s listing where -p is missing', async () => {
    const noP = reply('zfs', 'zfs-list-snapshots-zfs-fuse-no-p');
    hosts
      .host('nas1')
      .on(list('tank/data'), noP)
      .on(get('tank/data'), 'tank/data\tcreation\t1706600000\ntank/data@a\tcreation\t1706600001\ntank/data@a\tused\t0\n')
      .on(list('backup/data'), noP)
      .on(get('backup/data'), failing(1, "cannot open 'backup/data': dataset does not exist\n"));
    const p = await plan({ kind: 'run', layerId: 'nas-repl' });
    expect(argvs(p)).toEqual([
      ['nas1', 'zfs', 'snapshot', 'tank/data@strata_2024-01-31_02:00:01'],
      ['nas1', 'sh', '-c', FULL_PIPE, 'sh', 'tank/data@strata_2024-01-31_02:00:01', 'backup/data'],
      ['nas1', ...get('backup/data')],
    ]);
  });

  it('refuses a full send onto a target that exists (with or without snapshots): zfs recv -F would replace it', async () => {
    for (const target of ['', snaps('backup/data', ['unrelated'])]) {
      hosts.assertAll();
      hosts = new FakeHosts();
      hosts.host('nas1').on(list('tank/data'), snaps('tank/data', ['a'])).on(list('backup/data'), target);
      const p = await plan({ kind: 'run', layerId: 'nas-repl' });
      expect(p.steps).toEqual([]);
      expect(p.blocked).toMatch(/backup\/data exists but shares no snapshot with tank\/data: a full send would replace it/);
    }
  });

  it('says it cannot pipe between two hosts, and names syncoid, rather than pretending', async () => {
    const p = await plan({ kind: 'run', layerId: 'nas-offsite' });
    expect(p.steps).toEqual([]);
    expect(p.blocked).toBe('Strata cannot pipe zfs send on nas1 into zfs recv on nas2 yet. Run syncoid on nas2 instead: syncoid root@nas1:tank/data tank/nas1/data');
  });

  it('verifies by listing both sides, across hosts too', async () => {
    hosts.host('nas1').on(list('tank/data'), snaps('tank/data', ['a']));
    hosts.host('nas2').on(list('tank/nas1/data'), snaps('tank/nas1/data', ['a']));
    const p = await plan({ kind: 'verify', layerId: 'nas-offsite' });
    expect(argvs(p)).toEqual([
      ['nas1', ...list('tank/data')],
      ['nas2', ...list('tank/nas1/data')],
    ]);
    expect(p.compare).toEqual({ kind: 'zfs-replication', source: 'tank/data', target: 'tank/nas1/data', maxLagSeconds: null });
    expect(p.changesHost).toBe(false);
  });
});

describe('config-backup', () => {
  it('archives under a temporary name, renames when tar succeeded, and removes the temporary file on failure', async () => {
    const p = await plan({ kind: 'run', layerId: 'pve1-config' });
    expect(argvs(p)).toEqual([
      ['pve1', 'mkdir', '-p', '--', '/var/backups/strata'],
      ['pve1', 'tar', '-czf', '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial', '-C', '/', '--', 'etc/pve', 'etc/network'],
      ['pve1', 'mv', '-f', '--', '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial', '/var/backups/strata/strata-config-pve1-20240131T020001Z.tar.gz'],
    ]);
    expect(p.cleanup?.map((s) => s.command.argv)).toEqual([['rm', '-f', '--', '/var/backups/strata/.strata-config-pve1-20240131T020001Z.tar.gz.partial']]);
  });

  it('lists the newest archive of this host with tar -tzf', async () => {
    hosts.host('pve1').on(['find', '/var/backups/strata', '-maxdepth', '1', '-type', 'f', '-name', 'strata-config-*.tar.gz', '-printf', '%T@ %s %p\\n'], reply('config-backup', 'find-archives-normal'));
    const p = await plan({ kind: 'verify', layerId: 'pve1-config' });
    expect(argvs(p)).toEqual([['pve1', 'tar', '-tzf', '/tmp/fx/archives/strata-config-pve1-20240131T020002Z.tar.gz']]);
    expect(p.steps[0]!.output).toEqual({ kind: 'tar-list', archive: '/tmp/fx/archives/strata-config-pve1-20240131T020002Z.tar.gz', paths: ['/etc/pve', '/etc/network'] });
  });
});

describe('pve-snapshots', () => {
  it('snapshots one guest with qm or pct', async () => {
    expect(argvs(await plan({ kind: 'run', layerId: 'pve1-snap', assetId: 'ct/102' }))).toEqual([['pve1', 'pct', 'snapshot', '102', 'strata_20240131_020001', '--description', 'taken by Strata']]);
  });

  it('needs a guest, and has no verify of its own', async () => {
    expect(await planAction({ kind: 'run', layerId: 'pve1-snap' }, ctx())).toMatchObject({ ok: false, error: { message: expect.stringContaining('choose a guest') } });
    expect(await planAction({ kind: 'verify', layerId: 'pve1-snap', assetId: 'vm/100' }, ctx())).toMatchObject({ ok: false, error: { message: expect.stringContaining('restore drill') } });
  });
});

describe('read-only mode and the action menu', () => {
  it('offers no plan that changes a host, before running any probe', async () => {
    for (const req of [
      { kind: 'run', layerId: 'pve1-dump' },
      { kind: 'run', layerId: 'nas-repl' },
      { kind: 'verify', layerId: 'pbs-local' },
    ] as const) {
      expect(await planAction(req, ctx({ readOnly: true }))).toMatchObject({ ok: false, error: { message: expect.stringContaining('read-only mode') } });
    }
    expect((await plan({ kind: 'verify', layerId: 'restic-usb' }, { readOnly: true })).changesHost).toBe(false);
  });

  it('refuses unknown layers', async () => {
    expect(await planAction({ kind: 'run', layerId: 'nope' }, ctx())).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('lists each layer\'s actions with whether they change a host and why one is not offered', () => {
    const layer = (id: string) => inventory.layers.find((l) => l.id === id)!;
    expect(actionsFor(layer('pbs-local'), { readOnly: true })).toEqual([
      { kind: 'run', label: 'run the sync/verify job', changesHost: true, needsAsset: false, disabledReason: 'read-only mode' },
      { kind: 'verify', label: 'verify the datastore', changesHost: true, needsAsset: false, disabledReason: 'read-only mode' },
    ]);
    expect(actionsFor(layer('restic-usb'), { readOnly: true })[1]).toEqual({ kind: 'verify', label: 'run restic check', changesHost: false, needsAsset: false });
    expect(actionsFor(layer('pve1-snap'))[0]).toMatchObject({ needsAsset: true });
    expect(actionsFor(layer('nas-offsite'))[0]!.disabledReason).toMatch(/syncoid/);
  });
});
