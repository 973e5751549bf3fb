/** ZFS snapshots of configured datasets: rollback points on the pool of the live data. */
import { datasetAsset, never, ownHost, poolOfRef, under, type LayerKindInfo } from './types.js';

export const zfsSnapshots: LayerKindInfo<'zfs-snapshots'> = {
  label: 'ZFS snapshots',
  column: 'zfs-snap',
  store: 'snapshots',
  order: 1,
  onPveNode: false,
  snapshotsOfLiveData: true,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (layer, w) => {
    const p = w.parsed;
    return p.kind === 'dataset' && layer.datasets.some((d) => under(p.dataset, d)) ? 'rollback' : null;
  },
  // On the live data's pool (or when either pool is not known): it dies with the data.
  isRollbackPoint: (_layer, point, w) => {
    const pool = poolOfRef(point.ref);
    return w.pool === undefined || pool === undefined || pool === w.pool;
  },
  configuredAssets: (layer) => layer.datasets.map((d) => datasetAsset(d, layer.host)),
  copiesKeepWorkloads: false,
  carriesByDefault: never,
};
