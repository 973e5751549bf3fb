import type { ScenarioPlan } from './types.js';

/**
 * The site burned down three hours ago: pve1 and pbs1 are gone (their ports
 * refuse connections); pbs2 and the cloud copies are what is left for the
 * rebuild. pbs2's syncs since then failed.
 */
export const disaster: ScenarioPlan = {
  name: 'disaster',
  usbDatastoreUsedPercent: 58,
  clockSkew: {},
  gone: { hosts: ['pve1', 'pbs1'], hoursAgo: 3 },
};
