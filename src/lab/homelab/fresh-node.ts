/**
 * The disaster scenario's rebuild target: Proxmox VE freshly installed on new
 * hardware with the lost node's hostname and address (restore-formats §9
 * step 1). It has a new SSH host key (every lab host gets its own), new NIC
 * names, an /etc/pve holding only what the installer writes (the `local`
 * storage, root), no guests, no pools, and its own config.db.
 */
import { mkdirs, writeFile } from '../state/fs.js';
import { writeConfigDb } from '../state/pmxcfs.js';
import type { HostLink, HostState } from '../state/types.js';

/** What the lost node's NICs were called (its archived interfaces file bridges eno1). */
export const LOST_NODE_LINKS: readonly HostLink[] = [
  { ifname: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: true, linkType: 'loopback', address: '127.0.0.1/8' },
  { ifname: 'eno1', mac: '3c:ec:ef:10:22:31', mtu: 1500, up: true, linkType: 'ether', master: 'vmbr0' },
  { ifname: 'vmbr0', mac: '3c:ec:ef:10:22:31', mtu: 1500, up: true, linkType: 'ether', address: '192.0.2.10/24' },
];

/** The new board's NIC is enp5s0: the old interfaces file would bridge a NIC that no longer exists. */
export const FRESH_NODE_LINKS: readonly HostLink[] = [
  { ifname: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: true, linkType: 'loopback', address: '127.0.0.1/8' },
  { ifname: 'enp5s0', mac: 'a8:a1:59:4e:07:c2', mtu: 1500, up: true, linkType: 'ether', master: 'vmbr0' },
  { ifname: 'vmbr0', mac: 'a8:a1:59:4e:07:c2', mtu: 1500, up: true, linkType: 'ether', address: '192.0.2.10/24' },
];

/** The lab's name of the node that replaces `lost`. */
export const freshNodeName = (lost: string) => `${lost}-new`;

export function freshPveNode(lost: HostState, installedAt: number, pidBase: number): HostState {
  const node = lost.pve?.node ?? lost.hostname;
  const host: HostState = {
    name: freshNodeName(lost.name),
    hostname: lost.hostname,
    timeZone: lost.timeZone,
    clockSkewSeconds: 0,
    packages: ['pve', 'pbs-client', 'zfs'],
    fs: { files: {}, dirs: ['/', '/root', '/tmp', '/etc', '/var', '/var/backups', '/var/lib/vz', '/etc/pve', '/etc/pve/priv'] },
    nextPid: pidBase,
    links: [...FRESH_NODE_LINKS],
    replaces: lost.name,
    zfs: { pools: {}, datasets: {}, nextTxg: 1 },
    pve: {
      node,
      guests: {},
      storages: {
        local: { id: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], path: '/var/lib/vz', total: 100_861_726_720, used: 3_221_225_472, shared: 0, archives: [] },
      },
      backupJobs: [],
      tasks: [],
    },
  };
  const text = (path: string, content: string) => {
    mkdirs(host.fs, path.slice(0, path.lastIndexOf('/')) || '/');
    writeFile(host.fs, path, { size: Buffer.byteLength(content), mtime: installedAt, content });
  };
  text('/etc/pve/storage.cfg', 'dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n');
  text('/etc/pve/user.cfg', 'user:root@pam:1:0:::::::\n');
  text('/etc/pve/datacenter.cfg', 'keyboard: en-us\n');
  mkdirs(host.fs, `/etc/pve/nodes/${node}/qemu-server`);
  mkdirs(host.fs, `/etc/pve/nodes/${node}/lxc`);
  text('/etc/network/interfaces', 'auto lo\niface lo inet loopback\n\niface enp5s0 inet manual\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.10/24\n\tgateway 192.0.2.1\n\tbridge-ports enp5s0\n\tbridge-stp off\n\tbridge-fd 0\n');
  text('/etc/hostname', `${lost.hostname}\n`);
  writeConfigDb(host, installedAt);
  return host;
}
