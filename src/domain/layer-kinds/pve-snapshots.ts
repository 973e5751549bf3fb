/** Guest snapshots on a PVE node: rollback points of its guests, never copies. */
import { isGuest, never, none, onHostOf, ownHost, type LayerKindInfo } from './types.js';

export const pveSnapshots: LayerKindInfo<'pve-snapshots'> = {
  label: 'guest snapshots',
  column: 'snap',
  store: 'guest snapshots',
  order: 0,
  onPveNode: true,
  snapshotsOfLiveData: true,
  pointsAreAdHoc: true,
  listsGuests: true,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (layer, w) => (isGuest(w) && onHostOf(layer, w) ? 'rollback' : null),
  isRollbackPoint: () => true,
  configuredAssets: none,
  copiesKeepWorkloads: false,
  carriesByDefault: never,
};
