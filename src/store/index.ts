/**
 * The app store: zustand vanilla, outside React, so the CLI, the TUI and the
 * tests share one source of truth. Each concern is a slice in its own file;
 * services come in as deps (the store may call services, never the reverse).
 * `strata status` passes only the status deps; the TUI passes the rest.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createBrowserSlice, type BrowserSlice } from './browser-slice.js';
import { createFilesSlice, type FilesDeps, type FilesSlice } from './files-slice.js';
import { createJobsSlice, type ActionDeps, type JobsSlice } from './jobs-slice.js';
import { createJournalSlice, type JournalDeps, type JournalSlice } from './journal-slice.js';
import { createPollingSlice, type PollingSlice } from './polling-slice.js';
import { createDrSlice, type DrPlanDeps, type DrSlice } from './dr-slice.js';
import { createRebuildSlice, type RebuildWizardDeps, type RebuildOptions, type RebuildSlice } from './rebuild-slice.js';
import { createRestoreSlice, type RestoreDeps, type RestoreSlice } from './restore-slice.js';
import { createStatusSlice, type StatusDeps, type StatusSlice } from './status-slice.js';
import { createUiSlice, type UiOptions, type UiSlice } from './ui-slice.js';

export type AppState = StatusSlice & UiSlice & JobsSlice & JournalSlice & PollingSlice & RestoreSlice & BrowserSlice & FilesSlice & DrSlice & RebuildSlice;
export type AppStore = StoreApi<AppState>;

export interface AppDeps extends StatusDeps {
  readonly actions?: ActionDeps;
  /** The restore engine, for the wizard; without it R says the session has none. */
  readonly restore?: RestoreDeps;
  /** The file and dataset restore engine, for the file wizard; without it R on a files workload says the session has none. */
  readonly fileRestore?: FilesDeps;
  /** The DR engine, for the DR screen; without it X says the session has none. */
  readonly dr?: DrPlanDeps & Partial<RebuildWizardDeps>;
  /** How the rebuild wizard starts a new rebuild (the new node's address, the guests' storage). */
  readonly rebuild?: Omit<RebuildOptions, 'lineCapacity'>;
  readonly journal?: JournalDeps;
  readonly ui?: UiOptions;
  /** Poll interval override (tests, benchmarks); default the inventory's refreshSeconds. */
  readonly pollIntervalMs?: number;
  /** Lines kept per job (default 10,000). */
  readonly jobLineCapacity?: number;
}

export function createAppStore(deps: AppDeps): AppStore {
  const store = createStore<AppState>()((set, get, api) => ({
    ...createStatusSlice(deps)(set, get, api),
    ...createUiSlice(deps.ui ?? {}, deps.nowMs)(set, get, api),
    ...createJobsSlice(deps.actions ?? {}, { nowMs: deps.nowMs, ...(deps.jobLineCapacity ? { lineCapacity: deps.jobLineCapacity } : {}) })(set, get, api),
    ...createJournalSlice(deps.journal ?? {})(set, get, api),
    ...createPollingSlice({ nowMs: deps.nowMs, ...(deps.pollIntervalMs ? { intervalMs: deps.pollIntervalMs } : {}) })(set, get, api),
    ...createBrowserSlice()(set, get, api),
    ...createFilesSlice(deps.fileRestore ?? {}, { nowMs: deps.nowMs, ...(deps.jobLineCapacity ? { lineCapacity: deps.jobLineCapacity } : {}) })(set, get, api),
    ...createRestoreSlice(deps.restore ?? {}, { nowMs: deps.nowMs, ...(deps.jobLineCapacity ? { lineCapacity: deps.jobLineCapacity } : {}) })(set, get, api),
    ...createDrSlice(deps.dr ?? {})(set, get, api),
    ...createRebuildSlice(deps.dr ?? {}, { ...(deps.rebuild ?? {}), ...(deps.jobLineCapacity ? { lineCapacity: deps.jobLineCapacity } : {}) })(set, get, api),
  }));
  // Quitting cancels what runs on hosts: the jobs and the wizard's restore alike.
  const cancelJobs = store.getState().cancelAll;
  store.setState({ cancelAll: async () => void (await Promise.all([cancelJobs(), store.getState().cancelRestore(), store.getState().cancelFiles(), store.getState().cancelRebuild()])) });
  return store;
}

export type { Route, RouteKind } from './routes.js';
export { routeKey, assertNever, ROUTE_KINDS } from './routes.js';
export type { ActionDeps, Job, JobState, Pending } from './jobs-slice.js';
export type { JournalDeps, JournalEntryView } from './journal-slice.js';
export { endedAtMs, isStrataJobType, layerActivity, type LayerActivity } from './journal-view.js';
export type { Overlay, Message, UiOptions } from './ui-slice.js';
export { currentRoute, cursorKey } from './ui-slice.js';
export type { PollScope } from './polling-slice.js';
export type { StatusDeps, Observations } from './status-slice.js';
export { LineBuffer } from './line-buffer.js';
export type { RestoreDeps, RestoreOpening, BackResult } from './restore-slice.js';
export * from './restore-wizard.js';
export type { BrowserOpening } from './browser-slice.js';
export * from './file-browser.js';
export type { FilesDeps, FilesOpening, FilesBackResult } from './files-slice.js';
export * from './files-wizard.js';
export type { FileRestorePlan, FileRestoreResult, FileSource, FileSourceList, SavedThaw, ThawProgress, ThawTier, OverwritePolicy } from '../services/restore/files-api.js';
export type { DrPlanDeps } from './dr-slice.js';
export type { RebuildWizardDeps, RebuildOptions } from './rebuild-slice.js';
export * from './rebuild-wizard.js';
export type { ChainPhase, ChainRun, DrReport, GuestRun, HostKeyOffer, RebuildCommand, RebuildState, RebuildStep } from '../services/dr/api.js';
export { CHAIN_PHASES } from '../services/dr/api.js';
export type { DrPlan, GuestPath, PlannedGuest, Prerequisite, SurvivingCopy, TierPlan } from '../domain/dr/types.js';
export type { CheckResult, PreflightCheck, RestorePlan, RestoreResult, RestoreSource, SourceList, StepProgress } from '../services/restore/api.js';
/** Whether an action writes to a host on every layer kind (read-only mode then drops its key outright). */
export { changesHostOnEveryKind as actionChangesHostOnEveryKind } from '../services/actions/index.js';
