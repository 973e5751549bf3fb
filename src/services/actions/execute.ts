/**
 * `executePlan`: runs a confirmed plan, reading top to bottom: journal the
 * start (no evidence, no action), run the steps, judge them together where
 * the plan asks, clean up after a failure or cancel, conclude, journal the
 * end. Every command goes through the journaling runner; the outcome is
 * judged by the tools' own results.
 */
import { errorText } from '../../domain/error-text.js';
import type { ActionOutcome, ActionPlan, CheckOutcome, OutputLine, StepProgress } from '../../kinds/action-types.js';
import { judgeTogether } from '../../kinds/plan-hooks.js';
import type { StepVerdict } from '../../kinds/step-readers.js';
import { describeCommand } from '../../transport/shell-script.js';
import { startExecution, type Execution, type ExecutionDeps } from './execution.js';
import { checkedProof, proof, summarize, withTogether } from './outcome.js';
import { runChecks, runCleanup, runSteps, type StepsResult } from './run-steps.js';

export { CLEANUP_TIMEOUT_MS } from './run-steps.js';

export interface ExecuteDeps extends ExecutionDeps {
  readonly signal?: AbortSignal;
  onOutput?(line: OutputLine): void;
  /** A plan step starts. */
  onStep?(index: number): void;
  /** A step's tool said how far it is (a restore's percent, or its bytes). */
  onProgress?(progress: StepProgress): void;
  /** A check after the steps ended. */
  onCheck?(check: CheckOutcome): void;
  /** A clean-up or tear-down step ran, or its guard kept it from running. */
  onCleanup?(text: string): void;
}

export async function executePlan(plan: ActionPlan, deps: ExecuteDeps): Promise<ActionOutcome> {
  const x = startExecution(plan, deps);
  const refused = await journalStart(x, deps);
  if (refused) return refused;
  const io = {
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onOutput ? { onOutput: deps.onOutput } : {}),
    ...(deps.onStep ? { onStep: deps.onStep } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.onCheck ? { onCheck: deps.onCheck } : {}),
  };
  const steps = await runSteps(x, io);
  const together = judgedTogether(x, steps);
  const details = steps.ran.map((r) => `${r.step.host}: ${x.scrub(r.verdict.summary)}`);
  const checks = plan.checks && plan.checks.length > 0 ? await runChecks(x, steps, io) : undefined;
  const cleanups: string[] = [];
  if (steps.needsCleanup && plan.cleanup && plan.cleanup.length > 0) cleanups.push(...(await runCleanup(x, plan.cleanup, steps)));
  if (plan.teardown && plan.teardown.length > 0) cleanups.push(...(await runCleanup(x, plan.teardown, steps)));
  for (const c of cleanups) deps.onCleanup?.(c);
  details.push(...cleanups);
  return journalEnd(x, deps, conclude(x, steps, together, details, checks));
}

async function journalStart(x: Execution, deps: ExecuteDeps): Promise<ActionOutcome | null> {
  const { plan } = x;
  try {
    await deps.journal.append({
      type: 'action-start',
      at: new Date(x.startedMs).toISOString(),
      operator: deps.operator,
      actionId: plan.id,
      title: plan.title,
      request: plan.request,
      changesHost: plan.changesHost,
      steps: plan.steps.map((s) => ({ host: s.host, command: describeCommand(s.command), description: s.description })),
    });
    return null;
  } catch (e) {
    // No evidence, no action: nothing has run yet.
    return { state: 'failed', exitCode: null, summary: `not started: the journal cannot be written: ${errorText(e)}`, durationMs: x.nowMs() - x.startedMs };
  }
}

/** Steps that must be judged together (a replication verify compares both sides) once each ran ok. */
function judgedTogether(x: Execution, steps: StepsResult): StepVerdict | undefined {
  if (!x.plan.compare || steps.state === 'cancelled' || steps.state === 'failed') return undefined;
  return judgeTogether(x.plan.compare, steps.ran.map((r) => ({ ...(r.step.output ? { output: r.step.output } : {}), verdict: r.verdict })), x.nowMs() / 1000);
}

function conclude(x: Execution, steps: StepsResult, together: StepVerdict | undefined, details: string[], checks: readonly CheckOutcome[] | undefined): ActionOutcome {
  let state = withTogether(steps.state, together);
  let summary = x.scrub(steps.summary || summarize(steps.ran, together));
  const failedChecks = checks?.filter((c) => c.state === 'failed') ?? [];
  if (failedChecks.length > 0 && (state === 'ok' || state === 'warn')) {
    // The steps did their work; what they made does not pass: worth a look, not a failed job.
    state = 'warn';
    summary += `; check failed: ${failedChecks.map((c) => `${c.label} (${c.detail})`).join('; ')}`;
  }
  if (x.journalProblems.length > 0) {
    details.push(...x.journalProblems);
    if (state === 'ok') state = 'warn';
    summary += ` (${x.journalProblems.length} command${x.journalProblems.length === 1 ? '' : 's'} missing from the journal)`;
  }
  return {
    state,
    exitCode: steps.exitCode,
    summary,
    ...(checks ? checkedProof(steps, checks) : proof(steps, state, together)),
    durationMs: x.nowMs() - x.startedMs,
    details,
    ...(checks ? { checks } : {}),
    ...(steps.restoreSeconds !== undefined ? { restoreSeconds: steps.restoreSeconds } : {}),
    ...leftoverOf(steps),
  };
}

function leftoverOf(steps: StepsResult): Pick<ActionOutcome, 'leftover'> {
  const left = steps.ran.find((r) => r.verdict.leftover !== undefined)?.verdict.leftover;
  return left !== undefined ? { leftover: left } : {};
}

async function journalEnd(x: Execution, deps: ExecuteDeps, outcome: ActionOutcome): Promise<ActionOutcome> {
  const { plan } = x;
  try {
    await deps.journal.append({
      type: 'action-end',
      at: new Date(x.startedMs + outcome.durationMs).toISOString(),
      operator: deps.operator,
      actionId: plan.id,
      title: plan.title,
      request: plan.request,
      state: outcome.state,
      exitCode: outcome.exitCode,
      summary: outcome.summary,
      ...(outcome.verified ? { verified: outcome.verified } : {}),
      ...(outcome.provenAtSec !== undefined ? { provenAt: new Date(outcome.provenAtSec * 1000).toISOString() } : {}),
      durationMs: outcome.durationMs,
      ...(outcome.checks ? { checks: outcome.checks } : {}),
      ...(outcome.restoreSeconds !== undefined ? { restoreSeconds: outcome.restoreSeconds } : {}),
    });
    return outcome;
  } catch (e) {
    return { ...outcome, state: outcome.state === 'ok' ? 'warn' : outcome.state, summary: `${outcome.summary} (the journal's end entry could not be written: ${errorText(e)})` };
  }
}
