/**
 * The file-restore wizard's state and its named actions (the keys call
 * these, the file engine answers, the screen draws `files`). Its browse step
 * opens the browser slice on the chosen source, with the engine's browse as
 * the loader; the choices made there are the paths restored.
 *
 * Nothing changes a host before `run`, which the confirm step calls only
 * with the typed word (or y when nothing is replaced or destroyed). A cold
 * source's run requests the thaw and ends `thawing`: the engine saved it, the
 * wizard shows its counts (r reads them again), and the operator may leave;
 * the waiting restores (W) bring it back and `resume` copies when all is
 * thawed.
 */
import type { StateCreator } from 'zustand/vanilla';
import { isoTime } from '../domain/format.js';
import { RestoreError } from '../services/restore/api.js';
import type { FileRestoreEngine, FileRestoreEvent, FileRestorePlan, FileRestoreResult, FileRunOptions } from '../services/restore/files-api.js';
import type { Browser, BrowseLoader } from './file-browser.js';
import { selectedPaths } from './file-browser.js';
import type { BrowserOpening } from './browser-slice.js';
import { newRestoreRun, restoreRunFeed, RunControl } from './restore-run.js';
import {
  DEFAULT_FILES_TARGET,
  fileQueryOf,
  filesRequest,
  filesTargetFields,
  filesTargetKinds,
  filesTargetProblem,
  isColdSource,
  isDatasetTarget,
  isFilesRunning,
  OVERWRITE_POLICIES,
  previousFilesStep,
  selectedFileSource,
  type FilesRun,
  type FilesStep,
  type FilesWizard,
} from './files-wizard.js';
import { assertNever } from './routes.js';

export type FilesDeps = Pick<FileRestoreEngine, 'sources' | 'browse' | 'plan' | 'run' | 'thaws' | 'thawStatus' | 'resume'>;

/** Where R was pressed: a files or dataset workload (and a point of a layer), or the waiting restores. */
export interface FilesOpening {
  readonly assetId?: string;
  readonly layerId?: string;
  readonly pointTimeSec?: number;
  /** Open on the saved restores waiting for a thaw. */
  readonly waiting?: boolean;
  /** The files inside a guest's backups (`vm/100:/`), not the guest itself. */
  readonly guestFiles?: boolean;
}

export type FilesBackResult = 'stepped' | 'left' | 'asked';

export interface FilesSlice {
  files: FilesWizard | null;
  filesAvailable: boolean;
  /** True when this workload's restores go through the file wizard. */
  isFileWorkload(assetId: string): boolean;
  openFiles(opening: FilesOpening): void;
  closeFiles(): boolean;
  filesMove(delta: number): void;
  filesChange(delta: 1 | -1): void;
  filesText(): string | null;
  filesSetText(text: string): void;
  filesNext(): void;
  filesYes(): void;
  filesBack(): FilesBackResult;
  filesAskCancel(): void;
  filesAnswerCancel(yes: boolean): void;
  /** r on the waiting step: read the thaw's state now. */
  filesReadThaw(): void;
  cancelFiles(): Promise<void>;
}

interface Needs {
  browser: Browser | null;
  openBrowser(opening: BrowserOpening): void;
  say(text: string, tone?: 'info' | 'warn' | 'error'): void;
  loadJournal(): Promise<void>;
}

export interface FilesOptions {
  readonly nowMs: () => number;
  readonly lineCapacity?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const createFilesSlice =
  (deps: Partial<FilesDeps>, opts: FilesOptions): StateCreator<FilesSlice & Needs, [], [], FilesSlice> =>
  (set, get) => {
    let asked = 0;
    /** The source whose files the browser shows (coming back to the step keeps its choices). */
    let browsing: string | null = null;

    const update = (change: (w: FilesWizard) => Partial<FilesWizard> | null) =>
      set((s) => {
        if (!s.files) return {};
        const c = change(s.files);
        return c ? { files: { ...s.files, ...c } } : {};
      });
    const setStep = (step: FilesStep, extra: Partial<FilesWizard> = {}) => update(() => ({ step, ...extra }));
    const patchRun = (change: Partial<FilesRun>) => update((w) => (w.run ? { run: { ...w.run, ...change } } : null));
    const control = new RunControl(() => get().files?.run, () => {
      const w = get().files;
      return w !== null && w !== undefined && isFilesRunning(w);
    }, patchRun);
    const patchFed = (change: Partial<FilesRun>, grew: boolean) => update((w) => (w.run ? { run: { ...w.run, ...change, revision: w.run.revision + (grew ? 1 : 0) } } : null));
    const loadSources = (w: FilesWizard) => {
      if (!w.query || !deps.sources) return;
      const n = ++asked;
      const point = w.wanted ? { point: { kind: 'at' as const, timeSec: w.wanted.timeSec } } : {};
      deps.sources({ ...w.query, ...point }).then(
        (list) => {
          if (n !== asked) return;
          const at = w.wanted ? list.sources.findIndex((s) => s.layerId === w.wanted!.layerId) : -1;
          const first = at >= 0 ? at : Math.max(0, list.sources.findIndex((s) => s.plannable));
          update((cur) => ({ sources: { state: 'ready', value: list }, ...(cur.step.kind === 'point' ? { step: { kind: 'point', cursor: first } } : {}) }));
        },
        (e: unknown) => {
          if (n === asked) update(() => ({ sources: { state: 'failed', reason: message(e) } }));
        },
      );
    };

    const loadPlan = (w: FilesWizard) => {
      const request = filesRequest(w, isDatasetTarget(w.target.kind) ? [] : chosenPaths());
      if (!request || !deps.plan) return;
      const n = ++asked;
      deps.plan(request).then(
        (plan) => {
          if (n === asked) update(() => ({ plan: { state: 'ready', value: plan } }));
        },
        (e: unknown) => {
          if (n === asked) update(() => ({ plan: { state: 'failed', reason: message(e) } }));
        },
      );
    };

    const chosenPaths = () => {
      const b = get().browser;
      return b ? selectedPaths(b) : [];
    };

    const readThaw = (id: string) => {
      if (!deps.thawStatus) return;
      const n = asked;
      deps.thawStatus(id).then(
        (status) => {
          if (n === asked) update((w) => (w.thaw?.id === id ? { thaw: { id, status: { state: 'ready', value: status } } } : null));
        },
        (e: unknown) => {
          if (n === asked) update((w) => (w.thaw?.id === id ? { thaw: { id, status: { state: 'failed', reason: message(e) } } } : null));
        },
      );
    };

    /** Runs the plan (or resumes a saved thaw) with the engine's events feeding the wizard. */
    const start = (title: string, call: (o: FileRunOptions) => Promise<FileRestoreResult>, onRefused: () => void) => {
      if (control.busy) return;
      const run = newRestoreRun<FileRestoreResult>(opts.nowMs(), opts.lineCapacity);
      setStep({ kind: 'progress' }, { run });
      const feed = restoreRunFeed(run, patchFed, () => {
        if (get().files?.step.kind === 'progress') setStep({ kind: 'checks' });
      });
      const onEvent = (e: FileRestoreEvent) => {
        // A thaw's counts are the wizard's, not the run's.
        if (e.type === 'thaw') update(() => ({ thaw: { id: e.status.id, status: { state: 'ready', value: e.status } } }));
        else feed.onEvent(e);
      };
      control.start(async (signal) => {
        try {
          const result = await call({ signal, onEvent });
          feed.flushNow();
          patchRun({ result, cancelling: false, askingCancel: false });
          if (result.state === 'thawing' && result.thaw) {
            const t = result.thaw;
            setStep({ kind: 'waiting' }, { thaw: { id: t.id, status: { state: 'ready', value: t } }, run: null });
            get().say(`${title}: thaw requested and saved as ${t.id}; q leaves, W or strata restore --resume ${t.id} comes back`, 'info');
          } else {
            setStep({ kind: 'done' });
            get().say(`${title}: ${result.summary}`, result.state === 'restored' ? 'info' : 'warn');
          }
        } catch (e) {
          feed.flushNow();
          const why = e instanceof RestoreError ? e.message : `not started: ${message(e)}`;
          patchRun({ refused: why });
          onRefused();
          get().say(why, 'warn');
          return;
        }
        await get().loadJournal().catch(() => undefined);
      });
    };

    const runPlan = (plan: FileRestorePlan, confirm: string | undefined) => {
      if (!deps.run) return;
      const run = deps.run;
      start(plan.title, (o) => run(plan, { ...o, ...(confirm === undefined ? {} : { confirm }) }), () => setStep({ kind: 'confirm', typed: '', rejected: false }));
    };

    const resumeThaw = (id: string) => {
      if (!deps.resume) return;
      const resume = deps.resume;
      start(`restore ${id}`, (o) => resume(id, o), () => setStep({ kind: 'waiting' }, { run: null }));
    };

    const openBrowse = (w: FilesWizard) => {
      const source = selectedFileSource(w);
      if (!source || !deps.browse) return;
      if (browsing !== source.id || !get().browser) {
        browsing = source.id;
        const browse = deps.browse;
        const load: BrowseLoader = async (dir) => {
          const r = await browse(source.id, dir);
          return { dir: r.dir, entries: r.entries, ...(r.truncated ? { totalEntries: r.entries.length + 1 } : {}) };
        };
        // Open where the operator asked (the path), with the top of what the source covers one Backspace away.
        get().openBrowser({ title: `${source.layerId} @ ${isoTime(source.point.timeSec)}`, root: source.covers, start: source.start, load });
      }
    };

    return {
      files: null,
      filesAvailable: Boolean(deps.sources && deps.browse && deps.plan && deps.run),
      isFileWorkload: (assetId) => fileQueryOf(assetId) !== null,

      openFiles: (opening) => {
        const w = get().files;
        if (w && isFilesRunning(w)) return;
        ++asked;
        browsing = null;
        if (opening.waiting || !opening.assetId) {
          const base: FilesWizard = {
            query: null,
            label: 'restores waiting for a thaw',
            sources: null,
            sourceId: null,
            wanted: null,
            target: DEFAULT_FILES_TARGET,
            priority: null,
            plan: null,
            run: null,
            thaw: null,
            thaws: { state: 'loading' },
            step: { kind: 'thaws', cursor: 0 },
          };
          set({ files: base });
          const n = asked;
          deps.thaws?.().then(
            (list) => n === asked && update(() => ({ thaws: { state: 'ready', value: list } })),
            (e: unknown) => n === asked && update(() => ({ thaws: { state: 'failed', reason: message(e) } })),
          );
          return;
        }
        const query = opening.guestFiles ? { path: `${opening.assetId}:/` } : fileQueryOf(opening.assetId);
        const wanted = opening.layerId && opening.pointTimeSec !== undefined ? { layerId: opening.layerId, timeSec: opening.pointTimeSec } : null;
        const base: FilesWizard = {
          query,
          label: opening.guestFiles ? `files of ${opening.assetId}` : opening.assetId,
          sources: { state: 'loading' },
          sourceId: null,
          wanted,
          target: DEFAULT_FILES_TARGET,
          priority: null,
          plan: null,
          run: null,
          thaw: null,
          thaws: null,
          step: { kind: 'point', cursor: 0 },
        };
        set({ files: base });
        loadSources(base);
      },

      closeFiles: () => {
        const w = get().files;
        if (w && isFilesRunning(w)) return false;
        ++asked;
        set({ files: null });
        return true;
      },

      filesMove: (delta) =>
        update((w) => {
          const clampTo = (i: number, len: number) => Math.max(0, Math.min(i, len - 1));
          switch (w.step.kind) {
            case 'thaws':
              return { step: { ...w.step, cursor: clampTo(w.step.cursor + delta, w.thaws?.state === 'ready' ? w.thaws.value.length : 0) } };
            case 'point':
              return { step: { ...w.step, cursor: clampTo(w.step.cursor + delta, w.sources?.state === 'ready' ? w.sources.value.sources.length : 0) } };
            case 'target':
              return { step: { ...w.step, field: clampTo(w.step.field + delta, filesTargetFields(w.target).length) } };
            case 'thaw':
              return { step: { ...w.step, cursor: clampTo(w.step.cursor + delta, selectedFileSource(w)?.cold?.tiers.length ?? 0) } };
            case 'plan':
              return { step: { ...w.step, scroll: Math.max(0, w.step.scroll + delta) } };
            default:
              return null;
          }
        }),

      filesChange: (delta) =>
        update((w) => {
          if (w.step.kind !== 'target') return null;
          const field = filesTargetFields(w.target)[w.step.field];
          const f = w.target;
          if (field === 'kind') {
            const kinds = filesTargetKinds(selectedFileSource(w), Boolean(w.query?.dataset));
            const i = kinds.indexOf(f.kind);
            return { target: { ...f, kind: kinds[(i + delta + kinds.length) % kinds.length]! }, plan: null };
          }
          if (field === 'overwrite') {
            const i = OVERWRITE_POLICIES.indexOf(f.overwrite);
            return { target: { ...f, overwrite: OVERWRITE_POLICIES[(i + delta + OVERWRITE_POLICIES.length) % OVERWRITE_POLICIES.length]! }, plan: null };
          }
          return null;
        }),

      filesText: () => {
        const w = get().files;
        if (!w) return null;
        if (w.step.kind === 'confirm') return w.plan?.state === 'ready' && w.plan.value.confirmWord !== null ? w.step.typed : null;
        if (w.step.kind === 'target' && filesTargetFields(w.target)[w.step.field] === 'dir') return w.target.dir;
        return null;
      },

      filesSetText: (text) =>
        update((w) => {
          if (w.step.kind === 'confirm') return { step: { ...w.step, typed: text.slice(0, 128), rejected: false } };
          if (w.step.kind === 'target') return { target: { ...w.target, dir: text.replace(/[\s\0]/g, '').slice(0, 512) }, plan: null };
          return null;
        }),

      filesNext: () => {
        const w = get().files;
        if (!w) return;
        const s = w.step;
        switch (s.kind) {
          case 'thaws': {
            if (w.thaws?.state !== 'ready') return;
            const t = w.thaws.value[s.cursor];
            if (!t) return;
            setStep({ kind: 'waiting' }, { thaw: { id: t.id, status: t.last ? { state: 'ready', value: t.last } : { state: 'loading' } }, label: `${t.id} · ${t.paths.join(' ')}` });
            readThaw(t.id);
            return;
          }
          case 'point': {
            if (w.sources?.state !== 'ready') return;
            const source = w.sources.value.sources[s.cursor];
            if (!source) return;
            if (!source.plannable) return get().say(`${source.layerId}: ${source.whyNot ?? 'Strata cannot plan a restore from it'}`, 'warn');
            const same = source.id === w.sourceId;
            const kinds = filesTargetKinds(source, Boolean(w.query?.dataset));
            const target = same ? w.target : { ...DEFAULT_FILES_TARGET, kind: kinds[0]! };
            const next: FilesWizard = { ...w, sourceId: source.id, target, plan: same ? w.plan : null, step: { kind: 'browse' } };
            set({ files: next });
            openBrowse(next);
            return;
          }
          case 'browse':
            setStep({ kind: 'target', field: 0 });
            return;
          case 'target': {
            const problem = filesTargetProblem(w.target);
            if (problem) return get().say(problem, 'warn');
            const source = selectedFileSource(w);
            if (isColdSource(source) && !isDatasetTarget(w.target.kind)) {
              const tiers = source!.cold!.tiers;
              const at = Math.max(0, tiers.findIndex((t) => t.priority === (w.priority ?? 'Standard') && t.available));
              setStep({ kind: 'thaw', cursor: at });
              return;
            }
            const next: FilesWizard = { ...w, plan: { state: 'loading' }, step: { kind: 'preflight' } };
            set({ files: next });
            loadPlan(next);
            return;
          }
          case 'thaw': {
            const tier = selectedFileSource(w)?.cold?.tiers[s.cursor];
            if (!tier) return;
            if (!tier.available) return get().say(`${tier.priority} is not offered for ${selectedFileSource(w)!.cold!.storageClass}`, 'warn');
            const next: FilesWizard = { ...w, priority: tier.priority, plan: { state: 'loading' }, step: { kind: 'preflight' } };
            set({ files: next });
            loadPlan(next);
            return;
          }
          case 'preflight':
            if (w.plan?.state !== 'ready') return;
            if (!w.plan.value.ready) return get().say('a preflight check failed: nothing can run (Esc: back to change the target)', 'warn');
            setStep({ kind: 'plan', scroll: 0 });
            return;
          case 'plan':
            setStep({ kind: 'confirm', typed: '', rejected: false });
            return;
          case 'confirm': {
            if (w.plan?.state !== 'ready') return;
            const plan = w.plan.value;
            if (plan.confirmWord === null) return get().say('y runs it; Esc goes back (nothing has run)');
            if (s.typed !== plan.confirmWord) return setStep({ ...s, rejected: true });
            runPlan(plan, s.typed);
            return;
          }
          case 'waiting': {
            const t = w.thaw;
            if (t?.status.state !== 'ready') return;
            if (!t.status.value.ready) return get().say(`not every object is thawed yet (${t.status.value.wait}): r reads the state again, q leaves`, 'info');
            resumeThaw(t.id);
            return;
          }
          case 'progress':
          case 'checks':
            return;
          case 'done':
            get().closeFiles();
            return;
          default:
            return assertNever(s);
        }
      },

      filesYes: () => {
        const w = get().files;
        if (w?.step.kind !== 'confirm' || w.plan?.state !== 'ready' || w.plan.value.confirmWord !== null) return;
        runPlan(w.plan.value, undefined);
      },

      filesBack: () => {
        const w = get().files;
        if (!w) return 'left';
        if (control.closeQuestion()) return 'asked';
        const prev = previousFilesStep(w);
        if (prev === 'ask') {
          patchRun({ askingCancel: true });
          return 'asked';
        }
        if (prev === 'leave') {
          ++asked;
          set({ files: null });
          return 'left';
        }
        let step = prev;
        if (step.kind === 'point' && w.sources?.state === 'ready') step = { kind: 'point', cursor: Math.max(0, w.sources.value.sources.findIndex((x) => x.id === w.sourceId)) };
        update(() => ({ step, ...(w.run?.refused ? { run: null } : {}) }));
        return 'stepped';
      },

      filesAskCancel: () => control.askCancel(),

      filesAnswerCancel: (yes) => control.answerCancel(yes),

      filesReadThaw: () => {
        const t = get().files?.thaw;
        if (!t) return;
        update((w) => ({ thaw: { id: t.id, status: w.thaw?.status.state === 'ready' ? w.thaw.status : { state: 'loading' } } }));
        readThaw(t.id);
      },

      cancelFiles: async () => {
        await control.cancel();
      },
    };
  };

