/**
 * `executePlan`: runs a confirmed plan, reading top to bottom: journal the
 * start (no evidence, no action), run the steps, judge them together where
 * the plan asks, clean up after a failure or cancel, conclude, journal the
 * end. Every command goes through the journaling runner; the outcome is
 * judged by the tools' own results.
 */
import { errorText } from '../../domain/error-text.js';
import type { ActionOutcome, ActionPlan, OutputLine } from '../../kinds/action-types.js';
import { judgeTogether } from '../../kinds/plan-hooks.js';
import type { StepVerdict } from '../../kinds/step-readers.js';
import { describeCommand } from '../../transport/shell-script.js';
import { startExecution, type Execution, type ExecutionDeps } from './execution.js';
import { proof, summarize, withTogether } from './outcome.js';
import { runCleanup, runSteps, type StepsResult } from './run-steps.js';

export { CLEANUP_TIMEOUT_MS } from './run-steps.js';

export interface ExecuteDeps extends ExecutionDeps {
  readonly signal?: AbortSignal;
  onOutput?(line: OutputLine): void;
}

export async function executePlan(plan: ActionPlan, deps: ExecuteDeps): Promise<ActionOutcome> {
  const x = startExecution(plan, deps);
  const refused = await journalStart(x, deps);
  if (refused) return refused;
  const steps = await runSteps(x, { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.onOutput ? { onOutput: deps.onOutput } : {}) });
  const together = judgedTogether(x, steps);
  const details = steps.ran.map((r) => `${r.step.host}: ${x.scrub(r.verdict.summary)}`);
  if (steps.needsCleanup && plan.cleanup && plan.cleanup.length > 0) details.push(...(await runCleanup(x, plan.cleanup)));
  return journalEnd(x, deps, conclude(x, steps, together, details));
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

function conclude(x: Execution, steps: StepsResult, together: StepVerdict | undefined, details: string[]): ActionOutcome {
  let state = withTogether(steps.state, together);
  let summary = x.scrub(steps.summary || summarize(steps.ran, together));
  if (x.journalProblems.length > 0) {
    details.push(...x.journalProblems);
    if (state === 'ok') state = 'warn';
    summary += ` (${x.journalProblems.length} command${x.journalProblems.length === 1 ? '' : 's'} missing from the journal)`;
  }
  return { state, exitCode: steps.exitCode, summary, ...proof(steps, state, together), durationMs: x.nowMs() - x.startedMs, details };
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
    });
    return outcome;
  } catch (e) {
    return { ...outcome, state: outcome.state === 'ok' ? 'warn' : outcome.state, summary: `${outcome.summary} (the journal's end entry could not be written: ${errorText(e)})` };
  }
}
