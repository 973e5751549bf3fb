/**
 * Actions from the keyboard: plan, show the plan, ask, run, stream, cancel.
 *
 * Nothing runs without `confirmPending`: `requestAction` only plans, and the
 * plan (its steps described command by command, with their hosts) waits in
 * `pending` for a y or N. In read-only mode a plan that changes a host is
 * refused even if something asks for it.
 *
 * Output is batched: lines go straight into the job's bounded buffer and the
 * store is told at most every FLUSH_MS, so a job printing 5,000 lines a
 * second costs ~30 store updates a second, not 5,000.
 */
import type { StateCreator } from 'zustand/vanilla';
import { actionOffer, type ActionKind, type ActionOffer, type ActionOutcome, type ActionPlan, type ActionRequest, type OutputLine, type PlanStep } from '../services/actions/index.js';
import type { Inventory } from '../domain/inventory.js';
import { LineBuffer } from './line-buffer.js';
import { errorText } from '../domain/error-text.js';

export interface ActionDeps {
  /** Decides the commands; rejects with an Error saying why the action is not possible. */
  plan(request: ActionRequest): Promise<ActionPlan>;
  /** Runs the steps; aborting the signal ends the remote process and resolves with state `cancelled`. */
  execute(
    plan: ActionPlan,
    opts: { readonly signal: AbortSignal; readonly onOutput: (line: OutputLine) => void; readonly onStep?: (index: number) => void },
  ): Promise<ActionOutcome>;
  /** One step as the operator reads it: the exact command, secrets only by name. */
  describeStep(step: PlanStep): string;
}

export type JobState = 'running' | ActionOutcome['state'];

export interface Job {
  readonly id: string;
  readonly plan: ActionPlan;
  readonly state: JobState;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly step: number;
  readonly outcome: ActionOutcome | null;
  readonly cancelling: boolean;
  /** Mutable and bounded; `revision` changes whenever lines were added. */
  readonly output: LineBuffer;
  readonly revision: number;
}

export type Pending =
  | { readonly state: 'planning'; readonly request: ActionRequest }
  | {
      readonly state: 'ready';
      readonly plan: ActionPlan;
      /** Each step's command as the operator reads it. */
      readonly steps: readonly string[];
      /** The clean-up steps' commands (run if a step fails or is cancelled). */
      readonly cleanup: readonly string[];
      /** First line shown when the plan is longer than the screen. */
      readonly scroll: number;
    }
  | { readonly state: 'refused'; readonly request: ActionRequest; readonly reason: string };

export interface JobsSlice {
  jobs: Readonly<Record<string, Job>>;
  /** Newest last. */
  jobOrder: readonly string[];
  pending: Pending | null;
  actionsAvailable: boolean;
  /** Whether the layer offers this action in this mode, and why not (the one answer, from services/actions/availability). */
  offerFor(layerId: string, kind: ActionKind): ActionOffer | null;
  requestAction(request: ActionRequest): Promise<void>;
  /** Runs the pending plan; returns the job id, or null when nothing was pending. */
  confirmPending(): string | null;
  declinePending(): void;
  /** Scrolls a plan longer than the screen, so every command can be read before the answer. */
  scrollPending(delta: number): void;
  cancelJob(id: string): void;
  /** Cancels every running job and waits until each has ended. */
  cancelAll(): Promise<void>;
}

/** What the jobs slice needs from the rest of the store. */
interface Needs {
  readOnly: boolean;
  inventory: Inventory | null;
  refresh(opts?: { layers?: readonly string[] }): Promise<unknown>;
  loadJournal(): Promise<void>;
  say(text: string, tone?: 'info' | 'warn' | 'error'): void;
}

export const FLUSH_MS = 33;
/** Ended jobs kept (with their output) for the Job screen; older ones are forgotten. */
export const KEEP_ENDED_JOBS = 20;

export interface JobsOptions {
  readonly lineCapacity?: number;
  readonly nowMs: () => number;
}

export const createJobsSlice =
  (deps: Partial<ActionDeps>, opts: JobsOptions): StateCreator<JobsSlice & Needs, [], [], JobsSlice> =>
  (set, get) => {
    const controllers = new Map<string, AbortController>();
    const running = new Map<string, Promise<void>>();
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    let seq = 0;
    const capacity = opts.lineCapacity;

    const patch = (id: string, change: Partial<Job>) =>
      set((s) => {
        const job = s.jobs[id];
        return job ? { jobs: { ...s.jobs, [id]: { ...job, ...change } } } : {};
      });

    // Lines go into the job's bounded buffer at once (O(1), no queue to grow);
    // the store hears about them at most every FLUSH_MS.
    const dirty = new Map<string, number>();
    const flush = () => {
      flushTimer = null;
      if (dirty.size === 0) return;
      const jobs = { ...get().jobs };
      for (const [id, step] of dirty) {
        const job = jobs[id];
        if (job) jobs[id] = { ...job, step: Math.max(job.step, step), revision: job.revision + 1 };
      }
      dirty.clear();
      set({ jobs });
    };

    const enqueue = (id: string, line: OutputLine) => {
      const job = get().jobs[id];
      if (!job) return;
      job.output.push(line);
      dirty.set(id, Math.max(dirty.get(id) ?? 0, line.step));
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    };

    const start = (plan: ActionPlan): string => {
      const id = `job-${++seq}`;
      const ac = new AbortController();
      controllers.set(id, ac);
      const job: Job = {
        id,
        plan,
        state: 'running',
        startedAtMs: opts.nowMs(),
        endedAtMs: null,
        step: 0,
        outcome: null,
        cancelling: false,
        output: new LineBuffer(capacity),
        revision: 0,
      };
      set((s) => {
        // Each job's output is bounded; so is how many ended jobs keep theirs.
        const ended = s.jobOrder.filter((j) => s.jobs[j]?.state !== 'running');
        const drop = new Set(ended.slice(0, Math.max(0, ended.length - KEEP_ENDED_JOBS + 1)));
        const jobs = Object.fromEntries(Object.entries(s.jobs).filter(([j]) => !drop.has(j)));
        return { jobs: { ...jobs, [id]: job }, jobOrder: [...s.jobOrder.filter((j) => !drop.has(j)), id], pending: null };
      });
      const work = (async () => {
        let outcome: ActionOutcome;
        try {
          outcome = await deps.execute!(plan, {
            signal: ac.signal,
            onOutput: (line) => enqueue(id, line),
            onStep: (index) => patch(id, { step: index }),
          });
        } catch (e) {
          outcome = {
            state: ac.signal.aborted ? 'cancelled' : 'failed',
            exitCode: null,
            summary: errorText(e),
            durationMs: opts.nowMs() - job.startedAtMs,
          };
        }
        if (flushTimer) clearTimeout(flushTimer);
        flush();
        controllers.delete(id);
        patch(id, { state: outcome.state, outcome, endedAtMs: opts.nowMs(), cancelling: false });
        get().say(`${plan.title}: ${outcome.state}${outcome.summary ? ` — ${outcome.summary}` : ''}`, outcome.state === 'ok' ? 'info' : 'warn');
        // The journal has a new entry: read it first, so the layer read again after it is judged
        // with it (a failed verify is the layer's failed job, a passed one its proof).
        await get().loadJournal().catch(() => undefined);
        const layers = plan.affectedLayers.length > 0 ? plan.affectedLayers : [plan.request.layerId];
        await get().refresh({ layers }).catch(() => undefined);
      })();
      running.set(id, work);
      void work.finally(() => running.delete(id));
      return id;
    };

    return {
      jobs: {},
      jobOrder: [],
      pending: null,
      actionsAvailable: Boolean(deps.plan && deps.execute && deps.describeStep),
      offerFor: (layerId, kind) => {
        const layer = get().inventory?.layers.find((l) => l.id === layerId);
        return layer ? actionOffer(layer, kind, { readOnly: get().readOnly }) : null;
      },
      requestAction: async (request) => {
        if (!deps.plan || !deps.execute || !deps.describeStep) {
          set({ pending: { state: 'refused', request, reason: 'this session has no action executor' } });
          return;
        }
        set({ pending: { state: 'planning', request } });
        let plan: ActionPlan;
        try {
          plan = await deps.plan(request);
        } catch (e) {
          if (get().pending?.state !== 'planning') return;
          set({ pending: { state: 'refused', request, reason: errorText(e) } });
          return;
        }
        // Esc while planning: the operator no longer wants it.
        if (get().pending?.state !== 'planning') return;
        if (plan.changesHost && get().readOnly) {
          set({ pending: { state: 'refused', request, reason: 'read-only mode: this plan changes a host' } });
          return;
        }
        if (plan.blocked || plan.steps.length === 0) {
          set({ pending: { state: 'refused', request, reason: plan.blocked ?? `${plan.title}: the plan has no steps` } });
          return;
        }
        const describe = deps.describeStep;
        set({
          pending: {
            state: 'ready',
            plan,
            steps: plan.steps.map((s) => describe(s)),
            cleanup: (plan.cleanup ?? []).map((s) => describe(s)),
            scroll: 0,
          },
        });
      },
      confirmPending: () => {
        const p = get().pending;
        if (p?.state !== 'ready') return null;
        if (p.plan.changesHost && get().readOnly) {
          set({ pending: null });
          return null;
        }
        return start(p.plan);
      },
      declinePending: () => {
        const p = get().pending;
        set({ pending: null });
        if (p?.state === 'ready') get().say(`not run: ${p.plan.title}`);
      },
      scrollPending: (delta) => {
        const p = get().pending;
        if (p?.state === 'ready') set({ pending: { ...p, scroll: Math.max(0, p.scroll + delta) } });
      },
      cancelJob: (id) => {
        const ac = controllers.get(id);
        if (!ac || ac.signal.aborted) return;
        patch(id, { cancelling: true });
        ac.abort();
      },
      cancelAll: async () => {
        for (const id of controllers.keys()) get().cancelJob(id);
        await Promise.all([...running.values()]);
      },
    };
  };
