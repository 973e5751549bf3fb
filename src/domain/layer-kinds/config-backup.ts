/** Archives of a host's configuration, written by Strata: copies of `host/<name>`. */
import { never, ownHost, type LayerKindInfo } from './types.js';

export const configBackup: LayerKindInfo<'config-backup'> = {
  label: 'host configuration archives',
  column: 'config',
  store: 'archive directory',
  order: 7,
  onPveNode: false,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (layer, w) => (w.parsed.kind === 'host' && w.parsed.host === layer.host ? 'copy' : null),
  isRollbackPoint: never,
  configuredAssets: (layer) => [{ id: `host/${layer.host}`, kind: 'host', name: layer.host, host: layer.host }],
  copiesKeepWorkloads: false,
  carriesByDefault: never,
};
