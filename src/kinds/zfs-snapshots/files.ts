/**
 * Files and datasets from a dataset's own snapshots: a path on the dataset
 * (by its mountpoint) or the dataset itself, which can also be cloned or
 * rolled back.
 */
import { pointFor } from '../../domain/restore/rank.js';
import type { FileDraft, FileRule } from '../files-rule.js';
import { mountKey } from '../files-rule.js';
import { rebase, under } from '../shared/files/paths.js';
import { ownPoints, snapshotName } from '../shared/files/points.js';
import { browseZfs, planZfsRestore } from '../shared/files/zfs.js';

export const zfsSnapshotFiles: FileRule<'zfs-snapshots'> = {
  datasets: (layer) => layer.datasets.map((d) => [layer.host, d] as const),

  async sources(layer, { target: t, wanted, observation, mountpoints }) {
    const out: FileDraft[] = [];
    for (const dataset of layer.datasets) {
      const mount = mountpoints.get(mountKey(layer.host, dataset));
      const asked = t.kind === 'dataset' ? t.dataset === dataset : t.kind === 'path' && mount !== undefined && t.host === layer.host && (under(t.path, mount) || under(mount, t.path));
      if (!asked || !mount) continue;
      const point = pointFor(ownPoints(observation, (id) => id === `dataset/${dataset}`), wanted);
      if (!point) continue;
      out.push({
        kind: 'zfs-snapshot',
        assetId: `dataset/${dataset}`,
        point,
        covers: mount,
        start: t.kind === 'path' && under(t.path, mount) ? t.path : mount,
        methods: t.kind === 'dataset' ? ['clone', 'rollback', 'files'] : ['files'],
        filesLabel: 'copy of the chosen paths out of the snapshot directory',
        origin: { kind: 'zfs-snapshot', dataset, snapshot: snapshotName(point.ref), mountpoint: mount },
        sourcePath: (p) => rebase(p, mount, '/'),
      });
    }
    return out;
  },

  browse: browseZfs,
  plan: planZfsRestore,
};
