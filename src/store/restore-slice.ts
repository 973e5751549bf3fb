/**
 * The restore wizard's state and its named actions (ink-ui's state hook, as
 * a slice): the keys call these, the engine (services/restore) answers, the
 * screen draws `wizard`. One wizard at a time; it lives here, not in a
 * component, so leaving the screen during a run loses nothing and R comes
 * back to it.
 *
 * Nothing changes a host before `runPlan`, which the confirm step calls only
 * with the typed word (or y when nothing is destroyed). Progress is batched
 * like a job's output: the store hears at most every FLUSH_MS.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { StatusReport } from '../domain/status-report.js';
import { RestoreError, type RestoreEngine, type RestorePlan, type RestoreResult } from '../services/restore/api.js';
import { newRestoreRun, restoreRunFeed, RunControl } from './restore-run.js';
import {
  DEFAULT_TARGET,
  isRunning,
  planAsk,
  previousStep,
  restorableAssets,
  selectedSource,
  targetFields,
  targetKinds,
  targetProblem,
  type TargetForm,
  type Wizard,
  type WizardRun,
  type WizardStep,
} from './restore-wizard.js';
import { assertNever } from './routes.js';

export type RestoreDeps = Pick<RestoreEngine, 'sources' | 'plan' | 'planDrill' | 'run'>;

/** Where R was pressed: a workload, a point of a layer, or nowhere in particular. */
export interface RestoreOpening {
  readonly assetId?: string;
  readonly layerId?: string;
  readonly pointTimeSec?: number;
  /** Open with a drill as the target (the drill key). */
  readonly drill?: boolean;
}

/** What Esc did: stepped back, left the wizard (the screen goes back), or asked whether to cancel the run. */
export type BackResult = 'stepped' | 'left' | 'asked';

export interface RestoreSlice {
  wizard: Wizard | null;
  restoreAvailable: boolean;
  /** Opens the wizard (or returns to the one running: a run is never replaced). */
  openRestore(opening?: RestoreOpening): void;
  /** Forgets the wizard; refused while its run goes on. */
  closeRestore(): boolean;
  /** j/k: the cursor of the step's list or form. */
  wizardMove(delta: number): void;
  /** Space, h/l: the next or previous value of the selected target field. */
  wizardChange(delta: 1 | -1): void;
  /** The step's open text field: the VMID, the storage, the typed confirmation. */
  wizardText(): string | null;
  wizardSetText(text: string): void;
  /** Enter: the step's choice, and on to the next. */
  wizardNext(): void;
  /** y on a plan that destroys nothing. */
  wizardConfirmYes(): void;
  /** Esc. */
  wizardBack(): BackResult;
  /** The answer to "cancel the restore?". */
  answerCancel(yes: boolean): void;
  /** Asks whether to cancel the run (Esc, q during a run). */
  askCancel(): void;
  toggleRestoreLog(): void;
  /** First raw log line shown, in the log's own numbering; -1 follows the newest. */
  setRestoreLogTop(top: number): void;
  /** Cancels a running restore and waits until it ended (quitting the panel). */
  cancelRestore(): Promise<void>;
}

/** What the slice needs from the rest of the store. */
interface Needs {
  readOnly: boolean;
  report: StatusReport | null;
  refresh(opts?: { hosts?: readonly string[]; layers?: readonly string[] }): Promise<unknown>;
  loadJournal(): Promise<void>;
  say(text: string, tone?: 'info' | 'warn' | 'error'): void;
}

export interface RestoreOptions {
  readonly nowMs: () => number;
  /** Raw log lines kept (default 10,000). */
  readonly lineCapacity?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const createRestoreSlice =
  (deps: Partial<RestoreDeps>, opts: RestoreOptions): StateCreator<RestoreSlice & Needs, [], [], RestoreSlice> =>
  (set, get) => {
    // Answers that arrive after the operator moved on are dropped: each ask has a number.
    let asked = 0;

    const update = (change: (w: Wizard) => Partial<Wizard> | null) =>
      set((s) => {
        if (!s.wizard) return {};
        const c = change(s.wizard);
        return c ? { wizard: { ...s.wizard, ...c } } : {};
      });
    const setStep = (step: WizardStep, extra: Partial<Wizard> = {}) => update(() => ({ step, ...extra }));
    const patchRun = (change: Partial<WizardRun>) => update((w) => (w.run ? { run: { ...w.run, ...change } } : null));
    const control = new RunControl(() => get().wizard?.run, () => {
      const w = get().wizard;
      return w !== null && w !== undefined && isRunning(w);
    }, patchRun);
    const patchFed = (change: Partial<WizardRun>, grew: boolean) => update((w) => (w.run ? { run: { ...w.run, ...change, revision: w.run.revision + (grew ? 1 : 0) } } : null));

    const loadSources = (w: Wizard) => {
      const assetId = w.assetId;
      if (!assetId || !deps.sources) return;
      const n = ++asked;
      const wanted = w.wanted && { point: { kind: 'at' as const, timeSec: w.wanted.timeSec } };
      deps.sources({ assetId, ...(wanted ?? {}) }).then(
        (list) => {
          if (n !== asked || get().wizard?.assetId !== assetId) return;
          // From a point of a layer: that layer's source is the one under the cursor.
          const at = w.wanted ? list.sources.findIndex((s) => s.layerId === w.wanted!.layerId) : -1;
          const first = at >= 0 ? at : Math.max(0, list.sources.findIndex((s) => s.plannable));
          update((cur) => ({
            sources: { state: 'ready', value: list },
            ...(cur.step.kind === 'point' ? { step: { kind: 'point', cursor: first } } : {}),
          }));
        },
        (e: unknown) => {
          if (n !== asked || get().wizard?.assetId !== assetId) return;
          update(() => ({ sources: { state: 'failed', reason: message(e) } }));
        },
      );
    };

    const loadPlan = (w: Wizard) => {
      const ask = planAsk(w);
      if (!ask || !deps.plan || !deps.planDrill) return;
      const n = ++asked;
      const answer = ask.kind === 'drill' ? deps.planDrill(ask.request) : deps.plan(ask.request);
      answer.then(
        (plan) => {
          if (n === asked) update(() => ({ plan: { state: 'ready', value: plan } }));
        },
        (e: unknown) => {
          if (n === asked) update(() => ({ plan: { state: 'failed', reason: message(e) } }));
        },
      );
    };

    const startRun = (plan: RestorePlan, confirm: string | undefined) => {
      if (!deps.run || control.busy) return;
      const run = newRestoreRun<RestoreResult>(opts.nowMs(), opts.lineCapacity);
      setStep({ kind: 'progress' }, { run, showLog: false, logTop: -1 });
      const feed = restoreRunFeed(run, patchFed, () => {
        if (get().wizard?.step.kind === 'progress') setStep({ kind: 'checks' });
      });
      control.start(async (signal) => {
        try {
          const result = await deps.run!(plan, { ...(confirm === undefined ? {} : { confirm }), signal, onEvent: feed.onEvent });
          feed.flushNow();
          patchRun({ result, cancelling: false, askingCancel: false });
          setStep({ kind: 'done' });
          get().say(`${plan.title}: ${result.summary}`, result.state === 'restored' ? 'info' : 'warn');
        } catch (e) {
          feed.flushNow();
          // The engine refused before anything ran: back to the question, with why.
          const why = e instanceof RestoreError ? e.message : `not started: ${message(e)}`;
          patchRun({ refused: why });
          setStep({ kind: 'confirm', typed: '', rejected: false });
          get().say(why, 'warn');
          return;
        }
        // The journal has the evidence, the node a new guest: read both again.
        await get().loadJournal().catch(() => undefined);
        await get().refresh({ hosts: [plan.target.host, plan.source.host] }).catch(() => undefined);
      });
    };

    const targetContext = (w: Wizard) => {
      const source = selectedSource(w);
      const exists = w.sources?.state === 'ready' ? w.sources.value.guest.exists : true;
      return { source, fields: targetFields(w.target, source, exists) };
    };

    return {
      wizard: null,
      restoreAvailable: Boolean(deps.sources && deps.plan && deps.planDrill && deps.run),

      openRestore: (opening = {}) => {
        const w = get().wizard;
        if (w && isRunning(w)) return;
        const assetId = opening.assetId ?? null;
        const wanted = opening.layerId && opening.pointTimeSec !== undefined ? { layerId: opening.layerId, timeSec: opening.pointTimeSec } : null;
        const assets = restorableAssets(get().report);
        const at = Math.max(0, assets.findIndex((a) => a.id === assetId));
        const base: Wizard = {
          assetId,
          wanted,
          sources: assetId ? { state: 'loading' } : null,
          sourceId: null,
          target: opening.drill ? { ...DEFAULT_TARGET, kind: 'drill' } : DEFAULT_TARGET,
          plan: null,
          run: null,
          step: assetId ? { kind: 'point', cursor: 0 } : { kind: 'workload', cursor: at },
          showLog: false,
          logTop: -1,
        };
        ++asked;
        set({ wizard: base });
        if (assetId) loadSources(base);
      },

      closeRestore: () => {
        const w = get().wizard;
        if (w && isRunning(w)) return false;
        ++asked;
        set({ wizard: null });
        return true;
      },

      wizardMove: (delta) =>
        update((w) => {
          const clampTo = (i: number, len: number) => Math.max(0, Math.min(i, len - 1));
          switch (w.step.kind) {
            case 'workload':
              return { step: { ...w.step, cursor: clampTo(w.step.cursor + delta, restorableAssets(get().report).length) } };
            case 'point': {
              const len = w.sources?.state === 'ready' ? w.sources.value.sources.length : 0;
              return { step: { ...w.step, cursor: clampTo(w.step.cursor + delta, len) } };
            }
            case 'target':
              return { step: { ...w.step, field: clampTo(w.step.field + delta, targetContext(w).fields.length) } };
            case 'plan':
              return { step: { ...w.step, scroll: Math.max(0, w.step.scroll + delta) } };
            default:
              return null;
          }
        }),

      wizardChange: (delta) =>
        update((w) => {
          if (w.step.kind !== 'target') return null;
          const { source, fields } = targetContext(w);
          const field = fields[w.step.field];
          const f = w.target;
          let next: TargetForm;
          switch (field) {
            case 'kind': {
              const kinds = targetKinds(source);
              const i = kinds.indexOf(f.kind);
              next = { ...f, kind: kinds[(i + delta + kinds.length) % kinds.length]! };
              break;
            }
            case 'unique':
              next = { ...f, unique: !(f.unique ?? true) };
              break;
            case 'start':
              next = { ...f, start: !f.start };
              break;
            default:
              return null;
          }
          return { target: next, plan: null };
        }),

      wizardText: () => {
        const w = get().wizard;
        if (!w) return null;
        if (w.step.kind === 'confirm') return w.plan?.state === 'ready' && w.plan.value.confirmWord !== null ? w.step.typed : null;
        if (w.step.kind !== 'target') return null;
        const field = targetContext(w).fields[w.step.field];
        if (field === 'vmid') return w.target.vmidText;
        if (field === 'storage') return w.target.storage;
        return null;
      },

      wizardSetText: (text) =>
        update((w) => {
          if (w.step.kind === 'confirm') return { step: { ...w.step, typed: text.slice(0, 64), rejected: false } };
          if (w.step.kind !== 'target') return null;
          const field = targetContext(w).fields[w.step.field];
          if (field === 'vmid') return { target: { ...w.target, vmidText: text.replace(/\D/g, '').slice(0, 9) }, plan: null };
          if (field === 'storage') return { target: { ...w.target, storage: text.replace(/\s/g, '').slice(0, 64) }, plan: null };
          return null;
        }),

      wizardNext: () => {
        const w = get().wizard;
        if (!w) return;
        const s = w.step;
        switch (s.kind) {
          case 'workload': {
            const asset = restorableAssets(get().report)[s.cursor];
            if (!asset) return;
            const same = asset.id === w.assetId && w.sources?.state === 'ready';
            const next: Wizard = {
              ...w,
              assetId: asset.id,
              ...(same ? {} : { sources: { state: 'loading' }, sourceId: null, wanted: null, plan: null }),
              step: { kind: 'point', cursor: 0 },
            };
            if (same) {
              const at = w.sources?.state === 'ready' ? w.sources.value.sources.findIndex((x) => x.id === w.sourceId) : -1;
              set({ wizard: { ...next, step: { kind: 'point', cursor: Math.max(0, at) } } });
              return;
            }
            ++asked;
            set({ wizard: next });
            loadSources(next);
            return;
          }
          case 'point': {
            if (w.sources?.state !== 'ready') return;
            const source = w.sources.value.sources[s.cursor];
            if (!source) return;
            if (!source.plannable) {
              get().say(`${source.layerId}: ${source.whyNot ?? 'Strata cannot plan a restore from it'}`, 'warn');
              return;
            }
            const kinds = targetKinds(source);
            const keep = source.id === w.sourceId ? w.target : { ...DEFAULT_TARGET, kind: kinds.includes(w.target.kind) ? w.target.kind : 'new' };
            setStep({ kind: 'target', field: 0 }, { sourceId: source.id, target: keep, plan: source.id === w.sourceId ? w.plan : null });
            return;
          }
          case 'target': {
            const problem = targetProblem(w.target);
            if (problem) {
              get().say(problem, 'warn');
              return;
            }
            const next: Wizard = { ...w, plan: { state: 'loading' }, step: { kind: 'preflight' } };
            set({ wizard: next });
            loadPlan(next);
            return;
          }
          case 'preflight': {
            if (w.plan?.state !== 'ready') return;
            if (!w.plan.value.ready) {
              get().say('a preflight check failed: nothing can run (Esc: back to change the target)', 'warn');
              return;
            }
            setStep({ kind: 'plan', scroll: 0 });
            return;
          }
          case 'plan':
            setStep({ kind: 'confirm', typed: '', rejected: false });
            return;
          case 'confirm': {
            if (w.plan?.state !== 'ready') return;
            const plan = w.plan.value;
            if (plan.confirmWord === null) {
              get().say('y runs it; Esc goes back (nothing has run)');
              return;
            }
            // Only the exact word: anything else does nothing but say so.
            if (s.typed !== plan.confirmWord) {
              setStep({ ...s, rejected: true });
              return;
            }
            startRun(plan, s.typed);
            return;
          }
          case 'progress':
          case 'checks':
            return;
          case 'done':
            get().closeRestore();
            return;
          default:
            return assertNever(s);
        }
      },

      wizardConfirmYes: () => {
        const w = get().wizard;
        if (w?.step.kind !== 'confirm' || w.plan?.state !== 'ready') return;
        if (w.plan.value.confirmWord !== null) return;
        startRun(w.plan.value, undefined);
      },

      wizardBack: () => {
        const w = get().wizard;
        if (!w) return 'left';
        if (control.closeQuestion()) return 'asked';
        const prev = previousStep(w);
        if (prev === 'ask') {
          patchRun({ askingCancel: true });
          return 'asked';
        }
        if (prev === 'leave') {
          ++asked;
          set({ wizard: null });
          return 'left';
        }
        // Back where the operator was: the chosen row under the cursor.
        let step = prev;
        if (step.kind === 'workload') step = { kind: 'workload', cursor: Math.max(0, restorableAssets(get().report).findIndex((a) => a.id === w.assetId)) };
        if (step.kind === 'point' && w.sources?.state === 'ready') step = { kind: 'point', cursor: Math.max(0, w.sources.value.sources.findIndex((x) => x.id === w.sourceId)) };
        update(() => ({ step, ...(w.run?.refused ? { run: null } : {}) }));
        return 'stepped';
      },

      askCancel: () => control.askCancel(),

      answerCancel: (yes) => control.answerCancel(yes),

      toggleRestoreLog: () => update((w) => ({ showLog: !w.showLog, logTop: -1 })),

      setRestoreLogTop: (top) => update(() => ({ logTop: top < 0 ? -1 : top })),

      cancelRestore: async () => {
        await control.cancel();
      },
    };
  };
