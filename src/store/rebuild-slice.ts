/**
 * The rebuild wizard's state and its named actions: the keys call these, the
 * DR engine (services/dr) checks and runs the steps and saves its state after
 * every change, the screen draws `rebuild`. Opening the wizard resumes the
 * saved rebuild when there is one, so a quit, a dropped SSH session or a
 * crash loses nothing: the engine's `next()` is where it stopped.
 *
 * Nothing writes before the operator said y to the step shown (or, for the
 * new node's host key, typed its fingerprint). Events are batched like a
 * job's output: the store hears at most every FLUSH_MS.
 */
import type { StateCreator } from 'zustand/vanilla';
import { fingerprintMatches } from '../domain/host-key-fingerprint.js';
import { DrError, type DrEngine, type Rebuild, type RebuildEvent, type StartOptions, type StepRunOptions } from '../services/dr/api.js';
import { FLUSH_MS } from './jobs-slice.js';
import { LineBuffer } from './line-buffer.js';
import { isDone, previousPhase, stepKindOf, stepOf, type GuestProgress, type RebuildPhase, type RebuildWizard } from './rebuild-wizard.js';
import { assertNever } from './routes.js';

export type RebuildWizardDeps = Pick<DrEngine, 'saved' | 'start' | 'resume' | 'report'>;

export interface RebuildSlice {
  rebuild: RebuildWizard | null;
  rebuildAvailable: boolean;
  /** Opens the wizard: the saved rebuild resumed, or a new one started; the one on screen when it runs. */
  openRebuild(): void;
  /** Forgets the wizard (the engine's state stays saved); refused while a step runs. */
  closeRebuild(): Promise<boolean>;
  /** Enter; 'left' when it closed the finished wizard (the screen goes back). */
  rebuildNext(): 'left' | undefined;
  /** y: run the step shown (it writes), or yes, cancel the running one. */
  rebuildYes(): void;
  /** n: not now, or let the running step go on. */
  rebuildNo(): 'stepped' | 'left' | 'asked';
  /** Esc. */
  rebuildBack(): 'stepped' | 'left' | 'asked';
  rebuildScroll(delta: number): void;
  /** The fingerprint being typed (the node step), or null when no field is open. */
  rebuildText(): string | null;
  rebuildSetText(text: string): void;
  toggleRebuildLog(): void;
  /** m on the host configuration step before it ran: the other route (config.db swap / selected files). */
  rebuildSwitchRoute(): void;
  /** Stops a running step and waits until it ended (quitting the panel). */
  cancelRebuild(): Promise<void>;
}

interface Needs {
  say(text: string, tone?: 'info' | 'warn' | 'error'): void;
  loadJournal(): Promise<void>;
}

export interface RebuildOptions {
  /** How a new rebuild starts (where the new node is, the storage guests go to). */
  readonly start?: StartOptions;
  readonly lineCapacity?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const createRebuildSlice =
  (deps: Partial<RebuildWizardDeps>, opts: RebuildOptions = {}): StateCreator<RebuildSlice & Needs, [], [], RebuildSlice> =>
  (set, get) => {
    let handle: Rebuild | null = null;
    let controller: AbortController | null = null;
    let running: Promise<void> | null = null;
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    let pending: { progress: Record<string, GuestProgress>; grew: boolean; state: boolean } = { progress: {}, grew: false, state: false };
    // An answer for a wizard that was closed (or reopened) meanwhile is dropped.
    let generation = 0;

    const update = (change: (w: RebuildWizard) => Partial<RebuildWizard> | null) =>
      set((s) => {
        if (!s.rebuild) return {};
        const c = change(s.rebuild);
        return c ? { rebuild: { ...s.rebuild, ...c } } : {};
      });
    const setPhase = (phase: RebuildPhase, extra: Partial<RebuildWizard> = {}) => update(() => ({ phase, ...extra }));
    const fresh = () => (handle ? { state: handle.state() } : {});

    const flush = () => {
      flushTimer = null;
      const p = pending;
      pending = { progress: {}, grew: false, state: false };
      update((w) => ({
        ...(p.state ? fresh() : {}),
        ...(Object.keys(p.progress).length > 0 ? { progress: { ...w.progress, ...p.progress } } : {}),
        ...(p.grew ? { revision: w.revision + 1 } : {}),
      }));
    };
    const later = () => (flushTimer ??= setTimeout(flush, FLUSH_MS));

    const onEvent = (w: RebuildWizard) => (e: RebuildEvent) => {
      switch (e.type) {
        case 'step':
        case 'guest':
        case 'chain':
          pending.state = true;
          break;
        case 'output':
          w.log.push(e.assetId ? { ...e.line, text: `${e.assetId}: ${e.line.text}` } : e.line);
          pending.grew = true;
          break;
        case 'progress':
          pending.progress[e.assetId] = { percent: e.percent, etaSeconds: e.etaSeconds };
          break;
        default:
          return assertNever(e);
      }
      later();
    };

    /** The step after the last done one: checked first (read-only), then shown. */
    const goToNext = (gen: number) => {
      if (!handle || gen !== generation) return;
      const next = handle.next();
      if (!next) {
        update(() => ({ ...fresh(), stepId: null, phase: { kind: 'outcome', scroll: 0 }, report: { state: 'loading' } }));
        void loadReport(gen);
        return;
      }
      update(() => ({ ...fresh(), stepId: next.id, phase: { kind: 'checking' }, refused: null, hostKey: null }));
      void checkStep(gen, next.id);
    };

    const checkStep = async (gen: number, id: string) => {
      const h = handle;
      if (!h) return;
      if (stepKindOf(id) === 'node') void loadHostKey(gen, h);
      try {
        const step = await h.check(id);
        if (gen !== generation) return;
        // Found done already: said so, and Enter goes on; nothing is run. Anything else
        // (pending, or failed or blocked last time) is shown and asked again.
        if (isDone(step)) setPhase({ kind: 'outcome', scroll: 0 }, fresh());
        else setPhase({ kind: 'review', scroll: 0 }, fresh());
      } catch (e) {
        if (gen !== generation) return;
        setPhase({ kind: 'review', scroll: 0 }, { ...fresh(), refused: `the check could not run: ${message(e)}` });
      }
    };

    const loadHostKey = async (gen: number, h: Rebuild) => {
      update(() => ({ hostKey: { state: 'loading' } }));
      try {
        const offer = await h.offeredHostKey();
        if (gen === generation) update(() => ({ hostKey: { state: 'ready', value: offer } }));
      } catch (e) {
        if (gen === generation) update(() => ({ hostKey: { state: 'failed', reason: message(e) } }));
      }
    };

    const loadReport = async (gen: number) => {
      if (!deps.report) return;
      try {
        const report = await deps.report();
        if (gen === generation) update(() => ({ report: { state: 'ready', value: report } }));
      } catch (e) {
        if (gen === generation) update(() => ({ report: { state: 'failed', reason: message(e) } }));
      }
    };

    const runStep = (runOpts: Omit<StepRunOptions, 'signal' | 'onEvent'>) => {
      const w = get().rebuild;
      const h = handle;
      const id = w?.stepId;
      if (!w || !h || !id || running) return;
      const gen = generation;
      const ac = new AbortController();
      controller = ac;
      setPhase({ kind: 'running', askingCancel: false, cancelling: false, scroll: 0 }, { refused: null, progress: {} });
      running = (async () => {
        try {
          await h.run(id, { ...runOpts, signal: ac.signal, onEvent: onEvent(w) });
          if (flushTimer) clearTimeout(flushTimer);
          flush();
          if (gen !== generation) return;
          const step = stepOf({ ...w, state: h.state() }, id);
          setPhase({ kind: 'outcome', scroll: 0 }, fresh());
          if (step) get().say(`${step.title}: ${step.state.toUpperCase()}${step.detail ? ` · ${step.detail}` : ''}`, isDone(step) ? 'info' : 'warn');
          // The journal has what ran; reading it again is not part of the step.
          void get().loadJournal().catch(() => undefined);
        } catch (e) {
          if (flushTimer) clearTimeout(flushTimer);
          flush();
          if (gen !== generation) return;
          // Refused before anything ran: back to the question, with why.
          const why = e instanceof DrError ? e.message : `not run: ${message(e)}`;
          const mismatch = e instanceof DrError && e.code === 'fingerprint-mismatch';
          setPhase(mismatch ? { kind: 'trust', typed: '', rejected: true } : { kind: 'review', scroll: 0 }, { ...fresh(), refused: why });
          get().say(why, 'warn');
        } finally {
          controller = null;
          running = null;
        }
      })();
    };

    const leave = () => {
      generation++;
      const h = handle;
      handle = null;
      set({ rebuild: null });
      void h?.close().catch(() => undefined);
    };

    return {
      rebuild: null,
      rebuildAvailable: Boolean(deps.saved && deps.start && deps.resume && deps.report),

      openRebuild: () => {
        if (get().rebuild) return;
        if (!deps.saved || !deps.start || !deps.resume) return;
        const gen = ++generation;
        const w: RebuildWizard = {
          state: null,
          opening: { state: 'loading' },
          stepId: null,
          phase: { kind: 'checking' },
          hostKey: null,
          progress: {},
          refused: null,
          report: null,
          log: new LineBuffer(opts.lineCapacity),
          revision: 0,
          showLog: false,
        };
        set({ rebuild: w });
        void (async () => {
          try {
            const saved = await deps.saved!();
            const h = saved ? await deps.resume!() : await deps.start!(opts.start);
            if (gen !== generation) {
              await h.close();
              return;
            }
            handle = h;
            update(() => ({ opening: { state: 'ready', value: saved ? 'resumed' : 'started' } }));
            goToNext(gen);
          } catch (e) {
            if (gen === generation) update(() => ({ opening: { state: 'failed', reason: message(e) } }));
          }
        })();
      },

      closeRebuild: async () => {
        if (running) return false;
        leave();
        return true;
      },

      rebuildNext: () => {
        const w = get().rebuild;
        if (!w || !handle) return;
        if (w.stepId === null) {
          if (!w.report) return;
          leave();
          return 'left';
        }
        const step = stepOf(w);
        if (!step) return;
        const p = w.phase;
        switch (p.kind) {
          case 'checking':
          case 'running':
            return;
          case 'review':
            if (stepKindOf(step.id) === 'node' && step.writes) {
              if (w.hostKey?.state !== 'ready') {
                get().say(w.hostKey?.state === 'failed' ? `the new node's host key could not be read: ${w.hostKey.reason}` : 'still reading the host key the new node offers', 'warn');
                return;
              }
              setPhase({ kind: 'trust', typed: '', rejected: false });
              return;
            }
            if (step.writes) {
              get().say('this step writes to the new node: y runs it, n or Esc does not', 'warn');
              return;
            }
            runStep({});
            return;
          case 'trust': {
            const offer = w.hostKey?.state === 'ready' ? w.hostKey.value : null;
            if (!offer) return;
            // Only the same fingerprint goes to the engine (which compares it again).
            if (!fingerprintMatches(p.typed, offer.fingerprint)) {
              setPhase({ ...p, rejected: true });
              return;
            }
            runStep({ confirm: true, typedFingerprint: p.typed.trim() });
            return;
          }
          case 'outcome':
            // Done: on to the next step. Failed or blocked: check it again (a fixed step is found done).
            if (isDone(step)) goToNext(generation);
            else {
              setPhase({ kind: 'checking' }, { refused: null });
              void checkStep(generation, step.id);
            }
            return;
          default:
            return assertNever(p);
        }
      },

      rebuildYes: () => {
        const w = get().rebuild;
        if (!w) return;
        if (w.phase.kind === 'running') {
          if (!w.phase.askingCancel) return;
          setPhase({ ...w.phase, askingCancel: false, cancelling: true });
          controller?.abort();
          return;
        }
        const step = stepOf(w);
        if (w.phase.kind !== 'review' || !step?.writes || stepKindOf(step.id) === 'node') return;
        runStep({ confirm: true });
      },

      rebuildNo: () => {
        const w = get().rebuild;
        if (w?.phase.kind === 'running') {
          setPhase({ ...w.phase, askingCancel: false });
          return 'asked';
        }
        return get().rebuildBack();
      },

      rebuildBack: () => {
        const w = get().rebuild;
        if (!w) return 'left';
        if (w.phase.kind === 'running' && w.phase.askingCancel) {
          setPhase({ ...w.phase, askingCancel: false });
          return 'asked';
        }
        if (w.stepId === null || w.opening.state !== 'ready') {
          if (running) return 'asked';
          leave();
          return 'left';
        }
        const prev = previousPhase(w);
        if (prev === 'ask') {
          if (w.phase.kind === 'running') setPhase({ ...w.phase, askingCancel: true });
          return 'asked';
        }
        if (prev === 'leave') {
          leave();
          return 'left';
        }
        setPhase(prev);
        return 'stepped';
      },

      rebuildScroll: (delta) =>
        update((w) => {
          const p = w.phase;
          // The run too: a tier with more guests than the screen holds is read while it restores.
          if (p.kind === 'review' || p.kind === 'outcome' || p.kind === 'running') return { phase: { ...p, scroll: Math.max(0, p.scroll + delta) } };
          return null;
        }),

      rebuildText: () => {
        const p = get().rebuild?.phase;
        return p?.kind === 'trust' ? p.typed : null;
      },

      rebuildSetText: (text) =>
        update((w) => (w.phase.kind === 'trust' ? { phase: { kind: 'trust', typed: text.replace(/\s/g, '').slice(0, 100), rejected: false } } : null)),

      toggleRebuildLog: () => update((w) => ({ showLog: !w.showLog })),

      rebuildSwitchRoute: () => {
        const w = get().rebuild;
        const h = handle;
        const step = w ? stepOf(w) : undefined;
        if (!w || !h || w.phase.kind !== 'review' || step?.id !== 'host-config') return;
        const gen = generation;
        const route = (w.state?.hostConfigRoute ?? 'config-db') === 'config-db' ? 'files' : 'config-db';
        h.chooseHostConfigRoute(route).then(
          () => {
            if (gen === generation) update(() => ({ ...fresh(), phase: { kind: 'review', scroll: 0 } }));
          },
          (e: unknown) => {
            if (gen === generation) get().say(`the route did not change: ${message(e)}`, 'warn');
          },
        );
      },

      cancelRebuild: async () => {
        controller?.abort();
        await running;
        const h = handle;
        handle = null;
        generation++;
        await h?.close().catch(() => undefined);
      },
    };
  };
