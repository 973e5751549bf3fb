/**
 * The homelab of examples/homelab.json, as data: hosts, guests, backup jobs,
 * schedules and retention. Schedules run more often than the RPOs they serve
 * so that the healthy scenario is green at any hour (a daily copy that lags
 * its source is older than a day for part of every day).
 */

const GiB = 2 ** 30;
const MiB = 2 ** 20;

export interface GuestSpec {
  vmid: number;
  type: 'qemu' | 'lxc';
  name: string;
  cores: number;
  memory: number;
  disk: number;
  used: number;
  running: boolean;
  tags?: string;
  template?: boolean;
  tier?: 'tier0' | 'tier1' | 'tier2' | 'tier3';
  /** Where its disks live (local-lvm unless said). */
  storage?: 'local-lvm' | 'local-zfs';
  /** Disks after the first (scsi1, mp0 ...), with their sizes. */
  extraDisks?: readonly { readonly key: string; readonly size: number }[];
  /** VMs: the QEMU guest agent runs inside. */
  agent?: boolean;
}

export const PVE1_GUESTS: readonly GuestSpec[] = [
  { vmid: 100, type: 'qemu', name: 'web01', cores: 4, memory: 8 * GiB, disk: 32 * GiB, used: 14 * GiB, running: true, tags: 'prod;web', tier: 'tier0', agent: true },
  { vmid: 101, type: 'qemu', name: 'mail01', cores: 2, memory: 4 * GiB, disk: 64 * GiB, used: 38 * GiB, running: true, tags: 'mail;prod', tier: 'tier0', agent: true, extraDisks: [{ key: 'scsi1', size: 128 * GiB }] },
  { vmid: 102, type: 'lxc', name: 'dns01', cores: 1, memory: 512 * MiB, disk: 8 * GiB, used: 1.6 * GiB, running: true, tags: 'dns;prod', tier: 'tier0', storage: 'local-zfs' },
  { vmid: 103, type: 'lxc', name: 'ca01', cores: 1, memory: 1 * GiB, disk: 8 * GiB, used: 1.1 * GiB, running: true, tags: 'infra', tier: 'tier1' },
  { vmid: 104, type: 'qemu', name: 'monitor01', cores: 2, memory: 4 * GiB, disk: 48 * GiB, used: 22 * GiB, running: true, tags: 'infra;monitoring', tier: 'tier1', agent: true },
  { vmid: 105, type: 'lxc', name: 'nextcloud', cores: 4, memory: 4 * GiB, disk: 200 * GiB, used: 96 * GiB, running: true, tags: 'apps', tier: 'tier1' },
  { vmid: 110, type: 'qemu', name: 'gitlab', cores: 4, memory: 8 * GiB, disk: 100 * GiB, used: 41 * GiB, running: true, tags: 'dev', tier: 'tier2', agent: true },
  { vmid: 111, type: 'qemu', name: 'jellyfin', cores: 4, memory: 4 * GiB, disk: 500 * GiB, used: 380 * GiB, running: true, tags: 'media', tier: 'tier2', agent: true },
  { vmid: 120, type: 'qemu', name: 'lab-k8s-1', cores: 4, memory: 8 * GiB, disk: 64 * GiB, used: 18 * GiB, running: true, tags: 'k8s;lab', tier: 'tier3', agent: true, storage: 'local-zfs' },
  { vmid: 121, type: 'qemu', name: 'lab-k8s-2', cores: 4, memory: 8 * GiB, disk: 64 * GiB, used: 17 * GiB, running: true, tags: 'k8s;lab', tier: 'tier3', agent: true, storage: 'local-zfs' },
  { vmid: 122, type: 'qemu', name: 'lab-win', cores: 4, memory: 8 * GiB, disk: 80 * GiB, used: 41 * GiB, running: false, tags: 'lab;windows', tier: 'tier3' },
  { vmid: 9000, type: 'qemu', name: 'debian-12-template', cores: 2, memory: 2 * GiB, disk: 20 * GiB, used: 2.2 * GiB, running: false, template: true },
];

/**
 * The group pbs2's sync job leaves out (`group-filter exclude:group:vm/111`):
 * the 500 GiB media VM is kept off the WAN, so its only off-site copy is the
 * restic copy of pbs1's datastore directory.
 */
export const WAN_EXCLUDED_GROUP = 'vm/111';

export const TIER_RETENTION = {
  tier0: 'keep-daily=7,keep-weekly=4,keep-monthly=3',
  tier1: 'keep-daily=7,keep-weekly=4,keep-monthly=2',
  tier2: 'keep-daily=5,keep-weekly=2,keep-monthly=0',
  tier3: 'keep-daily=2,keep-weekly=0,keep-monthly=0',
} as const;

/** A prune-backups value as /cluster/backup returns it: an object of strings, zero counts left out. */
export function pruneObject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=') as [string, string];
    if (Number(v) > 0) out[k] = v;
  }
  return out;
}

export interface JobSpec {
  id: string;
  storage: 'local-backup' | 'pbs1';
  /** Local times the scheduler starts it. */
  at: readonly (readonly [number, number])[];
  schedule: string;
  vmids?: readonly number[];
  all?: boolean;
  exclude?: readonly number[];
  prune: string;
  comment?: string;
}

export const PVE1_JOBS: readonly JobSpec[] = [
  { id: 'backup-local-nightly', storage: 'local-backup', at: [[1, 0]], schedule: '01:00', all: true, exclude: [120, 121, 122], prune: 'keep-daily=3,keep-weekly=2', comment: 'nightly archives on the node backup disk' },
  { id: 'backup-tier0', storage: 'pbs1', at: [[2, 0], [14, 0]], schedule: '2,14:00', vmids: [100, 101, 102], prune: TIER_RETENTION.tier0, comment: 'tier0 to PBS twice a day' },
  { id: 'backup-tier1', storage: 'pbs1', at: [[2, 30], [14, 30]], schedule: '2,14:30', vmids: [103, 104, 105], prune: TIER_RETENTION.tier1, comment: 'tier1 to PBS twice a day' },
  { id: 'backup-tier2', storage: 'pbs1', at: [[3, 0]], schedule: '03:00', vmids: [110, 111], prune: TIER_RETENTION.tier2, comment: 'tier2 to PBS' },
  { id: 'backup-tier3', storage: 'pbs1', at: [[3, 30]], schedule: '03:30', vmids: [120, 121, 122], prune: TIER_RETENTION.tier3, comment: 'lab guests to PBS' },
];

/** Seconds vzdump takes for a guest (scaled from used data; bounded so a job ends within its slot). */
export function backupSeconds(usedBytes: number): number {
  return Math.min(600, Math.max(12, Math.round((usedBytes / GiB) * 1.6) + 8));
}

export const SCHEDULES = {
  /** Strata's own config archive of /etc/pve and /etc/network on pve1 (UTC name). */
  configArchive: [[0, 30]] as const,
  configArchiveKeep: 14,
  /** proxmox-backup-client backup of pve1's /etc to pbs1 (host/pve1). */
  hostBackup: [[0, 45]] as const,
  /** pbs2 pulls from pbs1 every six hours, half an hour after the PBS jobs. */
  syncEveryHours: 6,
  syncFirstHour: 2,
  syncMinute: 30,
  /** pbs2 verifies what arrived, a quarter of an hour after each sync. */
  remoteVerifyMinute: 45,
  remotePruneAt: [[6, 0]] as const,
  remotePrune: 'keep-daily=14,keep-weekly=8,keep-monthly=6',
  gcAt: { pbs1: [[7, 0]] as const, pbs2: [[7, 30]] as const },
  /** Weekly re-verification of old snapshots on pbs1 (Sunday). */
  localVerifyAt: [[5, 0]] as const,
  resticUsbEveryHours: 6,
  resticUsbMinute: 20,
  resticUsbKeep: 'keep-last=4,keep-daily=7,keep-weekly=4,keep-monthly=2',
  resticCloudAppAt: [[3, 40], [15, 40]] as const,
  resticCloudPbsAt: [[5, 40]] as const,
  resticCloudKeep: 'keep-daily=7,keep-weekly=4,keep-monthly=3',
  syncoidMinute: 15,
  syncoidMediaMinute: 45,
  rcloneEveryHours: 6,
  rcloneFirstHour: 4,
  rcloneMinute: 30,
} as const;

/** sanoid policies (snapshot counts kept per kind). */
export const SANOID = {
  'tank/data': { hourly: 36, daily: 30, monthly: 3 },
  'tank/media': { hourly: 24, daily: 7, monthly: 0 },
  /** The replica: sanoid on the target only prunes, hourly ones go. */
  'backup/data': { hourly: 0, daily: 90, monthly: 6 },
} as const;

export const SECRETS = {
  pbs1Token: '3f6c1a52-9d7e-4b08-a1c2-7e95d0c4b1a8',
  pbs2Token: 'b84e0f7a-2c31-4d96-8e5a-0f1d2c3b4a59',
  pbs1Root: 'pbs1-root-password',
  syncToken: '61d0a7c3-55e2-4f1b-9c8d-2a7b6e5f4d3c',
  resticUsb: 'correct horse battery staple usb',
  resticUsbRotated: 'rotated-but-repository-not-rekeyed',
  resticCloud: 'cloud repository passphrase 2024',
  s3KeyId: 'AKIASTRATALAB0000001',
  s3Secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTRATALAB',
} as const;

export const PBS_CERT_FINGERPRINT = {
  pbs1: '7a:3f:c4:19:88:02:5e:b1:6d:0c:aa:41:93:e7:58:2f:b6:11:d0:4e:9a:63:ce:27:f5:80:1b:3d:72:e9:c6:04',
  pbs2: 'e1:55:0b:9c:3a:74:d2:68:af:13:87:f0:4c:29:b5:6e:02:d8:91:3f:a7:c0:5b:e4:16:78:2d:9e:43:b1:0a:f6',
} as const;

/**
 * The encryption key of pve1's PBS storage (a `key create --kdf none` file in
 * /etc/pve/priv/storage/pbs1.enc): its fingerprint goes on the DR card, its
 * data never may.
 */
export const PVE1_KEY = {
  fingerprint: '5c:9e:21:d7:03:8a:f4:6b:b0:17:e2:4d:93:6f:08:c1:7a:25:de:41:b9:0c:63:f8:2e:95:1d:a7:4c:38:e0:5b',
  data: 'cGxhbnRlZC1wYnMtZW5jcnlwdGlvbi1rZXktZGF0YS1uZXZlci1vbi10aGUtY2FyZA==',
} as const;
