import { afterEach, describe, expect, it } from 'vitest';
import { listArchives } from '../../src/adapters/config-backup/index.js';
import { getDatastoreStatus, listSnapshots as listPbsSnapshots, listTasks } from '../../src/adapters/pbs/index.js';
import { listGuestSnapshots, listGuests } from '../../src/adapters/pve/index.js';
import { about, listRemote } from '../../src/adapters/rclone/index.js';
import { listSnapshots as listResticSnapshots } from '../../src/adapters/restic/index.js';
import { listPools, listSnapshots as listZfsSnapshots, poolStatus } from '../../src/adapters/zfs/index.js';
import { TransportError } from '../../src/transport/errors.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { reply } from '../helpers/fixtures.js';

const JSON_OUT = ['--output-format', 'json'];
let runner: FakeRunner;

afterEach(() => {
  runner.assertDone();
});

describe('operations over a runner', () => {
  it('run the exact probe and parse its reply', async () => {
    runner = new FakeRunner('pve1').on(['pvesh', 'get', '/cluster/resources', '--type', 'vm', ...JSON_OUT], reply('pve', 'cluster-resources-normal'));
    const r = await listGuests(runner);
    expect(r.ok && r.value.length).toBe(5);
  });

  it('apply the caller timeout to the command', async () => {
    runner = new FakeRunner().on(['pvesh', 'get', '/nodes/pve1/qemu/100/snapshot', ...JSON_OUT], reply('pve', 'guest-snapshots-normal'));
    await listGuestSnapshots(runner, { node: 'pve1', type: 'qemu', vmid: 100 }, { timeoutMs: 1234 });
    expect(runner.calls[0]!.timeoutMs).toBe(1234);
  });

  it('turn a transport failure into a transport error naming the host', async () => {
    runner = new FakeRunner('pve1').on(
      ['pvesh', 'get', '/cluster/resources', '--type', 'vm', ...JSON_OUT],
      new TransportError('unreachable', { host: 'pve1', detail: 'connect ECONNREFUSED' }),
    );
    expect(await listGuests(runner)).toEqual({
      ok: false,
      error: { kind: 'transport', message: 'host pve1 is unreachable: connect ECONNREFUSED' },
    });
  });

  it('end with a cancelled transport error when the caller aborts', async () => {
    runner = new FakeRunner('pbs').expect({ argv: ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', ...JSON_OUT], delayMs: 5000 });
    const ac = new AbortController();
    const pending = listTasks(runner, {}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const r = await pending;
    expect(r.ok ? null : r.error).toMatchObject({ kind: 'transport', message: expect.stringMatching(/cancelled/) });
  });

  it('refuse to build a bad command without running anything', async () => {
    runner = new FakeRunner();
    const r = await listZfsSnapshots(runner, { dataset: '-r' });
    expect(r.ok ? null : r.error).toMatchObject({ kind: 'command-failed', message: expect.stringMatching(/cannot build the command: not a ZFS dataset name/) });
    expect(runner.calls).toEqual([]);
  });

  it('never throw even when the runner throws something that is not a TransportError', async () => {
    runner = new FakeRunner('x');
    const r = await listGuests(runner);
    expect(r.ok ? null : r.error.kind).toBe('transport');
    expect(runner.problems).toHaveLength(1);
    runner.problems.length = 0;
  });
});

describe('zfs-fuse fallbacks', () => {
  it('read snapshots with zfs get when zfs list refuses -p', async () => {
    runner = new FakeRunner('zfshost')
      .on(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'strtank/data'], reply('zfs', 'zfs-list-snapshots-zfs-fuse-no-p'))
      .on(['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', 'strtank/data'], reply('zfs', 'zfs-get-snapshots-zfs-fuse'));
    const r = await listZfsSnapshots(runner, { dataset: 'strtank/data' });
    expect(r.ok && r.value.map((s) => s.name)).toEqual(['strtank/data@snap1', 'strtank/data/child@snap2', 'strtank/data@snap2']);
  });

  it('use zfs list alone where -p works', async () => {
    runner = new FakeRunner().on(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'rpool/data'], reply('zfs', 'zfs-list-snapshots-normal'));
    const r = await listZfsSnapshots(runner, { dataset: 'rpool/data' });
    expect(r.ok && r.value).toHaveLength(5);
  });

  it('read pools without -p on zfs-fuse', async () => {
    runner = new FakeRunner()
      .on(['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,cap,health'], reply('zfs', 'zpool-list-zfs-fuse-no-p'))
      .on(['zpool', 'list', '-H', '-o', 'name,size,alloc,free,cap,health'], reply('zfs', 'zpool-list-zfs-fuse-degraded'))
      .on(['zpool', 'status', '-x'], reply('zfs', 'zpool-status-degraded-zfs-fuse'));
    const pools = await listPools(runner);
    expect(pools.ok && pools.value.map((p) => p.health)).toEqual(['DEGRADED', 'ONLINE']);
    const status = await poolStatus(runner);
    expect(status.ok && status.value.allHealthy).toBe(false);
  });
});

describe('operations with secrets', () => {
  it('restic: repository in env, password from a file read by restic itself', async () => {
    runner = new FakeRunner().expect({
      argv: ['restic', 'snapshots', '--json'],
      env: { RESTIC_REPOSITORY: '/srv/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' },
      reply: reply('restic', 'snapshots-0.14-normal'),
    });
    const r = await listResticSnapshots(runner, { repository: '/srv/restic', password: { file: '/root/.restic-pass' } });
    expect(r.ok && r.value).toHaveLength(3);
  });

  it('restic: a wrong password comes back as auth', async () => {
    runner = new FakeRunner().expect({
      argv: ['restic', 'snapshots', '--json'],
      env: { RESTIC_REPOSITORY: '/srv/restic' },
      secrets: { RESTIC_PASSWORD: 'wrong' },
      reply: reply('restic', 'snapshots-0.14-wrong-password'),
    });
    const r = await listResticSnapshots(runner, { repository: '/srv/restic', password: { value: 'wrong' } });
    expect(r.ok ? null : r.error.kind).toBe('auth');
  });

  it('pbs: fingerprint and password command through the client own variables', async () => {
    const access = { repository: 'root@pam@localhost:store1', fingerprint: 'ab:cd', password: { command: 'cat /root/t' } };
    const env = { PBS_FINGERPRINT: 'ab:cd', PBS_PASSWORD_CMD: 'cat /root/t' };
    runner = new FakeRunner()
      .expect({ argv: ['proxmox-backup-client', 'snapshot', 'list', '--repository', 'root@pam@localhost:store1', ...JSON_OUT], env, reply: reply('pbs', 'snapshot-list-normal') })
      .expect({ argv: ['proxmox-backup-client', 'status', '--repository', 'root@pam@localhost:store1', ...JSON_OUT], env, reply: reply('pbs', 'status-normal') });
    const [snaps, status] = await Promise.all([listPbsSnapshots(runner, access), getDatastoreStatus(runner, access)]);
    expect(snaps.ok && snaps.value).toHaveLength(4);
    expect(status.ok && status.value.totalBytes).toBe(2199023255552);
  });

  it('rclone: listing and a backend without about support', async () => {
    runner = new FakeRunner()
      .on(['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', 'web:'], reply('rclone', 'lsjson-1.60-http'))
      .on(['rclone', 'about', 'web:', '--json'], reply('rclone', 'about-1.60-unsupported-http'));
    const [l, a] = await Promise.all([listRemote(runner, { remote: 'web:' }), about(runner, { remote: 'web:' })]);
    expect(l.ok && l.value.objects).toBe(2);
    expect(a).toEqual({ ok: true, value: null });
  });

  it('config-backup: lists archives with find', async () => {
    runner = new FakeRunner().on(
      ['find', '/var/backups/strata', '-maxdepth', '1', '-type', 'f', '-name', 'strata-config-*.tar.gz', '-printf', '%T@ %s %p\\n'],
      reply('config-backup', 'find-archives-normal'),
    );
    const r = await listArchives(runner, { directory: '/var/backups/strata' });
    expect(r.ok && r.value.archives).toHaveLength(3);
  });
});

describe('the fake runner', () => {
  it('fails on an unexpected command, a wrong environment, and an expected command that never ran', async () => {
    const f = new FakeRunner('h').on(['a'], 'x').expect({ argv: ['b'], env: { X: '1' } }).on(['never'], '');
    await expect(f.run({ argv: ['zzz'] })).rejects.toThrow(/unexpected command on h: \["zzz"\]/);
    await expect(f.run({ argv: ['b'], env: { X: '2' } })).rejects.toThrow(/wrong environment/);
    await expect(f.run({ argv: ['a'] })).resolves.toMatchObject({ stdout: 'x', exitCode: 0 });
    expect(() => f.assertDone()).toThrow(/unexpected command[\s\S]*wrong environment[\s\S]*never ran on h: \["b"\][\s\S]*\["never"\]/);
    runner = new FakeRunner();
  });

  it('checks secret names and values', async () => {
    const f = new FakeRunner().expect({ argv: ['s'], secretNames: ['PW'] });
    await expect(f.run({ argv: ['s'], secrets: { OTHER: 'v' } })).rejects.toThrow(/secret names/);
    await expect(f.run({ argv: ['s'], secrets: { PW: 'v' } })).resolves.toBeDefined();
    runner = new FakeRunner();
  });
});
