/**
 * A restic repository: copies of paths. Its reader attributes each snapshot
 * to a host; the configured paths stand in only while it cannot be read.
 */
import { filesAssetId, normaliseFilesPath } from '../asset-id.js';
import { never, ownHost, type LayerKindInfo } from './types.js';

export const restic: LayerKindInfo<'restic'> = {
  label: 'restic repository',
  column: 'restic',
  store: 'repository',
  order: 5,
  onPveNode: false,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: false,
  readerAttributesWorkloads: true,
  hostsOf: ownHost,
  // Its own host's paths, and a configured path backed up by another client of a shared repository.
  holds: (layer, w) => {
    const p = w.parsed;
    return p.kind === 'files' && (p.host === layer.host || (layer.paths ?? []).some((x) => normaliseFilesPath(x) === p.path)) ? 'copy' : null;
  },
  isRollbackPoint: never,
  configuredAssets: (layer) =>
    (layer.paths ?? []).map((raw) => {
      const path = normaliseFilesPath(raw);
      return { id: filesAssetId(layer.host, path), kind: 'files' as const, name: path, host: layer.host };
    }),
  // With several paths, a fresh snapshot of /srv/app would vouch for a datastore only an old snapshot of /mnt/pbs holds.
  copiesKeepWorkloads: false,
  carriesByDefault: (layer) => layer.paths !== undefined && layer.paths.length === 1,
};
