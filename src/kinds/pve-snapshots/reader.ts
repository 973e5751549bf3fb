/**
 * PVE guest snapshots of one node: the guests of the node (templates cannot
 * have snapshots and are skipped), then every guest's snapshot list at once.
 * Every guest of the cluster is an asset, with or without snapshots.
 */
import { listGuestSnapshots, listGuests } from '../../adapters/pve/index.js';
import type { PveSnapshotsLayerFile } from '../../domain/inventory-file.js';
import type { Asset, LayerObservation, ProbeError, RecoveryPoint } from '../../domain/types.js';
import { guestAssetId, guestAssetKind, observation, probeError, probeOptions } from '../shared/observation.js';
import type { ReaderContext } from '../reader-context.js';

export async function readPveSnapshots(ctx: ReaderContext, layer: PveSnapshotsLayerFile): Promise<LayerObservation> {
  const opts = probeOptions(ctx);
  const guests = await listGuests(ctx.runner, opts);
  if (!guests.ok) return observation(ctx, layer, { errors: [probeError('guest list', guests.error)] });

  const wanted = layer.guests ? new Set(layer.guests) : null;
  const onNode = guests.value.filter((g) => g.node === ctx.node && !g.template);
  const mine = onNode.filter((g) => !wanted || wanted.has(g.vmid));
  // /cluster/resources lists every guest of the cluster: unfiltered, it is the
  // authoritative answer to "which guests exist" (their old backups elsewhere
  // are history). Guests of other nodes carry no host: their node is not
  // necessarily an inventory name.
  const listed = wanted ? mine : guests.value;
  const errors: ProbeError[] = [];
  for (const vmid of wanted ?? []) {
    if (!onNode.some((g) => g.vmid === vmid)) {
      errors.push({ kind: 'not-found', message: `guest ${vmid} is not a guest of node ${ctx.node}` });
    }
  }

  const assets: Asset[] = listed.map((g) => ({
    id: guestAssetId(g.type, g.vmid),
    kind: guestAssetKind(g.type),
    ...(g.name !== undefined ? { name: g.name } : {}),
    ...(g.node === ctx.node ? { host: layer.host } : {}),
    ...(g.template ? { template: true } : {}),
  }));

  const lists = await Promise.all(
    mine.map((g) => listGuestSnapshots(ctx.runner, { node: ctx.node, type: g.type, vmid: g.vmid }, opts)),
  );
  const points: RecoveryPoint[] = [];
  lists.forEach((r, i) => {
    const g = mine[i]!;
    const assetId = guestAssetId(g.type, g.vmid);
    if (!r.ok) {
      errors.push(probeError(`snapshots of ${assetId}`, r.error));
      return;
    }
    for (const s of r.value) {
      points.push({
        layerId: layer.id,
        assetId,
        timeSec: s.timeSec,
        ref: s.name,
        ...(s.partial ? { partial: true } : {}),
      });
    }
  });
  const listedNodes = [...new Set([ctx.node, ...guests.value.map((g) => g.node)])];
  return observation(ctx, layer, { points, assets, errors, ...(wanted ? {} : { listsAllOf: ['vm', 'ct'], listedNodes }) });
}
