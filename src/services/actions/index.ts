/**
 * Actions: plan (read-only probes, the exact commands shown to the operator)
 * and execute (journaled, streamed, cancellable). See types.ts for the data.
 */
export * from '../../kinds/action-types.js';
export { DEFAULT_PROBE_TIMEOUT_MS, type PlanContext } from '../../kinds/planner-context.js';
export { actionChangesHost, actionsFor, describeAction, planAction, type AvailableAction } from './plan.js';
export { CLEANUP_TIMEOUT_MS, executePlan, type ExecuteDeps } from './execute.js';
