import type { ScenarioPlan } from './types.js';

/** Everything ran on schedule: every layer within its RPO, every PBS snapshot verified. */
export const healthy: ScenarioPlan = {
  name: 'healthy',
  usbDatastoreUsedPercent: 58,
  clockSkew: {},
};
