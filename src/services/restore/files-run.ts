/**
 * A file restore plan run through the one journaling executor: its events
 * (steps, output, progress, checks) passed on, the bytes under the target
 * measured while a restore without percent runs, and the outcome concluded
 * (restored, check-failed, failed, cancelled) with its exit code.
 */
import { measureBytes } from '../../adapters/files/index.js';
import { etaSeconds } from '../../domain/restore/estimate.js';
import type { ActionOutcome } from '../../kinds/action-types.js';
import type { Runner } from '../../transport/runner.js';
import type { CheckResult } from './api.js';
import type { EngineDeps } from './engine.js';
import type { FileRestoreEvent, FileRestorePlan, FileRestoreResult, FileRestoreState, FileRunOptions } from './files-api.js';

export interface FileRunDeps {
  readonly execute: EngineDeps['execute'];
  runner(host: string): Runner;
  /** How often bytes under a target are measured for a restore without percent (default 2 s). */
  readonly pollMs?: number;
}

export async function runFilePlan(deps: FileRunDeps, plan: FileRestorePlan, opts: FileRunOptions): Promise<FileRestoreResult> {
  const action = plan.action;
  const runner = deps.runner;
  const emit = (e: FileRestoreEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // A listener's fault must not stop a restore half way.
    }
  };
  const stepStart = new Map<number, number>();
  const restoreStep = action.steps.findIndex((x) => x.measuresRestore);
  let poll: ReturnType<typeof setInterval> | undefined;
  let last: Promise<void> | undefined;
  const pollDir = plan.progress === 'bytes' && plan.method === 'files' ? plan.target.path : undefined;
  const measure = (index: number, started: number, final: boolean): Promise<void> =>
    measureBytes(runner(plan.target.host), pollDir!, { timeoutMs: 10_000 }).then((r) => {
      if (r.ok && (poll || final)) emit({ type: 'progress', progress: { step: index, format: 'files', percent: null, scope: 'none', disksDone: 0, bytesRead: r.value }, elapsedMs: Date.now() - started, etaSeconds: null });
    });
  let polling: { index: number; started: number } | undefined;
  /** The restore step ended: one last measure says what it wrote, however short it was. */
  const stopPoll = () => {
    if (poll) clearInterval(poll);
    poll = undefined;
    if (polling) last = measure(polling.index, polling.started, true);
    polling = undefined;
  };
  try {
    const outcome = await deps.execute(action, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onOutput: (line) => emit({ type: 'output', line }),
      onStep: (index) => {
        if (stepStart.has(index)) return;
        stepStart.set(index, Date.now());
        stopPoll();
        emit({ type: 'step', index, of: action.steps.length, description: action.steps[index]?.description ?? '' });
        if (index === restoreStep && pollDir && pollDir !== '/') {
          const started = Date.now();
          polling = { index, started };
          poll = setInterval(() => void measure(index, started, false), deps.pollMs ?? 2_000);
        }
      },
      onProgress: (progress) => {
        const elapsedMs = Date.now() - (stepStart.get(progress.step) ?? Date.now());
        emit({ type: 'progress', progress, elapsedMs, etaSeconds: etaSeconds({ percent: progress.percent, elapsedMs }) });
      },
      onCheck: (check) => {
        stopPoll();
        emit({ type: 'check', check });
      },
      onCleanup: (text) => emit({ type: 'cleanup', text }),
    });
    stopPoll();
    await last?.catch(() => undefined);
    return resultOf(plan, outcome);
  } finally {
    if (poll) clearInterval(poll);
  }
}

function resultOf(plan: FileRestorePlan, outcome: ActionOutcome): FileRestoreResult {
  const checks: CheckResult[] = [...(outcome.checks ?? [])];
  const state: FileRestoreState =
    outcome.state === 'cancelled' ? 'cancelled' : outcome.state === 'failed' ? 'failed' : checks.some((c) => c.state === 'failed') ? 'check-failed' : 'restored';
  const counts = (['passed', 'failed', 'not-run'] as const).map((k) => [k, checks.filter((c) => c.state === k).length] as const).filter(([, n]) => n > 0);
  const secs = outcome.restoreSeconds !== undefined ? ` in ${outcome.restoreSeconds < 10 ? outcome.restoreSeconds.toFixed(1) : Math.round(outcome.restoreSeconds)} s` : '';
  const what = `${plan.method === 'files' ? `restore of ${plan.paths.join(', ')}` : `${plan.method} of ${plan.source.assetId.replace(/^dataset\//, '')}`} from ${plan.source.layerId} to ${plan.target.host}:${plan.target.path}`;
  const checkText = counts.length > 0 ? `; checks: ${counts.map(([k, n]) => `${n} ${k.replace('-', ' ')}`).join(', ')}` : '';
  const summary = state === 'restored' || state === 'check-failed' ? `${what}: done${secs}${checkText}` : `${what}: ${state}: ${outcome.summary}`;
  const exitCode = state === 'restored' ? 0 : state === 'check-failed' ? 1 : 2;
  return {
    state,
    summary,
    checks,
    leftover: state === 'failed' || state === 'cancelled' ? (outcome.leftover ?? plan.onFailure) : null,
    restoreSeconds: outcome.restoreSeconds ?? null,
    durationMs: outcome.durationMs,
    exitCode,
    outcome,
  };
}
