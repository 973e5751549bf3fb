/**
 * A restore running in a wizard, as its screens show it: guests (the restore
 * wizard) and files (the file wizard) alike. The engine's events are folded
 * into the run here; output and progress come many times a second, so they
 * reach the store at most every FLUSH_MS, like a job's output.
 */
import type { CheckResult, RestoreEvent, StepProgress } from '../services/restore/api.js';
import { FLUSH_MS } from './jobs-slice.js';
import { LineBuffer } from './line-buffer.js';
import { assertNever } from './routes.js';

export interface RestoreRun<Result> {
  readonly startedAtMs: number;
  readonly step: { readonly index: number; readonly of: number; readonly description: string } | null;
  readonly progress: StepProgress | null;
  readonly elapsedMs: number;
  readonly etaSeconds: number | null;
  readonly checks: readonly CheckResult[];
  readonly cleanup: readonly string[];
  readonly result: Result | null;
  /** The engine refused to start it (nothing ran): why. */
  readonly refused: string | null;
  readonly cancelling: boolean;
  /** Esc (or q) during the run: the question "cancel it?" is open. */
  readonly askingCancel: boolean;
  readonly log: LineBuffer;
  readonly revision: number;
}

export function newRestoreRun<Result>(startedAtMs: number, lineCapacity: number | undefined): RestoreRun<Result> {
  return {
    startedAtMs,
    step: null,
    progress: null,
    elapsedMs: 0,
    etaSeconds: null,
    checks: [],
    cleanup: [],
    result: null,
    refused: null,
    cancelling: false,
    askingCancel: false,
    log: new LineBuffer(lineCapacity),
    revision: 0,
  };
}

type RunChange<Result> = Partial<RestoreRun<Result>>;

export interface RunFeed {
  /** One event of the engine into the run. */
  onEvent(e: RestoreEvent): void;
  /** What is batched, into the store now (the run ended). */
  flushNow(): void;
}

/**
 * Folds the engine's events into `run`: `patch` applies a change to the run
 * in the store (bumping its revision when the log grew); `onFirstCheck` is
 * told when the checks begin, so the wizard can move to its checks step.
 */
export function restoreRunFeed<Result>(run: RestoreRun<Result>, patch: (change: RunChange<Result>, grew: boolean) => void, onCheck: () => void): RunFeed {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: RunChange<Result> = {};
  let grew = false;
  const checks: CheckResult[] = [];
  const cleanup: string[] = [];
  const flush = () => {
    timer = null;
    const change = pending;
    const logGrew = grew;
    pending = {};
    grew = false;
    patch(change, logGrew);
  };
  const later = (change: RunChange<Result>, logGrew = false) => {
    pending = { ...pending, ...change };
    grew ||= logGrew;
    timer ??= setTimeout(flush, FLUSH_MS);
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'output':
          run.log.push(e.line);
          later({}, true);
          return;
        case 'progress':
          later({ progress: e.progress, elapsedMs: e.elapsedMs, etaSeconds: e.etaSeconds });
          return;
        case 'step':
          later({ step: { index: e.index, of: e.of, description: e.description } });
          return;
        case 'check':
          checks.push(e.check);
          later({ checks: [...checks] });
          onCheck();
          return;
        case 'cleanup':
          cleanup.push(e.text);
          later({ cleanup: [...cleanup] });
          return;
        default:
          return assertNever(e);
      }
    },
    flushNow() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}

/**
 * One restore at a time for a wizard: the signal that cancels it, the
 * promise it runs as (quitting waits for it), and the question "cancel
 * it?" that Esc or q opens while it runs.
 */
export class RunControl<Result> {
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly run: () => RestoreRun<Result> | null | undefined,
    private readonly isRunning: () => boolean,
    private readonly patchRun: (change: RunChange<Result>) => void,
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Runs `body` with a fresh signal, unless a run is going on. */
  start(body: (signal: AbortSignal) => Promise<void>): void {
    if (this.running) return;
    const ac = new AbortController();
    this.controller = ac;
    const running = body(ac.signal).finally(() => {
      if (this.controller === ac) this.controller = null;
    });
    this.running = running;
    void running.finally(() => {
      if (this.running === running) this.running = null;
    });
  }

  askCancel(): void {
    if (this.isRunning()) this.patchRun({ askingCancel: true });
  }

  /** y cancels through the engine (its cleanup runs); n, or a run that has ended, closes the question. */
  answerCancel(yes: boolean): void {
    if (!this.run()?.askingCancel) return;
    if (!yes || !this.isRunning()) return this.patchRun({ askingCancel: false });
    this.patchRun({ askingCancel: false, cancelling: true });
    this.controller?.abort();
  }

  /** Esc while the question is open closes it (true); otherwise nothing happens (false). */
  closeQuestion(): boolean {
    if (!this.run()?.askingCancel) return false;
    this.patchRun({ askingCancel: false });
    return true;
  }

  /** Quitting: cancels what runs and waits until it ended. */
  async cancel(): Promise<void> {
    this.controller?.abort();
    await this.running;
  }
}
