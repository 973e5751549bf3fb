import type { ScenarioPlan } from './types.js';

/**
 * The site burned down three hours ago: pve1 and pbs1 are gone (their ports
 * refuse connections); pbs2 and the cloud copies (the restic and rclone
 * copies, the config archives in S3) are what is left for the rebuild, onto
 * pve1-new, a freshly installed node with pve1's hostname and address. pbs2's
 * syncs since then failed.
 */
export const disaster: ScenarioPlan = {
  name: 'disaster',
  usbDatastoreUsedPercent: 58,
  clockSkew: {},
  gone: { hosts: ['pve1', 'pbs1'], hoursAgo: 3 },
  freshNodeFor: 'pve1',
};
