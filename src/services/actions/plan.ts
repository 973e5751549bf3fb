/**
 * `planAction`: the exact commands and hosts of an action, found with
 * read-only probes and shown to the operator before anything runs. Nothing
 * here writes to a host; `executePlan` runs a plan only when called.
 */
import { randomUUID } from 'node:crypto';
import type { Layer } from '../../domain/inventory.js';
import type { LayerFile } from '../../domain/inventory-file.js';
import { err, ok, type Result } from '../../domain/types.js';
import { plannerContext, type PlanContext, type PlanDraft, type PlannerContext } from '../../kinds/planner-context.js';
import { planConfigBackup } from '../../kinds/config-backup/planner.js';
import { planPbs } from '../../kinds/pbs/planner.js';
import { planPveSnapshots } from '../../kinds/pve-snapshots/planner.js';
import { planRclone } from '../../kinds/rclone/planner.js';
import { planRestic } from '../../kinds/restic/planner.js';
import { planVzdump } from '../../kinds/vzdump/planner.js';
import { planZfsReplication } from '../../kinds/zfs-replication/planner.js';
import { planZfsSnapshots } from '../../kinds/zfs-snapshots/planner.js';
import type { ActionPlan, ActionRequest } from '../../kinds/action-types.js';

function dispatch(layer: Layer, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  switch (layer.kind) {
    case 'vzdump':
      return planVzdump(layer, ctx);
    case 'pbs':
      return planPbs(layer, ctx);
    case 'restic':
      return planRestic(layer, ctx);
    case 'rclone':
      return planRclone(layer, ctx);
    case 'zfs-snapshots':
      return planZfsSnapshots(layer, ctx);
    case 'zfs-replication':
      return planZfsReplication(layer, ctx);
    case 'config-backup':
      return planConfigBackup(layer, ctx);
    case 'pve-snapshots':
      return planPveSnapshots(layer, ctx);
    default: {
      const unknown: { kind?: unknown } = layer;
      return Promise.resolve(err('command-failed', `no actions for layer kind ${JSON.stringify(unknown.kind)}`));
    }
  }
}

export async function planAction(req: ActionRequest, ctx: PlanContext): Promise<Result<ActionPlan>> {
  if (req.kind !== 'run' && req.kind !== 'verify') return err('command-failed', `unknown action ${JSON.stringify(req.kind)}`);
  const layer = ctx.inventory.layers.find((l) => l.id === req.layerId);
  if (!layer) return err('not-found', `no layer ${req.layerId} in the inventory`);
  if (ctx.readOnly && actionChangesHost(req.kind, layer.kind)) {
    return err('command-failed', `read-only mode: ${describeAction(req.kind, layer.kind)} of ${layer.id} changes ${layer.host}`);
  }
  let draft: Result<PlanDraft>;
  try {
    draft = await dispatch(layer, plannerContext(ctx, req));
  } catch (e) {
    return err('command-failed', `planning ${req.kind} of ${layer.id} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!draft.ok) return draft;
  // The static rule above and the planner must agree; the planner's word is final.
  if (ctx.readOnly && draft.value.changesHost) return err('command-failed', `read-only mode: ${draft.value.title} changes a host`);
  return ok({ id: ctx.newId?.() ?? randomUUID(), request: req, ...draft.value });
}

/** Whether an action of this kind on this layer kind writes to a host (see ActionPlan.changesHost). */
export function actionChangesHost(kind: ActionRequest['kind'], layerKind: LayerFile['kind']): boolean {
  if (kind === 'run') return true;
  return layerKind === 'pbs';
}

/** What the operator may do with a layer, for keys and menus (no probes). */
export interface AvailableAction {
  readonly kind: ActionRequest['kind'];
  readonly label: string;
  readonly changesHost: boolean;
  /** Needs an asset (a guest) to be chosen first. */
  readonly needsAsset: boolean;
  /** Why it is not offered, when it is not. */
  readonly disabledReason?: string;
}

export function describeAction(kind: ActionRequest['kind'], layerKind: LayerFile['kind']): string {
  const labels: Record<LayerFile['kind'], [string, string]> = {
    'pve-snapshots': ['take a guest snapshot', 'check snapshots'],
    vzdump: ['run vzdump', 'test the newest archives'],
    pbs: ['run the sync/verify job', 'verify the datastore'],
    'zfs-snapshots': ['take ZFS snapshots', 'read the last scrub'],
    'zfs-replication': ['replicate now', 'compare both sides'],
    restic: ['run restic backup', 'run restic check'],
    rclone: ['run rclone sync', 'run rclone check'],
    'config-backup': ['archive the configuration', 'check the newest archive'],
  };
  return labels[layerKind][kind === 'run' ? 0 : 1];
}

export function actionsFor(layer: LayerFile, opts: { readOnly?: boolean } = {}): AvailableAction[] {
  return (['run', 'verify'] as const).map((kind) => {
    const changesHost = actionChangesHost(kind, layer.kind);
    const needsAsset = layer.kind === 'pve-snapshots' && kind === 'run';
    let disabledReason: string | undefined;
    if (opts.readOnly && changesHost) disabledReason = 'read-only mode';
    else if (layer.kind === 'pve-snapshots' && kind === 'verify') disabledReason = 'a snapshot is proven by a restore drill';
    else if (layer.kind === 'rclone' && !layer.source) disabledReason = 'the layer has no source';
    else if (layer.kind === 'zfs-replication' && kind === 'run' && layer.source.host && layer.source.host !== layer.host) {
      disabledReason = 'source and target are on different hosts: use syncoid';
    }
    return { kind, label: describeAction(kind, layer.kind), changesHost, needsAsset, ...(disabledReason ? { disabledReason } : {}) };
  });
}
