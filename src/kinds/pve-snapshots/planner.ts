/** pve-snapshots: run = `qm|pct snapshot VMID strata_...` of one guest; a snapshot has no verify of its own. */
import { guestSnapshotCommand, guestSnapshotName } from '../../adapters/pve/guest-snapshot.js';
import { parseAssetId } from '../../domain/asset-id.js';
import { ok, type Result } from '../../domain/types.js';
import { build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';

export async function planPveSnapshots(layer: LayerOf<'pve-snapshots'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  if (ctx.request.kind === 'verify') {
    return planError('a guest snapshot cannot be checked in place: a restore drill (or a rollback of a clone) proves it');
  }
  const asset = ctx.request.assetId ? parseAssetId(ctx.request.assetId) : null;
  if (!asset || (asset.kind !== 'vm' && asset.kind !== 'ct')) {
    return planError('choose a guest: a snapshot is taken of one guest (vm/N or ct/N)');
  }
  const name = guestSnapshotName(ctx.nowSec());
  const cmd = build(() => guestSnapshotCommand(asset.kind === 'ct' ? 'lxc' : 'qemu', asset.vmid, name));
  if (!cmd.ok) return cmd;
  return ok({
    title: `Snapshot ${ctx.request.assetId} now (${layer.id})`,
    steps: [{ host: layer.host, command: cmd.value, description: `take snapshot ${name} of ${asset.kind === 'ct' ? 'container' : 'VM'} ${asset.vmid}` }],
    changesHost: true,
    affectedLayers: [layer.id],
  });
}
