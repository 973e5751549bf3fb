/**
 * What one execution of a plan carries from step to step: its clock, the
 * secret values to scrub from everything shown or kept, and a journaling
 * runner per host (no command of an action reaches a host unjournaled).
 */
import { excerpt } from '../../adapters/shared/json.js';
import type { ActionPlan } from '../../kinds/action-types.js';
import type { Runner } from '../../transport/runner.js';
import { journalingRunner } from '../journal/journaling-runner.js';
import type { JournalSink } from '../journal/journal-file.js';
import { scrubSecrets, secretValuesOf } from '../journal/redact.js';
import { errorText } from '../../domain/error-text.js';

export interface ExecutionDeps {
  runnerFor(host: string): Runner;
  readonly journal: JournalSink;
  /** Who confirmed the plan (see operatorName). */
  readonly operator: string;
  /** Epoch milliseconds (tests pin it). */
  nowMs?(): number;
}

export interface Execution {
  readonly plan: ActionPlan;
  readonly nowMs: () => number;
  readonly startedMs: number;
  /** Replaces every secret value of the plan's commands with a marker. */
  scrub(text: string): string;
  runnerFor(host: string): Runner;
  /** Commands that ran but whose journal entry could not be written: the outcome must say so. */
  readonly journalProblems: string[];
}

export function startExecution(plan: ActionPlan, deps: ExecutionDeps): Execution {
  const nowMs = deps.nowMs ?? Date.now;
  const secrets = [...plan.steps, ...(plan.cleanup ?? [])].flatMap((s) => secretValuesOf(s.command));
  const journalProblems: string[] = [];
  const runners = new Map<string, Runner>();
  return {
    plan,
    nowMs,
    startedMs: nowMs(),
    scrub: (text) => (secrets.length > 0 ? scrubSecrets(text, secrets) : text),
    journalProblems,
    runnerFor(host) {
      let r = runners.get(host);
      if (!r) {
        r = journalingRunner(deps.runnerFor(host), {
          journal: deps.journal,
          operator: deps.operator,
          actionId: plan.id,
          secrets: () => secrets,
          nowMs,
          onJournalError: (e, entry) => journalProblems.push(`journal entry for "${excerpt(entry.command, 60)}" on ${entry.host} not written: ${errorText(e)}`),
        });
        runners.set(host, r);
      }
      return r;
    },
  };
}
