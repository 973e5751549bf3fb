/** A PBS datastore: copies of guests and hosts, each snapshot with its own verify state. */
import { isGuest, never, none, ownHost, type LayerKindInfo } from './types.js';

export const pbs: LayerKindInfo<'pbs'> = {
  label: 'Proxmox Backup Server',
  column: 'pbs',
  store: 'datastore',
  order: 3,
  onPveNode: false,
  snapshotsOfLiveData: false,
  pointsAreAdHoc: false,
  listsGuests: false,
  verifiesPoints: true,
  readerAttributesWorkloads: false,
  hostsOf: ownHost,
  holds: (_layer, w) => (isGuest(w) || w.parsed.kind === 'host' ? 'copy' : null),
  isRollbackPoint: never,
  configuredAssets: none,
  copiesKeepWorkloads: true,
  carriesByDefault: never,
};
