/** A PBS layer's storage entry on a node: server, datastore and namespace must all match; never a guess. */
import { describe, expect, it } from 'vitest';
import type { PveStorageEntry } from '../../../src/adapters/pve/storage-config.js';
import { findPbsStorage, repositoryServer } from '../../../src/kinds/pbs/storage-entry.js';

const entry = (o: Partial<PveStorageEntry>): PveStorageEntry => ({ id: 'pbs1', type: 'pbs', content: ['backup'], disabled: false, server: '192.0.2.20', datastore: 'usb', ...o });
const hosts = [{ name: 'pbs1', address: '192.0.2.20' }, { name: 'pbs2', address: 'pbs2.example.net' }];
const layer = { host: 'pbs1', repository: 'strata@pbs!ro@localhost:usb' };

describe('findPbsStorage', () => {
  it('matches by the host’s address, datastore and no namespace', () => {
    expect(findPbsStorage([entry({})], layer, hosts, 'pve1').entry?.id).toBe('pbs1');
  });

  it('matches the server named in the repository, or the inventory name, case aside', () => {
    expect(findPbsStorage([entry({ server: 'BACKUP.lan' })], { host: 'pbs9', repository: 'u@pbs@backup.lan:8007:usb' }, [], 'pve1').entry?.id).toBe('pbs1');
    expect(findPbsStorage([entry({ server: 'pbs1' })], layer, [], 'pve1').entry?.id).toBe('pbs1');
  });

  it('refuses another datastore, another namespace, another server, a disabled entry and one limited to other nodes, naming what it saw', () => {
    for (const e of [entry({ datastore: 'other' }), entry({ namespace: 'pve2' }), entry({ server: '192.0.2.99' }), entry({ disabled: true }), entry({ nodes: ['pve2'] })]) {
      const r = findPbsStorage([e], layer, hosts, 'pve1');
      expect(r.entry).toBeUndefined();
      expect(r.why).toMatch(/^node pve1 has no PBS storage entry for datastore usb on pbs1 \/ 192\.0\.2\.20; it has pbs1 \(/);
    }
  });

  it('a namespaced layer needs the entry of that namespace', () => {
    const entries = [entry({ id: 'root' }), entry({ id: 'ns', namespace: 'pve1' })];
    expect(findPbsStorage(entries, { ...layer, namespace: 'pve1' }, hosts, 'pve1').entry?.id).toBe('ns');
    expect(findPbsStorage(entries, layer, hosts, 'pve1').entry?.id).toBe('root');
  });
});

describe('repositoryServer', () => {
  it('takes the server from a repository string, none for the host itself', () => {
    expect(repositoryServer('root@pam@192.0.2.20:store1')).toBe('192.0.2.20');
    expect(repositoryServer('user@pbs!tok@pbs.lan:8007:store1')).toBe('pbs.lan');
    expect(repositoryServer('strata@pbs!ro@127.0.0.1:usb')).toBeUndefined();
    expect(repositoryServer('store1')).toBeUndefined();
  });
});
