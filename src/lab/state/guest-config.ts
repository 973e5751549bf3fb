/**
 * A guest's config as PVE keeps it (`/etc/pve/qemu-server/ID.conf`,
 * `lxc/ID.conf`), and the storage rules a restore, a rollback and a clone
 * depend on: how volumes are named, which storage may roll back or clone
 * from a snapshot (pve-storage ZFSPoolPlugin, LvmThinPlugin).
 */
import type { GuestDisk, GuestTemplate, PveGuest, PveState, PveStorage } from './types.js';

const GiB = 2 ** 30;

/** `32G`, `1.5T`: PVE's size property. */
export function sizeText(bytes: number): string {
  if (bytes % 2 ** 40 === 0) return `${bytes / 2 ** 40}T`;
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  return `${Math.round(bytes / 2 ** 20)}M`;
}

const pad = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** The MAC a lab guest was created with (stable per guest and interface). */
export function labMac(vmid: number, index: number): string {
  return `BC:24:11:${String(vmid % 100).padStart(2, '0')}:7A:${pad(index + 1)}`;
}

/** A fresh MAC as `--unique` and clones make (datacenter prefix BC:24:11). */
export function randomMac(next: () => number): string {
  return `BC:24:11:${[0, 1, 2].map(() => pad(Math.floor(next() * 256))).join(':')}`;
}

/** The first NIC of a new lab guest. */
export function defaultNet(type: 'qemu' | 'lxc', vmid: number): string {
  return type === 'qemu'
    ? `virtio=${labMac(vmid, 0)},bridge=vmbr0,firewall=1`
    : `name=eth0,bridge=vmbr0,firewall=1,hwaddr=${labMac(vmid, 0)},ip=dhcp,type=veth`;
}

/** A netN value with its MAC replaced (qemu `model=MAC`, lxc `hwaddr=MAC`). */
export function withMac(value: string, mac: string): string {
  return value
    .split(',')
    .map((p) => (/^(virtio|e1000|e1000e|rtl8139|vmxnet3)=/.test(p) ? `${p.split('=')[0]}=${mac}` : /^hwaddr=/.test(p) ? `hwaddr=${mac}` : p))
    .join(',');
}

/** Storage id of a volume (`local-lvm:vm-100-disk-0` -> `local-lvm`). */
export const storageOf = (volume: string): string => volume.split(':')[0] ?? '';

/**
 * The name PVE gives the next volume of a guest on a storage: containers on
 * ZFS or a directory get `subvol-`, everything else `vm-` (`base-` for templates).
 */
export function newVolume(pve: PveState, storage: PveStorage, type: 'qemu' | 'lxc', vmid: number, taken: readonly string[] = []): string {
  const prefix = type === 'lxc' && (storage.type === 'zfspool' || storage.type === 'dir') ? 'subvol' : 'vm';
  const used = new Set([
    ...taken,
    ...Object.values(pve.guests).flatMap((g) => g.disks.map((d) => d.volume)),
  ]);
  for (let k = 0; ; k++) {
    const v = `${storage.id}:${prefix}-${vmid}-disk-${k}`;
    if (!used.has(v)) return v;
  }
}

/** What the volume's storage prints when it makes or frees one (LVM talks, ZFS is silent). */
export function volumeCreated(storage: PveStorage | undefined, volume: string): string[] {
  return storage?.type === 'lvmthin' ? [`  Logical volume "${volume.split(':')[1]}" created.`] : [];
}

export function volumeRemoved(storage: PveStorage | undefined, volume: string): string[] {
  return storage?.type === 'lvmthin' ? [`  Logical volume "${volume.split(':')[1]}" successfully removed.`] : [];
}

/**
 * Storages where a rollback destroys what came after the snapshot, so PVE
 * allows only the newest one (pve-storage volume_rollback_is_possible).
 */
export const rollsBackNewestOnly = (s: PveStorage | undefined): boolean => s?.type === 'zfspool';

/** volume_has_feature for what a clone needs: `copy` (full) or `clone` (linked), from a snapshot or the current state. */
export function hasCloneFeature(s: PveStorage | undefined, feature: 'copy' | 'clone', from: 'snap' | 'current' | 'base'): boolean {
  if (s?.type === 'zfspool') return (feature === 'copy' && from !== 'snap') || (feature === 'clone' && from === 'base');
  if (s?.type === 'lvmthin') return feature === 'copy' || from !== 'current';
  return false;
}

export const isDiskKey = (key: string): boolean => /^(scsi|virtio|sata|ide)\d+$|^efidisk0$|^tpmstate0$|^rootfs$|^mp\d+$/.test(key);

function diskValue(g: Pick<PveGuest, 'type'>, d: GuestDisk): string {
  if (d.key.startsWith('unused')) return d.volume;
  if (d.key.startsWith('mp')) return `${d.volume},mp=/srv/${d.key},backup=1,size=${sizeText(d.size)}`;
  if (d.key === 'rootfs') return `${d.volume},size=${sizeText(d.size)}`;
  return `${d.volume},${g.type === 'qemu' ? 'iothread=1,' : ''}size=${sizeText(d.size)}`;
}

/** The config as `pvesh get .../config` returns it (keys of the config file, values as PVE prints them). */
export function guestConfig(g: PveGuest, digest: string): Record<string, string | number> {
  if (g.stubConfig) return { digest, ...g.stubConfig, ...(g.lock ? { lock: g.lock } : {}) };
  const disks = Object.fromEntries(g.disks.map((d) => [d.key, diskValue(g, d)]));
  const common = {
    cores: g.maxcpu,
    digest,
    ...disks,
    ...g.nets,
    ...(g.lock ? { lock: g.lock } : {}),
    ...(g.current ? { parent: g.current } : {}),
    ...(g.protection ? { protection: 1 } : {}),
    ...(g.tags ? { tags: g.tags } : {}),
  };
  if (g.type === 'lxc') return { ...common, arch: 'amd64', hostname: g.name, memory: g.maxmem / 2 ** 20, ostype: 'debian', swap: 512, unprivileged: 1 };
  const boot = g.disks.find((d) => !d.key.startsWith('unused'));
  return {
    ...common,
    ...(g.agent ? { agent: '1' } : {}),
    boot: `order=${[boot?.key, ...Object.keys(g.nets)].filter(Boolean).join(';')}`,
    memory: String(g.maxmem / 2 ** 20),
    name: g.name,
    ostype: 'l26',
    scsihw: 'virtio-scsi-single',
    ...(g.template ? { template: 1 } : {}),
  };
}

/** The config file's text (`key: value` lines, sorted), as `/etc/pve` and a backup's qemu-server.conf hold it. */
export function configFileText(g: PveGuest): string {
  const c = guestConfig(g, '');
  delete c.digest;
  return Object.keys(c)
    .sort()
    .map((k) => `${k}: ${c[k]}\n`)
    .join('');
}

/** A guest as a backup holds it. */
export function templateOf(g: PveGuest): GuestTemplate {
  return {
    type: g.type,
    name: g.name,
    maxcpu: g.maxcpu,
    maxmem: g.maxmem,
    maxdisk: g.maxdisk,
    usedDisk: g.usedDisk,
    ...(g.tags !== undefined ? { tags: g.tags } : {}),
    disks: g.disks.filter((d) => isDiskKey(d.key)).map((d) => ({ ...d })),
    nets: { ...g.nets },
    ...(g.agent ? { agent: true } : {}),
  };
}

/** The guest a backup's template describes, under a new id (its volumes still the backed-up ones). */
export function guestOfTemplate(vmid: number, t: GuestTemplate): PveGuest {
  return {
    vmid,
    type: t.type,
    name: t.name,
    status: 'stopped',
    template: false,
    ...(t.tags !== undefined ? { tags: t.tags } : {}),
    maxcpu: t.maxcpu,
    maxmem: t.maxmem,
    maxdisk: t.maxdisk,
    usedDisk: t.usedDisk,
    disks: t.disks.map((d) => ({ ...d })),
    nets: { ...t.nets },
    ...(t.agent ? { agent: true } : {}),
    snapshots: [],
  };
}
