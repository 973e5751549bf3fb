import type { ScenarioPlan } from './types.js';

/**
 * The site burned down three hours ago: pve1 and pbs1 are gone (their ports
 * refuse connections); pbs2 and the cloud copies (the restic and rclone
 * copies, the config archives in S3) are what is left for the rebuild, onto
 * pve1-new, a freshly installed node with pve1's hostname and address. pbs2's
 * syncs since then failed. pbs2 never had vm/111 (its sync job filters it
 * out): that guest comes back only through the chain, restic-cloud's copy of
 * pbs1's datastore restored onto pbs2 and taken in as a datastore there.
 */
export const disaster: ScenarioPlan = {
  name: 'disaster',
  usbDatastoreUsedPercent: 58,
  clockSkew: {},
  gone: { hosts: ['pve1', 'pbs1'], hoursAgo: 3 },
  freshNodeFor: 'pve1',
};
