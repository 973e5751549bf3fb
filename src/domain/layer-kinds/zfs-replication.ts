/**
 * ZFS send/receive of a source dataset into a target: a copy, unless the
 * target is on the same pool of the same host as the live data (it dies with
 * that pool: a rollback point).
 */
import { datasetAsset, never, poolOf, poolOfRef, under, type LayerKindInfo, type LayerOfKind } from './types.js';

const sameHost = (layer: LayerOfKind<'zfs-replication'>) => (layer.source.host ?? layer.host) === layer.host;

export const zfsReplication: LayerKindInfo<'zfs-replication'> = {
  label: 'ZFS replication',
  column: 'zfs-repl',
  store: 'replica',
  order: 4,
  onPveNode: false,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  // The source's snapshots are read on the source host.
  hostsOf: (layer) => (layer.source.host && layer.source.host !== layer.host ? [layer.host, layer.source.host] : [layer.host]),
  holds: (layer, w) => {
    if (w.parsed.kind !== 'dataset' || !under(w.parsed.dataset, layer.source.dataset)) return null;
    return sameHost(layer) && poolOf(layer.target.dataset) === (w.pool ?? w.parsed.pool) ? 'rollback' : 'copy';
  },
  isRollbackPoint: (layer, point, w) => {
    const pool = poolOfRef(point.ref);
    return sameHost(layer) && pool !== undefined && pool === w.pool;
  },
  configuredAssets: (layer) => [datasetAsset(layer.source.dataset, layer.source.host ?? layer.host)],
  copiesKeepWorkloads: true,
  carriesByDefault: never,
};
