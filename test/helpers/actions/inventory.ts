/** A test inventory shaped like examples/homelab.json, with the fields actions need. */
import { validateInventory, type Inventory } from '../../../src/domain/inventory.js';
import type { InventoryFile } from '../../../src/domain/inventory-file.js';

export const TEST_INVENTORY: InventoryFile = {
  version: 1,
  hosts: [
    { name: 'pve1', node: 'pve1' },
    { name: 'pve2' },
    { name: 'pbs1' },
    { name: 'pbs2' },
    { name: 'docker1' },
    { name: 'nas1' },
    { name: 'nas2' },
  ],
  layers: [
    { id: 'pve1-snap', kind: 'pve-snapshots', host: 'pve1' },
    { id: 'pve1-dump', kind: 'vzdump', host: 'pve1', storage: 'local-backup', rpo: '1d' },
    { id: 'pve2-dump', kind: 'vzdump', host: 'pve2', storage: 'local-backup' },
    { id: 'pve1-pbs', kind: 'vzdump', host: 'pve1', storage: 'pbs1' },
    { id: 'pbs-local', kind: 'pbs', host: 'pbs1', repository: 'strata@pbs!ro@127.0.0.1:usb', secret: { file: '/root/.strata-pbs-token' }, rpo: '1d', verifyMaxAge: '30d' },
    { id: 'pbs-remote', kind: 'pbs', host: 'pbs2', repository: 'strata@pbs!ro@127.0.0.1:offsite', copyOf: ['pbs-local'], offsite: true },
    { id: 'restic-usb', kind: 'restic', host: 'docker1', repository: '/mnt/usb/restic', secret: { file: '/root/.restic-pass' }, paths: ['/srv/volumes', '/etc/docker'] },
    {
      id: 'restic-cloud',
      kind: 'restic',
      host: 'docker1',
      repository: 's3:https://s3.example.com/strata-restic',
      secret: { env: 'STRATA_TEST_RESTIC_PASSWORD' },
      secretEnv: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
      env: { AWS_DEFAULT_REGION: 'eu-central-1' },
      copyOf: ['pbs-local'],
    },
    { id: 'nas-snap', kind: 'zfs-snapshots', host: 'nas1', datasets: ['tank/data', 'tank/media', 'fast/vm'], verifyMaxAge: '35d' },
    { id: 'nas-repl', kind: 'zfs-replication', host: 'nas1', source: { dataset: 'tank/data' }, target: { dataset: 'backup/data' }, rpo: '1d' },
    { id: 'nas-offsite', kind: 'zfs-replication', host: 'nas2', source: { host: 'nas1', dataset: 'tank/data' }, target: { dataset: 'tank/nas1/data' } },
    { id: 'nas-glacier', kind: 'rclone', host: 'nas1', source: '/backup/data', remote: 'glacier:strata-nas/data', configFile: '/root/.config/rclone/rclone.conf' },
    { id: 'nas-nosource', kind: 'rclone', host: 'nas1', remote: 'glacier:other' },
    { id: 'pve1-config', kind: 'config-backup', host: 'pve1', paths: ['/etc/pve', '/etc/network'], directory: '/var/backups/strata' },
  ],
};

export function testInventory(file: InventoryFile = TEST_INVENTORY): Inventory {
  const v = validateInventory(file);
  if (!v.ok) throw new Error(`test inventory is invalid: ${JSON.stringify(v.problems)}`);
  return v.inventory;
}
