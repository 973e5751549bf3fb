/** Host configuration archives Strata wrote: one point per archive for `host/<host>`. */
import { listArchives } from '../../adapters/config-backup/index.js';
import type { ConfigBackupLayerFile } from '../../domain/inventory-file.js';
import type { LayerObservation, RecoveryPoint } from '../../domain/types.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import type { ReaderContext } from '../reader-context.js';

export async function readConfigBackup(ctx: ReaderContext, layer: ConfigBackupLayerFile): Promise<LayerObservation> {
  const asset = { id: `host/${layer.host}`, kind: 'host' as const, name: layer.host, host: layer.host };
  const archives = await listArchives(ctx.runner, { directory: layer.directory }, probeOptions(ctx));
  if (!archives.ok) {
    return observation(ctx, layer, { assets: [asset], errors: [probeError(`archives in ${layer.directory}`, archives.error)] });
  }
  if (!archives.value.exists) {
    // The layer's first run makes the directory: until then the host is read fine and holds no copy.
    return observation(ctx, layer, { assets: [asset], noPointBecause: `no archive yet; run the layer's job (${layer.directory} does not exist yet)` });
  }
  const points: RecoveryPoint[] = archives.value.archives.map((a) => ({
    layerId: layer.id,
    // The name says whose configuration it is (a shared directory may hold other hosts' archives).
    assetId: `host/${a.host ?? layer.host}`,
    timeSec: a.timeSec,
    ref: a.path,
    sizeBytes: a.sizeBytes,
    ...(a.empty ? { partial: true } : {}),
  }));
  return observation(ctx, layer, { points, assets: [asset] });
}
