/**
 * Where the DR card says each layer's secrets live, by kind: references as
 * the inventory names them, and the places only named (an rclone config, a
 * PBS key file, syncoid's SSH key, config archives that hold /etc/pve/priv).
 */
import { describe, expect, it } from 'vitest';
import type { LayerFile } from '../../../src/domain/inventory-file.js';
import type { Layer } from '../../../src/domain/inventory.js';
import { rcloneRemoteParts, secretPlaces } from '../../../src/domain/layer-kinds/dr.js';

const layer = (f: LayerFile): Layer => ({ ...f, rpoSeconds: null, verifyMaxAgeSeconds: null });
const places = (f: LayerFile) => secretPlaces(layer(f)).map((s) => ('ref' in s ? `${s.purpose} <- ${JSON.stringify(s.ref)}` : `${s.purpose} @ ${s.where}`));

describe('secretPlaces', () => {
  it('names an rclone copy\'s config file (its own, else rclone\'s default) before its secretEnv references', () => {
    expect(places({ id: 'c', kind: 'rclone', host: 'h', remote: 'deep:bucket/p', configFile: '/etc/strata/rclone.conf', secretEnv: { RCLONE_CONFIG_PASS: { env: 'P' }, AWS_SESSION_TOKEN: { file: '/t' } } })).toEqual([
      'keys and settings of rclone remote deep @ rclone config /etc/strata/rclone.conf on h (remote deep)',
      'RCLONE_CONFIG_PASS, the password the rclone config is encrypted with <- {"env":"P"}',
      'AWS_SESSION_TOKEN <- {"file":"/t"}',
    ]);
    expect(places({ id: 'c', kind: 'rclone', host: 'h', remote: 'deep:' })).toEqual(["keys and settings of rclone remote deep @ rclone config ~/.config/rclone/rclone.conf (rclone's default) on h (remote deep)"]);
    // A local path needs no remote's config.
    expect(places({ id: 'c', kind: 'rclone', host: 'h', remote: '/mnt/usb/copy' })).toEqual([]);
  });

  it('names a PBS key file and its passphrase, syncoid\'s key across hosts, and config archives holding /etc/pve/priv', () => {
    expect(places({ id: 'p', kind: 'pbs', host: 'h', repository: 'u@pbs@s:ds', keyfile: '/root/k.enc', keySecret: { command: 'pass pbs' } })).toEqual([
      'PBS encryption key (--keyfile) @ file /root/k.enc on h',
      'passphrase of the PBS encryption key <- {"command":"pass pbs"}',
    ]);
    expect(places({ id: 'z', kind: 'zfs-replication', host: 'b', source: { host: 'a', dataset: 't/d' }, target: { dataset: 'bk/d' } })).toEqual(['SSH key syncoid on b logs in to a with @ ~/.ssh of the user running syncoid on b']);
    expect(places({ id: 'z', kind: 'zfs-replication', host: 'b', source: { host: 'b', dataset: 't/d' }, target: { dataset: 'bk/d' } })).toEqual([]);
    const archive = (paths: string[]) => places({ id: 'a', kind: 'config-backup', host: 'n', paths, directory: '/var/backups' }).length;
    expect([archive(['/etc/pve']), archive(['/etc']), archive(['/etc/pve/priv/storage']), archive(['/var/lib/pve-cluster/config.db']), archive(['/etc/network'])]).toEqual([1, 1, 1, 1, 0]);
  });

  it('finds no secret of their own in snapshots and vzdump', () => {
    expect(places({ id: 's', kind: 'zfs-snapshots', host: 'n', datasets: ['t'] })).toEqual([]);
    expect(places({ id: 'v', kind: 'vzdump', host: 'n', storage: 'local' })).toEqual([]);
    expect(places({ id: 'g', kind: 'pve-snapshots', host: 'n' })).toEqual([]);
  });
});

describe('rcloneRemoteParts', () => {
  it('splits a remote from its bucket and path, and keeps a local path whole', () => {
    expect(rcloneRemoteParts('pbsdeep:strata-pbs/usb')).toEqual({ name: 'pbsdeep', path: 'strata-pbs/usb' });
    expect(rcloneRemoteParts('s3:')).toEqual({ name: 's3', path: '' });
    expect(rcloneRemoteParts('/mnt/a:b')).toEqual({ name: '', path: '/mnt/a:b' });
    expect(rcloneRemoteParts('./x:y')).toEqual({ name: '', path: './x:y' });
  });
});
