import { describe, expect, it } from 'vitest';
import { datastoreOfRepository, datastoreStatusCommand, snapshotListCommand, taskListCommand } from '../../src/adapters/pbs/commands.js';
import {
  backupJobsCommand,
  clusterResourcesCommand,
  guestSnapshotsCommand,
  notBackedUpCommand,
  storageContentCommand,
  storageStatusCommand,
  vzdumpTasksCommand,
} from '../../src/adapters/pve/commands.js';
import { aboutCommand, lsjsonCommand } from '../../src/adapters/rclone/commands.js';
import { backupCommand, checkCommand, forgetCommand, keepFlags, snapshotsCommand } from '../../src/adapters/restic/commands.js';
import { mergeEnv, resolveSecret, secretEnv, secretRefEnv } from '../../src/adapters/secrets.js';
import {
  zfsGetSnapshotsCommand,
  zfsListSnapshotsCommand,
  zpoolListCommand,
  zpoolListHumanCommand,
  zpoolStatusCommand,
} from '../../src/adapters/zfs/commands.js';
import { assertValidCommand } from '../../src/transport/command.js';
import { describeCommand } from '../../src/transport/shell-script.js';

describe('pvesh probes', () => {
  it('are the commands of DESIGN.md, argv for argv', () => {
    const json = ['--output-format', 'json'];
    expect(clusterResourcesCommand().argv).toEqual(['pvesh', 'get', '/cluster/resources', '--type', 'vm', ...json]);
    expect(guestSnapshotsCommand('pve1', 'lxc', 101).argv).toEqual(['pvesh', 'get', '/nodes/pve1/lxc/101/snapshot', ...json]);
    expect(storageContentCommand('pve1', 'local-backup').argv).toEqual([
      'pvesh',
      'get',
      '/nodes/pve1/storage/local-backup/content',
      '--content',
      'backup',
      ...json,
    ]);
    expect(backupJobsCommand().argv).toEqual(['pvesh', 'get', '/cluster/backup', ...json]);
    expect(vzdumpTasksCommand('pve1').argv).toEqual(['pvesh', 'get', '/nodes/pve1/tasks', '--typefilter', 'vzdump', '--limit', '50', ...json]);
    expect(notBackedUpCommand().argv).toEqual(['pvesh', 'get', '/cluster/backup-info/not-backed-up', ...json]);
    expect(storageStatusCommand('pve1', 'pbs1').argv).toEqual(['pvesh', 'get', '/nodes/pve1/storage/pbs1/status', ...json]);
  });

  it('refuse node, storage and vmid values that would change the API path', () => {
    expect(() => guestSnapshotsCommand('pve1/../x', 'qemu', 100)).toThrow(/node name/);
    expect(() => storageContentCommand('pve1', 'a/b')).toThrow(/storage id/);
    expect(() => guestSnapshotsCommand('pve1', 'qemu', 1.5)).toThrow(/VMID/);
    expect(() => vzdumpTasksCommand('pve1', 0)).toThrow();
  });
});

describe('PBS probes', () => {
  const access = { repository: 'strata@pbs!ro@localhost:store1', fingerprint: 'aa:bb', namespace: 'prod' };

  it('pass the repository as an argument and the password through PBS_PASSWORD_* ', () => {
    const viaFile = snapshotListCommand({ ...access, password: { file: '/root/.pbs-token' } });
    expect(viaFile.argv).toEqual([
      'proxmox-backup-client',
      'snapshot',
      'list',
      '--repository',
      'strata@pbs!ro@localhost:store1',
      '--ns',
      'prod',
      '--output-format',
      'json',
    ]);
    expect(viaFile.env).toEqual({ PBS_FINGERPRINT: 'aa:bb', PBS_PASSWORD_FILE: '/root/.pbs-token' });
    expect(viaFile.secrets).toBeUndefined();
    expect(snapshotListCommand({ ...access, password: { command: 'pass show pbs' } }).env).toMatchObject({ PBS_PASSWORD_CMD: 'pass show pbs' });
    const viaValue = datastoreStatusCommand({ ...access, password: { value: 's3cret' } });
    expect(viaValue.secrets).toEqual({ PBS_PASSWORD: 's3cret' });
    expect(viaValue.argv).not.toContain('--ns');
    expect(describeCommand(viaValue)).not.toContain('s3cret');
  });

  it('list tasks with snake_case output and name the datastore of a repository', () => {
    expect(taskListCommand().argv).toEqual(['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', '--output-format', 'json']);
    expect(datastoreOfRepository('strata@pbs!ro@[::1]:8007:store1')).toBe('store1');
    expect(datastoreOfRepository('store2')).toBe('store2');
    expect(() => snapshotListCommand({ repository: '--help' })).toThrow();
  });
});

describe('ZFS probes', () => {
  it('are exact, with the zfs-fuse fallbacks', () => {
    expect(zfsListSnapshotsCommand('rpool/data').argv).toEqual(['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'rpool/data']);
    expect(zfsGetSnapshotsCommand('rpool/data').argv).toEqual(['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', 'rpool/data']);
    expect(zpoolListCommand().argv).toEqual(['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,cap,health']);
    expect(zpoolListHumanCommand().argv).toEqual(['zpool', 'list', '-H', '-o', 'name,size,alloc,free,cap,health']);
    expect(zpoolStatusCommand().argv).toEqual(['zpool', 'status', '-x']);
  });

  it('refuse a dataset that zfs would read as an option or a snapshot', () => {
    for (const bad of ['-r', 'tank@snap', '', 'tank//x', 'tank/']) expect(() => zfsListSnapshotsCommand(bad)).toThrow();
  });
});

describe('restic commands', () => {
  const repo = { repository: 's3:https://s3.example/bucket' };

  it('carry the repository in RESTIC_REPOSITORY and place the password by its source', () => {
    expect(snapshotsCommand({ ...repo, password: { file: '/root/.restic-pass' } })).toEqual({
      argv: ['restic', 'snapshots', '--json'],
      env: { RESTIC_REPOSITORY: 's3:https://s3.example/bucket', RESTIC_PASSWORD_FILE: '/root/.restic-pass' },
      maxOutputBytes: 64 * 1024 * 1024,
    });
    expect(snapshotsCommand({ ...repo, password: { command: 'pass show restic' } }).env).toMatchObject({
      RESTIC_PASSWORD_COMMAND: 'pass show restic',
    });
    const v = snapshotsCommand({
      ...repo,
      password: { value: 'pw' },
      env: { AWS_DEFAULT_REGION: 'eu-west-1', RESTIC_PASSWORD: 'must not win' },
      secretEnv: { AWS_SECRET_ACCESS_KEY: { file: '/root/.aws-key' }, AWS_ACCESS_KEY_ID: { value: 'AKIA' } },
    });
    expect(v.env).toEqual({ AWS_DEFAULT_REGION: 'eu-west-1', RESTIC_REPOSITORY: 's3:https://s3.example/bucket' });
    expect(v.secrets).toEqual({ RESTIC_PASSWORD: 'pw', AWS_ACCESS_KEY_ID: 'AKIA' });
    expect(v.secretsFrom).toEqual({ AWS_SECRET_ACCESS_KEY: { file: '/root/.aws-key' } });
    assertValidCommand(v);
  });

  it('treat a repository URL with a password in it as a secret', () => {
    const c = snapshotsCommand({ repository: 'rest:https://u:hunter2@backup:8000/', password: { file: '/p' } });
    expect(c.env).toEqual({ RESTIC_PASSWORD_FILE: '/p' });
    expect(c.secrets).toEqual({ RESTIC_REPOSITORY: 'rest:https://u:hunter2@backup:8000/' });
    expect(describeCommand(c)).not.toContain('hunter2');
  });

  it('build backup, forget and check argv', () => {
    const a = { repository: '/srv/restic', password: { file: '/p' } };
    expect(backupCommand(a, { paths: ['/srv/app', '-odd'], host: 'docker1', tags: ['nightly'], excludes: ['*.tmp'] }).argv).toEqual([
      'restic',
      'backup',
      '--json',
      '--host',
      'docker1',
      '--tag',
      'nightly',
      '--exclude',
      '*.tmp',
      '--',
      '/srv/app',
      '-odd',
    ]);
    expect(forgetCommand(a, { retention: 'keep-daily=7,keep-weekly=4', dryRun: true }).argv).toEqual([
      'restic',
      'forget',
      '--json',
      '--dry-run',
      '--keep-daily',
      '7',
      '--keep-weekly',
      '4',
    ]);
    expect(checkCommand(a, { readDataSubset: '5%' }).argv).toEqual(['restic', 'check', '--read-data-subset', '5%']);
    expect(keepFlags('keep-last=-1')).toEqual(['--keep-last', '-1']);
    expect(() => keepFlags('keep-daily=7,rm -rf=1')).toThrow();
    expect(() => keepFlags('')).toThrow();
    expect(() => checkCommand(a, { readDataSubset: '--x' })).toThrow();
  });
});

describe('rclone commands', () => {
  it('list and size a remote, config through RCLONE_CONFIG, secrets by name', () => {
    const a = { remote: 'cloud:bucket/pbs', configFile: '/root/.config/rclone/rclone.conf', secretEnv: { RCLONE_CONFIG_PASS: { command: 'pass rclone' } } };
    expect(lsjsonCommand(a)).toEqual({
      argv: ['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', 'cloud:bucket/pbs'],
      env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' },
      secretsFrom: { RCLONE_CONFIG_PASS: { command: 'pass rclone' } },
      maxOutputBytes: 128 * 1024 * 1024,
    });
    expect(aboutCommand({ remote: 'cloud:' }).argv).toEqual(['rclone', 'about', 'cloud:', '--json']);
    expect(() => lsjsonCommand({ remote: '--config=/etc/shadow' })).toThrow();
  });
});

describe('secrets', () => {
  it('look up {env} secrets through the caller, with a clear error when unset', () => {
    const env = { RESTIC_PW: 'pw', EMPTY: '', MULTI: 'a\nb' };
    const look = (n: string) => env[n as keyof typeof env];
    expect(resolveSecret({ env: 'RESTIC_PW' }, look)).toEqual({ ok: true, value: { value: 'pw' } });
    expect(resolveSecret({ env: 'NOPE' }, look)).toEqual({
      ok: false,
      error: { kind: 'auth', message: "secret variable NOPE is not set in Strata's environment" },
    });
    expect(resolveSecret({ env: 'EMPTY' }, look).ok).toBe(false);
    expect(resolveSecret({ env: 'MULTI' }, look).ok).toBe(false);
    expect(resolveSecret({ file: '/f' }, look)).toEqual({ ok: true, value: { file: '/f' } });
  });

  it('place a secret through the tool own variables, or have the host read it', () => {
    const vars = { value: 'TOKEN' };
    expect(secretEnv({ file: '/t' }, vars)).toEqual({ secretsFrom: { TOKEN: { file: '/t' } } });
    expect(secretEnv({ command: 'c' }, vars)).toEqual({ secretsFrom: { TOKEN: { command: 'c' } } });
    expect(secretEnv({ value: 'v' }, vars)).toEqual({ secrets: { TOKEN: 'v' } });
    expect(secretRefEnv({ env: 'X' }, vars, () => undefined).ok).toBe(false);
  });

  it('never send the same name as plain env and as a secret', () => {
    expect(mergeEnv({ env: { A: '1', S: 'plain' } }, { secrets: { S: 'secret' } })).toEqual({ env: { A: '1' }, secrets: { S: 'secret' } });
  });
});
