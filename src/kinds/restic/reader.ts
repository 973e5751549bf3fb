/**
 * A restic repository: one point per path of each snapshot, attributed to the
 * host that made it (`files/<host>:<path>`), optionally limited to the layer's
 * paths. A configured path with no snapshot at all is still an asset.
 *
 * restic records the client's own hostname, which need not be its inventory
 * name: snapshots by the layer's own host (its inventory name, or what
 * `hostname` prints there) are that host's, under its inventory name, so one
 * directory is one workload whatever the machine calls itself. Other clients
 * keep the name restic recorded (the health rules match it to another host).
 */
import { runCommand } from '../../adapters/shared/run.js';
import { listSnapshots, normalisePath, type ResticAccess } from '../../adapters/restic/index.js';
import { resolveSecret, resolveSecretMap } from '../../adapters/secrets.js';
import { filesAssetId } from '../../domain/asset-id.js';
import { sameHostName } from '../../domain/host-names.js';
import type { ResticLayerFile } from '../../domain/inventory-file.js';
import type { Asset, LayerObservation, RecoveryPoint } from '../../domain/types.js';
import { HOSTNAME_COMMAND } from '../../adapters/host/commands.js';
import { observation, probeError, probeOptions } from '../shared/observation.js';
import type { ReaderContext } from '../reader-context.js';

export async function readRestic(ctx: ReaderContext, layer: ResticLayerFile): Promise<LayerObservation> {
  const lookup = (n: string) => ctx.lookupEnv(n);
  const password = resolveSecret(layer.secret, lookup);
  if (!password.ok) return observation(ctx, layer, { errors: [probeError('restic password', password.error)] });
  const more = resolveSecretMap(layer.secretEnv, lookup);
  if (!more.ok) return observation(ctx, layer, { errors: [probeError('restic secret environment', more.error)] });
  const access: ResticAccess = {
    repository: layer.repository,
    password: password.value,
    ...(layer.env ? { env: layer.env } : {}),
    ...(Object.keys(more.value).length > 0 ? { secretEnv: more.value } : {}),
  };

  const snaps = await listSnapshots(ctx.runner, access, probeOptions(ctx));
  const wanted = layer.paths ? new Set(layer.paths.map(normalisePath)) : null;
  if (!snaps.ok) return observation(ctx, layer, { errors: [probeError('restic snapshots', snaps.error)] });

  const clientOf = await ownClientName(ctx, layer, snaps.value.map((s) => s.hostname));
  const points: RecoveryPoint[] = [];
  const assets = new Map<string, Asset>();
  for (const s of snaps.value) {
    const client = clientOf(s.hostname);
    for (const path of new Set(s.paths.map(normalisePath))) {
      if (wanted && !wanted.has(path)) continue;
      const assetId = filesAssetId(client, path);
      if (!assets.has(assetId)) assets.set(assetId, { id: assetId, kind: 'files', name: path, host: client });
      const size = s.paths.length === 1 ? s.summary?.totalBytesProcessed : undefined;
      points.push({ layerId: layer.id, assetId, timeSec: s.timeSec, ref: s.id, ...(size !== undefined ? { sizeBytes: size } : {}) });
    }
  }
  // A configured path without any snapshot is a workload with no backup. When this host itself
  // backs up into the repository, the path is its own: another client's snapshots of the same path
  // in a shared repository do not cover it. (A host that only reads a repository others write is
  // covered by their snapshots.)
  const clients = new Set(snaps.value.map((s) => clientOf(s.hostname)));
  for (const path of wanted ?? []) {
    const id = filesAssetId(layer.host, path);
    const covered = [...assets.values()].some((a) => a.name === path);
    if (!assets.has(id) && (clients.has(layer.host) || !covered)) assets.set(id, { id, kind: 'files', name: path, host: layer.host });
  }
  return observation(ctx, layer, { points, assets: [...assets.values()] });
}

/**
 * Maps a recorded client name to the layer's host when it is that host. What
 * `hostname` prints is asked only when some client name is not the inventory
 * name already; if it cannot be read, names are compared with the inventory's alone.
 */
async function ownClientName(ctx: ReaderContext, layer: ResticLayerFile, recorded: readonly string[]): Promise<(name: string) => string> {
  const own = [layer.host];
  if (recorded.some((n) => !sameHostName(n, layer.host))) {
    let hostname = ctx.hostname;
    if (hostname === undefined) {
      const r = await runCommand(ctx.runner, () => HOSTNAME_COMMAND, probeOptions(ctx));
      hostname = r.ok && r.value.exitCode === 0 ? r.value.stdout.trim() || undefined : undefined;
    }
    if (hostname) own.push(hostname);
  }
  return (name) => (own.some((o) => sameHostName(o, name)) ? layer.host : name);
}
