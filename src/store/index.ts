/**
 * The app store: zustand vanilla, outside React, so the CLI, the TUI and the
 * tests share one source of truth. Each concern is a slice in its own file;
 * services come in as deps (the store may call services, never the reverse).
 * `strata status` passes only the status deps; the TUI passes the rest.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJobsSlice, type ActionDeps, type JobsSlice } from './jobs-slice.js';
import { createJournalSlice, type JournalDeps, type JournalSlice } from './journal-slice.js';
import { createPollingSlice, type PollingSlice } from './polling-slice.js';
import { createStatusSlice, type StatusDeps, type StatusSlice } from './status-slice.js';
import { createUiSlice, type UiOptions, type UiSlice } from './ui-slice.js';

export type AppState = StatusSlice & UiSlice & JobsSlice & JournalSlice & PollingSlice;
export type AppStore = StoreApi<AppState>;

export interface AppDeps extends StatusDeps {
  readonly actions?: ActionDeps;
  readonly journal?: JournalDeps;
  readonly ui?: UiOptions;
  /** Poll interval override (tests, benchmarks); default the inventory's refreshSeconds. */
  readonly pollIntervalMs?: number;
  /** Lines kept per job (default 10,000). */
  readonly jobLineCapacity?: number;
}

export function createAppStore(deps: AppDeps): AppStore {
  return createStore<AppState>()((set, get, api) => ({
    ...createStatusSlice(deps)(set, get, api),
    ...createUiSlice(deps.ui ?? {}, deps.nowMs)(set, get, api),
    ...createJobsSlice(deps.actions ?? {}, { nowMs: deps.nowMs, ...(deps.jobLineCapacity ? { lineCapacity: deps.jobLineCapacity } : {}) })(set, get, api),
    ...createJournalSlice(deps.journal ?? {})(set, get, api),
    ...createPollingSlice({ nowMs: deps.nowMs, ...(deps.pollIntervalMs ? { intervalMs: deps.pollIntervalMs } : {}) })(set, get, api),
  }));
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
/** Whether an action writes to a host on every layer kind (read-only mode then drops its key outright). */
export { changesHostOnEveryKind as actionChangesHostOnEveryKind } from '../services/actions/index.js';
