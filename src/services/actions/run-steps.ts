/**
 * The steps of a plan, in order, each judged by its tool's reader as its
 * output streams. A failed step stops the plan; a cancel ends the remote
 * process (through the runner) and whatever the step left running on the host.
 */
import type { CheckOutcome, PlanCheck, PlanStep, StepProgress } from '../../kinds/action-types.js';
import { guardAllows, judgeCheck, stopLeftovers, type CheckVerdict, type StepsSoFar } from '../../kinds/plan-hooks.js';
import { isListing, readerFor, type StepReader, type StepVerdict } from '../../kinds/step-readers.js';
import { errorText } from '../../domain/error-text.js';
import { isTransportError } from '../../transport/errors.js';
import type { RunResult } from '../../transport/runner.js';
import type { ActionState, OutputLine } from '../../kinds/action-types.js';
import type { Execution } from './execution.js';

/** How long the clean-up after a cancel or failure may take. */
export const CLEANUP_TIMEOUT_MS = 30_000;

export interface StepRun {
  readonly step: PlanStep;
  readonly index: number;
  readonly verdict: StepVerdict;
  readonly exitCode: number | null;
}

export interface StepsResult {
  readonly ran: readonly StepRun[];
  readonly state: ActionState;
  /** Set when the steps did not all run: why (failed, cancelled, blocked). */
  readonly summary: string;
  readonly exitCode: number | null;
  /** Something may be half done: the plan's cleanup should run. */
  readonly needsCleanup: boolean;
  /** Plan steps that started, and those the tool refused before changing anything (for guards). */
  readonly started: ReadonlySet<number>;
  readonly refused: ReadonlySet<number>;
  /** Seconds the step measuring a restore took, when it ended ok. */
  readonly restoreSeconds?: number;
}

export interface StepIo {
  readonly signal?: AbortSignal;
  onOutput?(line: OutputLine): void;
  /** A plan step starts (its index in the plan; steps found at run time share their parent's). */
  onStep?(index: number): void;
  onProgress?(progress: StepProgress): void;
}

export async function runSteps(x: Execution, io: StepIo): Promise<StepsResult> {
  const { plan } = x;
  const started = new Set<number>();
  const refused = new Set<number>();
  const base = { started, refused };
  if (plan.blocked) return { ...base, ran: [], state: 'failed', summary: plan.blocked, exitCode: null, needsCleanup: false };
  if (plan.steps.length === 0) return { ...base, ran: [], state: 'failed', summary: 'the plan has no steps', exitCode: null, needsCleanup: false };
  const ran: StepRun[] = [];
  let state: ActionState = 'ok';
  let exitCode: number | null = null;
  let needsCleanup = false;
  let restoreSeconds: number | undefined;
  // Steps found from a step's output (a NIC per link to cut) run right after it, under its number.
  const queue: { step: PlanStep; index: number }[] = plan.steps.map((step, index) => ({ step, index }));
  while (queue.length > 0) {
    const { step, index } = queue.shift()!;
    if (state === 'failed') break;
    const of = `${index + 1} of ${plan.steps.length}`;
    if (io.signal?.aborted) return { ...base, ran, state: 'cancelled', summary: `cancelled before step ${of}`, exitCode, needsCleanup: ran.length > 0 };
    if (step.onlyAfterOk && state !== 'ok') continue;
    const reader = readerFor(step.output, step.command, () => x.nowMs() / 1000);
    const stepStartMs = x.nowMs();
    started.add(index);
    io.onStep?.(index);
    let result: RunResult;
    try {
      result = await runOne(x, step, index, reader, io);
    } catch (e) {
      if ((isTransportError(e) && e.kind === 'cancelled') || io.signal?.aborted) {
        const stopped = await stopWhatWasLeft(x, step, stepStartMs);
        return { ...base, ran, state: 'cancelled', summary: `cancelled during step ${of}: ${step.description}${stopped ? `; ${stopped}` : ''}`, exitCode: null, needsCleanup: true };
      }
      return { ...base, ran, state: 'failed', summary: `step ${of} (${step.description}) on ${step.host}: ${x.scrub(errorText(e))}`, exitCode: null, needsCleanup: true };
    }
    exitCode = result.exitCode;
    const verdict = reader.finish(result);
    if (!step.streams && isListing(step.output)) io.onOutput?.({ step: index, stream: 'stdout', text: x.scrub(`${step.description}: ${verdict.summary}`) });
    ran.push({ step, index, verdict, exitCode: result.exitCode });
    if (verdict.refused) refused.add(index);
    if (verdict.followUp && verdict.state !== 'failed') queue.unshift(...verdict.followUp.map((f) => ({ step: f, index })));
    if (step.measuresRestore && verdict.state !== 'failed') restoreSeconds = (x.nowMs() - stepStartMs) / 1000;
    if (verdict.state === 'failed') {
      state = 'failed';
      needsCleanup = true;
    } else if (verdict.state === 'warn') state = 'warn';
  }
  return { ...base, ran, state, summary: '', exitCode, needsCleanup, ...(restoreSeconds !== undefined ? { restoreSeconds } : {}) };
}

/** Runs one step, feeding its reader and showing its lines (scrubbed) as they come. */
async function runOne(x: Execution, step: PlanStep, index: number, reader: StepReader, io: StepIo): Promise<RunResult> {
  let progress: ReturnType<NonNullable<StepReader['progress']>>;
  const emit = (stream: 'stdout' | 'stderr') => (text: string) => {
    reader.line(stream, text);
    io.onOutput?.({ step: index, stream, text: x.scrub(text) });
    const p = reader.progress?.();
    if (p !== undefined && p !== progress) {
      progress = p;
      io.onProgress?.({ ...p, step: index });
    }
  };
  const runner = x.runnerFor(step.host);
  const signal = io.signal ? { signal: io.signal } : {};
  if (step.streams) return runner.stream(step.command, { ...signal, onStdout: emit('stdout'), onStderr: emit('stderr') });
  const result = await runner.run(step.command, signal);
  // A machine-readable read-back (a JSON or tab-separated listing) means nothing on screen: its reader's summary says it.
  if (isListing(step.output)) for (const l of lines(result.stdout)) reader.line('stdout', l);
  else for (const l of lines(result.stdout)) emit('stdout')(l);
  for (const l of lines(result.stderr)) emit('stderr')(l);
  return result;
}

async function stopWhatWasLeft(x: Execution, step: PlanStep, sinceMs: number): Promise<string | undefined> {
  if (!step.onCancel) return undefined;
  try {
    return await stopLeftovers(step.onCancel, x.runnerFor(step.host), sinceMs, CLEANUP_TIMEOUT_MS);
  } catch (e) {
    return `could not stop what the step left running: ${errorText(e)}`;
  }
}

/**
 * Clean-up (after a failure or cancel) or tear-down steps, each bounded in
 * time and run only when its guard allows; says what each did.
 */
export async function runCleanup(x: Execution, steps: readonly PlanStep[], so: StepsSoFar = { started: new Set(), refused: new Set() }): Promise<string[]> {
  const out: string[] = [];
  for (const s of steps) {
    try {
      if (s.guard) {
        const allowed = await guardAllows(s.guard, x.runnerFor(s.host), so, CLEANUP_TIMEOUT_MS);
        if (!allowed.run) {
          out.push(`${s.host}: clean-up (${s.description}) not run: ${allowed.why}`);
          continue;
        }
      }
      const r = await x.runnerFor(s.host).run({ ...s.command, timeoutMs: s.command.timeoutMs ?? CLEANUP_TIMEOUT_MS }, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      out.push(`${s.host}: clean-up (${s.description}) ${r.exitCode === 0 ? 'done' : `exited with ${r.exitCode}${r.stderr.trim() ? `: ${x.scrub(r.stderr.trim().split('\n')[0]!)}` : ''}`}`);
    } catch (e) {
      out.push(`${s.host}: clean-up (${s.description}) failed: ${errorText(e)}`);
    }
  }
  return out;
}

/** How long one check's command may take (each try). */
export const CHECK_TIMEOUT_MS = 30_000;

/**
 * The plan's checks after its steps: each passed, failed or not run. When
 * the steps did not end well, or a cancel came, the rest are not run.
 */
export async function runChecks(x: Execution, steps: StepsResult, io: StepIo & { onCheck?(c: CheckOutcome): void }): Promise<CheckOutcome[]> {
  const out: CheckOutcome[] = [];
  const report = (c: CheckOutcome) => {
    out.push(c);
    io.onCheck?.(c);
  };
  for (const c of x.plan.checks ?? []) {
    if (steps.state !== 'ok' && steps.state !== 'warn') {
      report({ id: c.id, label: c.label, state: 'not-run', detail: steps.state === 'cancelled' ? 'cancelled before the checks' : 'the steps did not complete' });
      continue;
    }
    report(await runCheck(x, c, io.signal));
  }
  return out;
}

async function runCheck(x: Execution, c: PlanCheck, signal: AbortSignal | undefined): Promise<CheckOutcome> {
  const end = x.nowMs() + (c.retryForMs ?? 0);
  for (;;) {
    if (signal?.aborted) return { id: c.id, label: c.label, state: 'not-run', detail: 'cancelled' };
    let verdict: CheckVerdict;
    try {
      const r = await x.runnerFor(c.host).run({ ...c.command, timeoutMs: c.command.timeoutMs ?? CHECK_TIMEOUT_MS }, signal ? { signal } : {});
      verdict = judgeCheck(c.output, r.stdout, r.stderr, r.exitCode);
    } catch (e) {
      if (signal?.aborted) return { id: c.id, label: c.label, state: 'not-run', detail: 'cancelled' };
      return { id: c.id, label: c.label, state: 'not-run', detail: `could not be run: ${x.scrub(errorText(e))}` };
    }
    if (!verdict.again || x.nowMs() + (c.retryEveryMs ?? 2000) > end) return { id: c.id, label: c.label, state: verdict.state, detail: x.scrub(verdict.detail) };
    await new Promise((r) => setTimeout(r, c.retryEveryMs ?? 2000));
  }
}

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}
