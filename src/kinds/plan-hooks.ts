/**
 * What a plan may ask of the executor beyond running its steps, one handler
 * per kind of request: judging steps together (a replication's two sides)
 * and stopping work a cancelled step leaves on a host (a PBS task).
 */
import type { Runner } from '../transport/runner.js';
import type { ActionPlan, CheckOutput, PlanStep, StepGuard, StepOutput } from './action-types.js';
import { stopPbsTask } from './pbs/cancel.js';
import { awaitRestoreTask } from './shared/guest/cancel.js';
import { judgeCheck as judgeGuestCheck, type CheckVerdict } from './shared/guest/checks.js';
import { guestCreatedGuard, type GuardAnswer, type StepsSoFar } from './shared/guest/guard.js';
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
  'pve-restore': awaitRestoreTask,
};

export type { CheckVerdict } from './shared/guest/checks.js';
export type { GuardAnswer, StepsSoFar } from './shared/guest/guard.js';

const GUARDS: {
  readonly [K in StepGuard['kind']]: (guard: Extract<StepGuard, { readonly kind: K }>, runner: Runner, steps: StepsSoFar, timeoutMs: number) => Promise<GuardAnswer>;
} = {
  'guest-created': guestCreatedGuard,
};

/** Whether a guarded clean-up or tear-down step may run now, and why not. */
export function guardAllows(guard: StepGuard, runner: Runner, steps: StepsSoFar, timeoutMs: number): Promise<GuardAnswer> {
  return GUARDS[guard.kind](guard, runner, steps, timeoutMs);
}

/** A check after the steps, judged from the answer of its command. */
export function judgeCheck(output: CheckOutput, stdout: string, stderr: string, exitCode: number): CheckVerdict {
  return judgeGuestCheck(output, stdout, stderr, exitCode);
}

/** The verdict of a plan's steps taken together. */
export function judgeTogether(compare: Comparison, ran: readonly RanStep[], now: number): StepVerdict {
  return COMPARISONS[compare.kind](compare, ran, now);
}

/** Stops what a cancelled step left running on its host; says what it did, or undefined when nothing was left. */
export function stopLeftovers(hook: CancelHook, runner: Runner, sinceMs: number, timeoutMs: number): Promise<string | undefined> {
  return (CANCEL_HOOKS[hook.kind] as (h: CancelHook, r: Runner, s: number, t: number) => Promise<string | undefined>)(hook, runner, sinceMs, timeoutMs);
}
