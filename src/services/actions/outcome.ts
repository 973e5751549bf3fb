/**
 * The outcome of a plan from its steps' verdicts: the state, one summary
 * line for the operator, and, for verifies, whether the copies were proven
 * sound (every verifying step said so) and as of when.
 */
import type { ActionOutcome, ActionState, CheckOutcome } from '../../kinds/action-types.js';
import { verifies, type StepVerdict } from '../../kinds/step-readers.js';
import type { StepRun, StepsResult } from './run-steps.js';

/** Folds the verdict of the steps taken together (a replication's comparison) into the state. */
export function withTogether(state: ActionState, together: StepVerdict | undefined): ActionState {
  if (!together) return state;
  if (together.state === 'failed') return 'failed';
  if (together.state === 'warn' && state === 'ok') return 'warn';
  return state;
}

export function summarize(ran: readonly StepRun[], together: StepVerdict | undefined): string {
  if (together) return together.summary;
  const worst = ran.find((r) => r.verdict.state === 'failed') ?? ran.find((r) => r.verdict.state === 'warn');
  if (ran.length === 1) return ran[0]!.verdict.summary;
  if (worst) return `${worst.verdict.summary} (step ${worst.index + 1} of ${ran.length})`;
  if (ran.length <= 3) return ran.map((r) => r.verdict.summary).join('; ') || 'nothing ran';
  return `${ran.length} steps ok; ${ran.at(-1)!.verdict.summary}`;
}

/** Proven sound only when nothing failed and every verifying verdict says ok; proven as of the oldest proof. */
export function proof(steps: StepsResult, state: ActionState, together: StepVerdict | undefined): Pick<ActionOutcome, 'verified' | 'provenAtSec'> {
  const verdicts = [...steps.ran.filter((r) => verifies(r.step.output)).map((r) => r.verdict), ...(together ? [together] : [])];
  if (verdicts.some((v) => v.verified === 'failed')) return { verified: 'failed' };
  if (state === 'failed' || state === 'cancelled' || verdicts.length === 0 || !verdicts.every((v) => v.verified === 'ok')) return {};
  const times = verdicts.map((v) => v.provenAtSec).filter((t): t is number => t !== undefined);
  return times.length > 0 ? { verified: 'ok', provenAtSec: Math.min(...times) } : { verified: 'ok' };
}

/**
 * A plan with checks after (a restore, a drill) proves the workload
 * restorable when its steps ended well, no check failed and at least one
 * passed; a failed check disproves it. Checks not run prove nothing.
 */
export function checkedProof(steps: StepsResult, checks: readonly CheckOutcome[]): Pick<ActionOutcome, 'verified'> {
  if (steps.state !== 'ok' && steps.state !== 'warn') return {};
  if (checks.some((c) => c.state === 'failed')) return { verified: 'failed' };
  return checks.some((c) => c.state === 'passed') ? { verified: 'ok' } : {};
}
