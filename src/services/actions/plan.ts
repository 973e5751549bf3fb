/**
 * `planAction`: the exact commands and hosts of an action, found with
 * read-only probes and shown to the operator before anything runs. Nothing
 * here writes to a host; `executePlan` runs a plan only when called.
 */
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../domain/types.js';
import type { ActionPlan, ActionRequest } from '../../kinds/action-types.js';
import { plannerContext, type PlanContext, type PlanDraft } from '../../kinds/planner-context.js';
import { specOf } from '../../kinds/registry.js';
import { actionOffer } from './availability.js';
import { errorText } from '../../domain/error-text.js';

export async function planAction(req: ActionRequest, ctx: PlanContext): Promise<Result<ActionPlan>> {
  if (req.kind !== 'run' && req.kind !== 'verify') return err('command-failed', `unknown action ${JSON.stringify(req.kind)}`);
  const layer = ctx.inventory.layers.find((l) => l.id === req.layerId);
  if (!layer) return err('not-found', `no layer ${req.layerId} in the inventory`);
  const spec = specOf(layer.kind);
  if (!spec) return err('command-failed', `no actions for layer kind ${JSON.stringify(layer.kind)}`);
  const offer = actionOffer(layer, req.kind, { readOnly: ctx.readOnly ?? false });
  if (ctx.readOnly && offer.changesHost) return err('command-failed', `read-only mode: ${offer.label} of ${layer.id} changes ${layer.host}`);
  // A kind's own refusal is left to its planner, which explains it in full (a blocked plan names the command to run instead).
  let draft: Result<PlanDraft>;
  try {
    draft = await spec.plan(layer, plannerContext(ctx, req));
  } catch (e) {
    return err('command-failed', `planning ${req.kind} of ${layer.id} failed: ${errorText(e)}`);
  }
  if (!draft.ok) return draft;
  // The static rule above and the planner must agree; the planner's word is final.
  if (ctx.readOnly && draft.value.changesHost) return err('command-failed', `read-only mode: ${draft.value.title} changes a host`);
  return ok({ id: ctx.newId?.() ?? randomUUID(), request: req, ...draft.value });
}
