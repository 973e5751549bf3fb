/**
 * Actions: plan (read-only probes, the exact commands shown to the operator)
 * and execute (journaled, streamed, cancellable). The data is in
 * src/kinds/action-types.ts; each kind's planner is in its folder.
 */
export * from '../../kinds/action-types.js';
export { DEFAULT_PROBE_TIMEOUT_MS, type PlanContext } from '../../kinds/planner-context.js';
export { actionOffer, actionsFor, changesHostOnEveryKind, type ActionOffer } from './availability.js';
export { planAction } from './plan.js';
export { CLEANUP_TIMEOUT_MS, executePlan, type ExecuteDeps } from './execute.js';
