/**
 * The one answer to "may this action run on this layer, and why not": the
 * key bindings, the help, the palette, the planner and the store all ask
 * here. Read-only mode removes exactly the actions that change a host; a
 * kind's own rule (a snapshot has no verify, an rclone copy without a source
 * has nothing to sync) comes from its spec.
 */
import { LAYER_KINDS, type LayerFile } from '../../domain/inventory-file.js';
import type { ActionKind } from '../../kinds/action-types.js';
import { specOf } from '../../kinds/registry.js';

export interface ActionOffer {
  readonly kind: ActionKind;
  /** "run restic check". */
  readonly label: string;
  readonly changesHost: boolean;
  /** Needs a workload (a guest) to be chosen first. */
  readonly needsAsset: boolean;
  /** Why it is not offered, when it is not. */
  readonly disabledReason?: string;
}

export interface OfferMode {
  readonly readOnly?: boolean;
}

export const ACTION_KINDS: readonly ActionKind[] = ['run', 'verify'];

export function actionOffer(layer: LayerFile, kind: ActionKind, mode: OfferMode = {}): ActionOffer {
  const rule = specOf(layer.kind)?.actions[kind];
  if (!rule) return { kind, label: kind, changesHost: true, needsAsset: false, disabledReason: `no actions for layer kind ${JSON.stringify(layer.kind)}` };
  const base = { kind, label: rule.label, changesHost: rule.changesHost, needsAsset: rule.needsAsset ?? false };
  if (mode.readOnly && rule.changesHost) return { ...base, disabledReason: 'read-only mode' };
  const reason = rule.notOffered?.(layer) ?? null;
  return reason ? { ...base, disabledReason: reason } : base;
}

/** Both actions of a layer, for keys and menus (no probes). */
export function actionsFor(layer: LayerFile, mode: OfferMode = {}): ActionOffer[] {
  return ACTION_KINDS.map((kind) => actionOffer(layer, kind, mode));
}

/** Whether this action changes a host on every kind (then --read-only removes its key outright). */
export function changesHostOnEveryKind(kind: ActionKind): boolean {
  return LAYER_KINDS.every((k) => specOf(k)?.actions[kind].changesHost ?? true);
}
