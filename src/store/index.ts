/**
 * The app store: zustand vanilla, outside React, so the CLI, the TUI and the
 * tests share one source of truth. Each concern is a slice in its own file.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createStatusSlice, type StatusDeps, type StatusSlice } from './status-slice.js';

export type AppState = StatusSlice;
export type AppStore = StoreApi<AppState>;

export type AppDeps = StatusDeps;

export function createAppStore(deps: AppDeps): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createStatusSlice(deps)(...a),
  }));
}
