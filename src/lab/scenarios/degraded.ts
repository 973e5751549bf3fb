import type { ScenarioPlan } from './types.js';

/**
 * The failures a homelab really collects, all at once: the off-site restic copy
 * stopped nine days ago, the newest PBS snapshot of vm/101 fails verification,
 * vm/111 was dropped from every job, the last backups of vm/104 failed, a disk
 * of the `backup` pool is gone, the USB datastore is 93 % full, the restic-usb
 * password file was rotated without re-keying the repository, and docker1's
 * clock is five minutes fast.
 */
export const degraded: ScenarioPlan = {
  name: 'degraded',
  excludedGuest: { vmid: 111, daysAgo: 30 },
  failingGuest: { vmid: 104, error: "job failed with err -5 - Input/output error" },
  resticCloudStoppedDaysAgo: 9,
  corruptNewestOf: 101,
  degradedPool: 'backup',
  usbDatastoreUsedPercent: 93,
  wrongResticUsbPassword: true,
  clockSkew: { docker1: 300 },
};
