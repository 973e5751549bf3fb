/**
 * `executePlan`: runs a confirmed plan's steps in order on their hosts,
 * through the journaling runner (every command is journaled, nothing can
 * bypass it), streaming output to the caller. A failed step stops the plan
 * and runs its cleanup; a cancel (the AbortSignal) ends the remote process
 * through the runner, stops a PBS task the CLI leaves behind, and runs the
 * cleanup too. The outcome is judged by the tools' own results.
 */
import { parseTaskList } from '../../adapters/pbs/parse.js';
import { runningTasksCommand, taskStopCommand } from '../../adapters/pbs/jobs.js';
import { excerpt } from '../../adapters/shared/json.js';
import { isTransportError } from '../../transport/errors.js';
import type { RunResult, Runner } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import { journalingRunner } from '../journal/journaling-runner.js';
import type { JournalSink } from '../journal/journal-file.js';
import { scrubSecrets, secretValuesOf } from '../journal/redact.js';
import { compareReplication } from './compare.js';
import { readerFor, verifies, type StepVerdict } from './step-readers.js';
import type { ActionOutcome, ActionPlan, ActionState, OutputLine, PlanStep, StepOutput } from './types.js';

export interface ExecuteDeps {
  runnerFor(host: string): Runner;
  readonly journal: JournalSink;
  /** Who confirmed the plan (see operatorName). */
  readonly operator: string;
  readonly signal?: AbortSignal;
  onOutput?(line: OutputLine): void;
  /** Epoch milliseconds (tests pin it). */
  nowMs?(): number;
}

/** How long the clean-up after a cancel or failure may take. */
export const CLEANUP_TIMEOUT_MS = 30_000;

interface StepRun {
  readonly step: PlanStep;
  readonly index: number;
  readonly verdict: StepVerdict;
  readonly exitCode: number | null;
}

export async function executePlan(plan: ActionPlan, deps: ExecuteDeps): Promise<ActionOutcome> {
  const nowMs = deps.nowMs ?? Date.now;
  const started = nowMs();
  const secrets = [...plan.steps, ...(plan.cleanup ?? [])].flatMap((s) => secretValuesOf(s.command));
  const scrub = (text: string) => (secrets.length > 0 ? scrubSecrets(text, secrets) : text);
  const journalProblems: string[] = [];
  const request = plan.request;

  try {
    await deps.journal.append({
      type: 'action-start',
      at: new Date(started).toISOString(),
      operator: deps.operator,
      actionId: plan.id,
      title: plan.title,
      request,
      changesHost: plan.changesHost,
      steps: plan.steps.map((s) => ({ host: s.host, command: describeCommand(s.command), description: s.description })),
    });
  } catch (e) {
    // No evidence, no action: nothing has run yet.
    return { state: 'failed', exitCode: null, summary: `not started: the journal cannot be written: ${message(e)}`, durationMs: nowMs() - started };
  }

  const runners = new Map<string, Runner>();
  const runnerFor = (host: string): Runner => {
    let r = runners.get(host);
    if (!r) {
      r = journalingRunner(deps.runnerFor(host), {
        journal: deps.journal,
        operator: deps.operator,
        actionId: plan.id,
        secrets: () => secrets,
        nowMs,
        onJournalError: (e, entry) => journalProblems.push(`journal entry for "${excerpt(entry.command, 60)}" on ${entry.host} not written: ${message(e)}`),
      });
      runners.set(host, r);
    }
    return r;
  };

  const ran: StepRun[] = [];
  let state: ActionState = 'ok';
  let summary = '';
  let exitCode: number | null = null;
  let needsCleanup = false;

  if (plan.blocked) {
    state = 'failed';
    summary = plan.blocked;
  } else if (plan.steps.length === 0) {
    state = 'failed';
    summary = 'the plan has no steps';
  }

  for (const [index, step] of plan.steps.entries()) {
    if (state === 'failed') break;
    if (deps.signal?.aborted) {
      state = 'cancelled';
      summary = `cancelled before step ${index + 1} of ${plan.steps.length}`;
      needsCleanup = index > 0;
      break;
    }
    if (step.onlyAfterOk && state !== 'ok') continue;
    const reader = readerFor(step.output, step.command, () => nowMs() / 1000);
    const emit = (stream: 'stdout' | 'stderr') => (text: string) => {
      reader.line(stream, text);
      deps.onOutput?.({ step: index, stream, text: scrub(text) });
    };
    const stepStart = nowMs();
    let result: RunResult;
    try {
      const runner = runnerFor(step.host);
      const signal = deps.signal ? { signal: deps.signal } : {};
      if (step.streams) {
        result = await runner.stream(step.command, { ...signal, onStdout: emit('stdout'), onStderr: emit('stderr') });
      } else {
        result = await runner.run(step.command, signal);
        // A machine-readable read-back (a JSON or tab-separated listing) means nothing on screen: its reader's summary says it.
        if (isListing(step.output)) for (const l of lines(result.stdout)) reader.line('stdout', l);
        else for (const l of lines(result.stdout)) emit('stdout')(l);
        for (const l of lines(result.stderr)) emit('stderr')(l);
      }
    } catch (e) {
      exitCode = null;
      needsCleanup = true;
      if ((isTransportError(e) && e.kind === 'cancelled') || deps.signal?.aborted) {
        state = 'cancelled';
        summary = `cancelled during step ${index + 1} of ${plan.steps.length}: ${step.description}`;
        const stopped = await stopLeftovers(step, runnerFor, stepStart);
        if (stopped) summary += `; ${stopped}`;
      } else {
        state = 'failed';
        summary = `step ${index + 1} of ${plan.steps.length} (${step.description}) on ${step.host}: ${scrub(message(e))}`;
      }
      break;
    }
    exitCode = result.exitCode;
    const verdict = reader.finish(result);
    if (!step.streams && isListing(step.output)) deps.onOutput?.({ step: index, stream: 'stdout', text: scrub(`${step.description}: ${verdict.summary}`) });
    ran.push({ step, index, verdict, exitCode: result.exitCode });
    if (verdict.state === 'failed') {
      state = 'failed';
      needsCleanup = true;
    } else if (verdict.state === 'warning') state = 'warning';
  }

  let compared: StepVerdict | undefined;
  if (plan.compare && state !== 'cancelled' && state !== 'failed') {
    const source = ran.find((r) => r.step.output?.kind === 'zfs-snapshots' && r.step.output.side === 'source')?.verdict.snapshots;
    const target = ran.find((r) => r.step.output?.kind === 'zfs-snapshots' && r.step.output.side === 'target')?.verdict.snapshots;
    compared = source && target
      ? compareReplication(plan.compare, source, target, nowMs() / 1000)
      : { state: 'failed', summary: 'could not read both snapshot lists' };
    if (compared.state === 'failed') state = 'failed';
    else if (compared.state === 'warning' && state === 'ok') state = 'warning';
  }

  const details = ran.map((r) => `${r.step.host}: ${scrub(r.verdict.summary)}`);
  if (needsCleanup && plan.cleanup && plan.cleanup.length > 0) {
    details.push(...(await runCleanup(plan.cleanup, runnerFor)));
  }
  if (!summary) summary = summarize(ran, compared);
  summary = scrub(summary);

  let verified: 'ok' | 'failed' | undefined;
  let provenAt: number | undefined;
  const verdicts = [...ran.filter((r) => verifies(r.step.output)).map((r) => r.verdict), ...(compared ? [compared] : [])];
  if (verdicts.some((v) => v.verified === 'failed')) verified = 'failed';
  else if (state !== 'failed' && state !== 'cancelled' && verdicts.length > 0 && verdicts.every((v) => v.verified === 'ok')) {
    verified = 'ok';
    const times = verdicts.map((v) => v.provenAt).filter((t): t is number => t !== undefined);
    if (times.length > 0) provenAt = Math.min(...times);
  }

  if (journalProblems.length > 0) {
    details.push(...journalProblems);
    if (state === 'ok') state = 'warning';
    summary += ` (${journalProblems.length} command${journalProblems.length === 1 ? '' : 's'} missing from the journal)`;
  }

  const ended = nowMs();
  const outcome: ActionOutcome = {
    state,
    exitCode,
    summary,
    ...(verified ? { verified } : {}),
    durationMs: ended - started,
    details,
    ...(provenAt !== undefined ? { provenAt } : {}),
  };
  try {
    await deps.journal.append({
      type: 'action-end',
      at: new Date(ended).toISOString(),
      operator: deps.operator,
      actionId: plan.id,
      title: plan.title,
      request,
      state,
      exitCode,
      summary,
      ...(verified ? { verified } : {}),
      ...(provenAt !== undefined ? { provenAt: new Date(provenAt * 1000).toISOString() } : {}),
      durationMs: outcome.durationMs,
    });
  } catch (e) {
    return {
      ...outcome,
      state: state === 'ok' ? 'warning' : state,
      summary: `${summary} (the journal's end entry could not be written: ${message(e)})`,
    };
  }
  return outcome;
}

function summarize(ran: readonly StepRun[], compared: StepVerdict | undefined): string {
  if (compared) return compared.summary;
  const worst = ran.find((r) => r.verdict.state === 'failed') ?? ran.find((r) => r.verdict.state === 'warning');
  if (ran.length === 1) return ran[0]!.verdict.summary;
  if (worst) return `${worst.verdict.summary} (step ${worst.index + 1} of ${ran.length})`;
  if (ran.length <= 3) return ran.map((r) => r.verdict.summary).join('; ') || 'nothing ran';
  return `${ran.length} steps ok; ${ran.at(-1)!.verdict.summary}`;
}

/**
 * The parts of a PBS worker id (`store1`, `remote:store:local:job`), systemd escapes undone: a
 * task of datastore store10 is not one of store1.
 */
function workerIdSegments(workerId: string | undefined): string[] {
  return (workerId ?? '').split(/:|\\x3a/).filter((s) => s !== '');
}

/** After a cancel: a PBS task keeps running in the server when only its CLI is killed. */
async function stopLeftovers(step: PlanStep, runnerFor: (host: string) => Runner, since: number): Promise<string | undefined> {
  const c = step.onCancel;
  if (!c) return undefined;
  const opts = { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) };
  try {
    const runner = runnerFor(step.host);
    const listed = await runner.run({ ...runningTasksCommand(), timeoutMs: CLEANUP_TIMEOUT_MS }, opts);
    const tasks = parseTaskList(listed.stdout, listed.stderr, listed.exitCode);
    if (!tasks.ok) return `could not list PBS tasks to stop the one left running: ${tasks.error.message}`;
    const left = tasks.value.filter(
      (t) => t.workerType === c.workerType && workerIdSegments(t.workerId).includes(c.workerIdSegment) && t.startTime >= Math.floor(since / 1000) - 120,
    );
    if (left.length === 0) return undefined;
    const stopped: string[] = [];
    for (const t of left) {
      const r = await runner.run({ ...taskStopCommand(t.upid), timeoutMs: CLEANUP_TIMEOUT_MS }, opts);
      stopped.push(r.exitCode === 0 ? `stopped PBS task ${t.upid}` : `PBS task ${t.upid} could not be stopped (exit ${r.exitCode})`);
    }
    return stopped.join('; ');
  } catch (e) {
    return `could not stop the PBS task: ${message(e)}`;
  }
}

async function runCleanup(steps: readonly PlanStep[], runnerFor: (host: string) => Runner): Promise<string[]> {
  const out: string[] = [];
  for (const s of steps) {
    try {
      const r = await runnerFor(s.host).run({ ...s.command, timeoutMs: s.command.timeoutMs ?? CLEANUP_TIMEOUT_MS }, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      out.push(`${s.host}: clean-up (${s.description}) ${r.exitCode === 0 ? 'done' : `exited with ${r.exitCode}`}`);
    } catch (e) {
      out.push(`${s.host}: clean-up (${s.description}) failed: ${message(e)}`);
    }
  }
  return out;
}

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Step outputs that are listings for a reader, not text for an operator. */
function isListing(output: StepOutput | undefined): boolean {
  return output?.kind === 'pbs-verify-states' || output?.kind === 'zfs-snapshots';
}
