/**
 * What a plan may ask of the executor beyond running its steps, one handler
 * per kind of request: judging steps together (a replication's two sides)
 * and stopping work a cancelled step leaves on a host (a PBS task).
 */
import type { Runner } from '../transport/runner.js';
import type { ActionPlan, PlanStep, StepOutput } from './action-types.js';
import { stopPbsTask } from './pbs/cancel.js';
import type { StepVerdict } from './shared/step-reading.js';
import { judgeReplication } from './zfs-replication/compare.js';

type Comparison = NonNullable<ActionPlan['compare']>;
type CancelHook = NonNullable<PlanStep['onCancel']>;

export interface RanStep {
  readonly output?: StepOutput;
  readonly verdict: StepVerdict;
}

const COMPARISONS: { readonly [K in Comparison['kind']]: (c: Extract<Comparison, { readonly kind: K }>, ran: readonly RanStep[], now: number) => StepVerdict } = {
  'zfs-replication': judgeReplication,
};

const CANCEL_HOOKS: {
  readonly [K in CancelHook['kind']]: (hook: Extract<CancelHook, { readonly kind: K }>, runner: Runner, sinceMs: number, timeoutMs: number) => Promise<string | undefined>;
} = {
  'pbs-task': stopPbsTask,
};

/** The verdict of a plan's steps taken together. */
export function judgeTogether(compare: Comparison, ran: readonly RanStep[], now: number): StepVerdict {
  return COMPARISONS[compare.kind](compare, ran, now);
}

/** Stops what a cancelled step left running on its host; says what it did, or undefined when nothing was left. */
export function stopLeftovers(hook: CancelHook, runner: Runner, sinceMs: number, timeoutMs: number): Promise<string | undefined> {
  return CANCEL_HOOKS[hook.kind](hook, runner, sinceMs, timeoutMs);
}
