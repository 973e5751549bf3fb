/**
 * An rclone copy: the time of the copy is when its last whole sync began (the
 * sync marker Strata's sync leaves), else the newest object's time, for the
 * asset it copies (`files/<host>:<source ?? remote>`), with the storage tier
 * (an archive tier anywhere in the copy needs a thaw before a restore).
 * Capacity comes from `rclone about` where the backend supports it.
 */
import { about, listRemote, type RcloneAccess } from '../../adapters/rclone/index.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import type { RcloneLayerFile } from '../../domain/inventory-file.js';
import type { Capacity, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import type { ReaderContext } from '../reader-context.js';

function joinRemote(remote: string, path: string): string {
  return remote.endsWith(':') || remote.endsWith('/') ? `${remote}${path}` : `${remote}/${path}`;
}

export async function readRclone(ctx: ReaderContext, layer: RcloneLayerFile): Promise<LayerObservation> {
  const secrets = resolveSecretMap(layer.secretEnv, (n) => ctx.lookupEnv(n));
  if (!secrets.ok) return observation(ctx, layer, { errors: [probeError('rclone secret environment', secrets.error)] });
  const access: RcloneAccess = {
    remote: layer.remote,
    ...(layer.configFile ? { configFile: layer.configFile } : {}),
    ...(Object.keys(secrets.value).length > 0 ? { secretEnv: secrets.value } : {}),
  };
  const opts = probeOptions(ctx);
  const [listing, size] = await Promise.all([listRemote(ctx.runner, access, opts), about(ctx.runner, access, opts)]);

  const path = layer.source ?? layer.remote;
  const assetId = `files/${layer.host}:${path}`;
  const errors: ProbeError[] = [];
  const points: RecoveryPoint[] = [];
  if (listing.ok) {
    const { newest, syncedAtSec: syncedAt } = listing.value;
    const tier = listing.value.archiveTier ?? newest?.tier;
    if (newest) {
      points.push({
        layerId: layer.id,
        assetId,
        // A sync marker says when the last whole sync began; without one, the newest object is all there is.
        timeSec: syncedAt ?? newest.timeSec,
        ref: joinRemote(layer.remote, newest.path),
        sizeBytes: listing.value.totalBytes,
        ...(tier ? { storageTier: tier } : {}),
      });
    }
  } else errors.push(probeError(`listing of ${layer.remote}`, listing.error));

  let capacity: Capacity | undefined;
  if (size.ok && size.value && size.value.totalBytes !== undefined) {
    const { totalBytes, usedBytes, freeBytes } = size.value;
    const used = usedBytes ?? (freeBytes !== undefined ? totalBytes - freeBytes : undefined);
    if (used !== undefined) {
      capacity = { totalBytes, usedBytes: used, availBytes: freeBytes ?? Math.max(0, totalBytes - used), name: layer.remote };
    }
  } else if (!size.ok) errors.push(probeError(`size of ${layer.remote}`, size.error));

  return observation(ctx, layer, {
    points,
    assets: [{ id: assetId, kind: 'files', name: path, host: layer.host }],
    errors,
    ...(capacity ? { capacity } : {}),
  });
}
