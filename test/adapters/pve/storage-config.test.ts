/** storage.cfg and a node's storages as restores read them; a PBS entry keeps its server, datastore and namespace. */
import { describe, expect, it } from 'vitest';
import { nodeStoragesCommand, parseNodeStorages, parseStorageConfig, stopCommand, storageConfigCommand } from '../../../src/adapters/pve/storage-config.js';
import { fixture } from '../../helpers/fixtures.js';

describe('pvesh get /storage', () => {
  it('asks for JSON', () => {
    expect(storageConfigCommand().argv).toEqual(['pvesh', 'get', '/storage', '--output-format', 'json']);
    expect(nodeStoragesCommand('pve1').argv).toEqual(['pvesh', 'get', '/nodes/pve1/storage', '--output-format', 'json']);
    expect(stopCommand('lxc', 102).argv).toEqual(['pct', 'stop', '102']);
    expect(() => nodeStoragesCommand('pve1/../x')).toThrow();
  });

  it('reads every entry, a PBS one with its server, datastore, namespace, nodes and disabled flag', () => {
    const f = fixture('pve', 'storage-config-normal');
    const r = parseStorageConfig(f.stdout, f.stderr, f.exitCode);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((e) => e.id)).toEqual(['local', 'local-lvm', 'local-zfs', 'pbs1', 'pbs2-pve1']);
    expect(r.value[1]).toEqual({ id: 'local-lvm', type: 'lvmthin', content: ['rootdir', 'images'], disabled: false });
    expect(r.value[3]).toMatchObject({ id: 'pbs1', type: 'pbs', server: '192.0.2.20', datastore: 'usb', username: 'root@pam', disabled: false });
    expect(r.value[4]).toMatchObject({ id: 'pbs2-pve1', server: 'pbs2.example.net', datastore: 'offsite', namespace: 'pve1', nodes: ['pve1', 'pve2'], disabled: true });
  });

  it('a failed pvesh is an error naming it', () => {
    const r = parseStorageConfig('', 'ipcc_send_rec[1] failed: Connection refused\n', 255);
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('Connection refused') } });
  });
});

describe('pvesh get /nodes/{node}/storage', () => {
  it('reads which content each storage holds and whether it is active', () => {
    const f = fixture('pve', 'node-storages-normal');
    const r = parseNodeStorages(f.stdout, f.stderr, f.exitCode);
    expect(r).toMatchObject({
      ok: true,
      value: [
        { id: 'local', content: ['iso', 'vztmpl', 'backup'], active: true, enabled: true },
        { id: 'local-lvm', type: 'lvmthin', content: ['rootdir', 'images'], active: true },
        { id: 'pbs1', type: 'pbs', active: false },
      ],
    });
  });
});
