/**
 * The steps of a plan, in order, each judged by its tool's reader as its
 * output streams. A failed step stops the plan; a cancel ends the remote
 * process (through the runner) and whatever the step left running on the host.
 */
import type { PlanStep } from '../../kinds/action-types.js';
import { stopLeftovers } from '../../kinds/plan-hooks.js';
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
}

export interface StepIo {
  readonly signal?: AbortSignal;
  onOutput?(line: OutputLine): void;
}

export async function runSteps(x: Execution, io: StepIo): Promise<StepsResult> {
  const { plan } = x;
  if (plan.blocked) return { ran: [], state: 'failed', summary: plan.blocked, exitCode: null, needsCleanup: false };
  if (plan.steps.length === 0) return { ran: [], state: 'failed', summary: 'the plan has no steps', exitCode: null, needsCleanup: false };
  const ran: StepRun[] = [];
  let state: ActionState = 'ok';
  let exitCode: number | null = null;
  let needsCleanup = false;
  for (const [index, step] of plan.steps.entries()) {
    if (state === 'failed') break;
    const of = `${index + 1} of ${plan.steps.length}`;
    if (io.signal?.aborted) return { ran, state: 'cancelled', summary: `cancelled before step ${of}`, exitCode, needsCleanup: index > 0 };
    if (step.onlyAfterOk && state !== 'ok') continue;
    const reader = readerFor(step.output, step.command, () => x.nowMs() / 1000);
    const stepStartMs = x.nowMs();
    let result: RunResult;
    try {
      result = await runOne(x, step, index, reader, io);
    } catch (e) {
      if ((isTransportError(e) && e.kind === 'cancelled') || io.signal?.aborted) {
        const stopped = await stopWhatWasLeft(x, step, stepStartMs);
        return { ran, state: 'cancelled', summary: `cancelled during step ${of}: ${step.description}${stopped ? `; ${stopped}` : ''}`, exitCode: null, needsCleanup: true };
      }
      return { ran, state: 'failed', summary: `step ${of} (${step.description}) on ${step.host}: ${x.scrub(errorText(e))}`, exitCode: null, needsCleanup: true };
    }
    exitCode = result.exitCode;
    const verdict = reader.finish(result);
    if (!step.streams && isListing(step.output)) io.onOutput?.({ step: index, stream: 'stdout', text: x.scrub(`${step.description}: ${verdict.summary}`) });
    ran.push({ step, index, verdict, exitCode: result.exitCode });
    if (verdict.state === 'failed') {
      state = 'failed';
      needsCleanup = true;
    } else if (verdict.state === 'warn') state = 'warn';
  }
  return { ran, state, summary: '', exitCode, needsCleanup };
}

/** Runs one step, feeding its reader and showing its lines (scrubbed) as they come. */
async function runOne(x: Execution, step: PlanStep, index: number, reader: StepReader, io: StepIo): Promise<RunResult> {
  const emit = (stream: 'stdout' | 'stderr') => (text: string) => {
    reader.line(stream, text);
    io.onOutput?.({ step: index, stream, text: x.scrub(text) });
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

/** The plan's clean-up steps, each bounded in time; says what each did. */
export async function runCleanup(x: Execution, steps: readonly PlanStep[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of steps) {
    try {
      const r = await x.runnerFor(s.host).run({ ...s.command, timeoutMs: s.command.timeoutMs ?? CLEANUP_TIMEOUT_MS }, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      out.push(`${s.host}: clean-up (${s.description}) ${r.exitCode === 0 ? 'done' : `exited with ${r.exitCode}`}`);
    } catch (e) {
      out.push(`${s.host}: clean-up (${s.description}) failed: ${errorText(e)}`);
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
