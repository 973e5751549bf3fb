/** An rclone copy of one local path: its workload is named after the source (or the remote). */
import { filesAssetId } from '../asset-id.js';
import { never, ownHost, type LayerKindInfo, type LayerOfKind } from './types.js';

const pathOf = (layer: LayerOfKind<'rclone'>) => layer.source ?? layer.remote;

export const rclone: LayerKindInfo<'rclone'> = {
  label: 'rclone copy',
  column: 'rclone',
  store: 'bucket',
  order: 6,
  onPveNode: false,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (layer, w) => (w.id === filesAssetId(layer.host, pathOf(layer)) ? 'copy' : null),
  isRollbackPoint: never,
  configuredAssets: (layer) => [{ id: filesAssetId(layer.host, pathOf(layer)), kind: 'files', name: pathOf(layer), host: layer.host }],
  // One remote path: every object of it is the copied data.
  copiesKeepWorkloads: false,
  carriesByDefault: () => true,
};
