/** vzdump archives on a storage of a PVE node: copies of that node's guests. */
import { isGuest, never, none, onHostOf, ownHost, type LayerKindInfo } from './types.js';

export const vzdump: LayerKindInfo<'vzdump'> = {
  label: 'vzdump archives',
  column: 'vzdump',
  store: 'storage',
  order: 2,
  onPveNode: true,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (layer, w) => (isGuest(w) && onHostOf(layer, w) ? 'copy' : null),
  isRollbackPoint: never,
  configuredAssets: none,
  copiesKeepWorkloads: false,
  carriesByDefault: never,
};
