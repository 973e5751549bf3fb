/** zfs-snapshots: run = `zfs snapshot DATASET@strata_...` per dataset; verify = each pool's last scrub. */
import { strataSnapshotName, zfsSnapshotCommand, zpoolStatusPoolCommand } from '../../adapters/zfs/actions.js';
import { ok, type Result } from '../../domain/types.js';
import { build, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';
import type { PlanStep } from '../action-types.js';

export async function planZfsSnapshots(layer: LayerOf<'zfs-snapshots'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const steps: PlanStep[] = [];
  if (ctx.request.kind === 'run') {
    const name = strataSnapshotName(ctx.nowSec());
    for (const dataset of layer.datasets) {
      const cmd = build(() => zfsSnapshotCommand(dataset, name));
      if (!cmd.ok) return cmd;
      steps.push({ host: layer.host, command: cmd.value, description: `snapshot ${dataset} as @${name}` });
    }
    return ok({ title: `Snapshot ${layer.datasets.join(', ')} (${layer.id})`, steps, changesHost: true, affectedLayers: [layer.id] });
  }
  const pools = [...new Set(layer.datasets.map((d) => d.split('/')[0]!))];
  for (const pool of pools) {
    const cmd = build(() => zpoolStatusPoolCommand(pool));
    if (!cmd.ok) return cmd;
    steps.push({
      host: layer.host,
      command: cmd.value,
      description: `read the last scrub of pool ${pool}`,
      output: { kind: 'zpool-scrub', pool, maxAgeSeconds: layer.verifyMaxAgeSeconds },
    });
  }
  return ok({
    title: `Check the last scrub of pool${pools.length > 1 ? 's' : ''} ${pools.join(', ')} (${layer.id})`,
    steps,
    changesHost: false,
    affectedLayers: [],
    notes: ['This reads the result of the last scrub; it does not start one (`zpool scrub POOL` does, and reads every block).'],
  });
}
