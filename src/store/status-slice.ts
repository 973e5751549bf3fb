/**
 * The status the operator sees: the latest report, when it was read, and
 * whether a refresh is running. Written only by `refresh` (and the saved
 * report at start-up); screens read it through selectors.
 *
 * The last observation of every host and layer is kept too: the Layer screen
 * lists its recovery points and jobs from it, and a refresh of some hosts or
 * layers (what is on screen, a layer after its job) is merged into it and the
 * whole report evaluated again, so the 3-2-1 of every workload stays whole.
 */
import type { StateCreator } from 'zustand/vanilla';
import { lastKnownAssets } from '../domain/health/last-known.js';
import type { Inventory } from '../domain/inventory.js';
import type { StatusReport } from '../domain/status-report.js';
import type { HostObservation, LayerObservation } from '../domain/types.js';
import type { Collection, CollectOptions } from '../services/collector.js';
import { evaluateStatus, type RestoreEvidence } from '../services/status-service.js';
import { errorText } from '../domain/error-text.js';

export interface StatusDeps {
  /** Reads hosts and layers; the store evaluates the whole estate from what it knows, once per refresh. */
  readStatus(inventory: Inventory, opts: CollectOptions): Promise<{ readonly collection: Collection }>;
  /** Local clock in epoch milliseconds. */
  nowMs(): number;
  /** Called after each refresh with the whole report (the TUI saves it for the next start). */
  saveReport?(report: StatusReport, readAtMs: number): void | Promise<void>;
  /**
   * "Last proven restorable" evidence (verifies and restore drills in the journal). Given the
   * layers' observations, since a verify of a whole layer vouches for the workloads on it.
   */
  restoreEvidence?(layers: Readonly<Record<string, LayerObservation>>): readonly RestoreEvidence[];
}

export interface Observations {
  readonly hosts: Readonly<Record<string, HostObservation>>;
  readonly layers: Readonly<Record<string, LayerObservation>>;
  /** Local epoch ms when each host / layer was last read. */
  readonly hostReadAtMs: Readonly<Record<string, number>>;
  readonly layerReadAtMs: Readonly<Record<string, number>>;
}

export const NO_OBSERVATIONS: Observations = { hosts: {}, layers: {}, hostReadAtMs: {}, layerReadAtMs: {} };

export interface StatusSlice {
  inventory: Inventory | null;
  report: StatusReport | null;
  /** Epoch ms when the shown report was read (it may come from the saved state). */
  reportReadAtMs: number | null;
  /** True when the shown report was loaded from disk and no refresh has finished yet. */
  reportIsSaved: boolean;
  refreshing: boolean;
  /** Refreshes in flight (pollers of what is on screen, a layer after its job). */
  refreshesRunning: number;
  refreshError: string | null;
  observations: Observations;
  setInventory(inventory: Inventory): void;
  showSavedReport(report: StatusReport, readAtMs: number): void;
  refresh(opts?: CollectOptions): Promise<StatusReport | null>;
}

/** Merges a reading into the kept observations; an entry read by a round that started later is kept. */
function mergeObservations(
  prev: Observations,
  reading: { readonly collection: Collection },
  readAtMs: number,
  roundStartedMs: number,
  startedOf: Map<string, number>,
): Observations {
  const hosts = { ...prev.hosts };
  const layers = { ...prev.layers };
  const hostReadAtMs = { ...prev.hostReadAtMs };
  const layerReadAtMs = { ...prev.layerReadAtMs };
  const newer = (key: string) => {
    if ((startedOf.get(key) ?? Number.NEGATIVE_INFINITY) > roundStartedMs) return false;
    startedOf.set(key, roundStartedMs);
    return true;
  };
  for (const h of reading.collection.hosts) {
    if (!newer(`host\0${h.name}`)) continue;
    hosts[h.name] = h;
    hostReadAtMs[h.name] = readAtMs;
  }
  for (const l of reading.collection.layers) {
    if (!newer(`layer\0${l.layerId}`)) continue;
    layers[l.layerId] = l;
    layerReadAtMs[l.layerId] = readAtMs;
  }
  return { hosts, layers, hostReadAtMs, layerReadAtMs };
}

export const createStatusSlice =
  (deps: StatusDeps): StateCreator<StatusSlice, [], [], StatusSlice> =>
  (set, get) => {
    /** Which round wrote each host/layer observation (overlapping refreshes: the later-started round wins). */
    const startedOf = new Map<string, number>();
    let rounds = 0;
    return {
      inventory: null,
      report: null,
      reportReadAtMs: null,
      reportIsSaved: false,
      refreshing: false,
      refreshesRunning: 0,
      refreshError: null,
      observations: NO_OBSERVATIONS,
      setInventory: (inventory) => {
        if (get().inventory === inventory) return;
        // Observations of another inventory may name hosts and layers this one does not have.
        startedOf.clear();
        set({ inventory, observations: NO_OBSERVATIONS });
      },
      showSavedReport: (report, readAtMs) => {
        if (get().report && !get().reportIsSaved) return; // a live reading is newer
        set({ report, reportReadAtMs: readAtMs, reportIsSaved: true });
      },
      refresh: async (opts = {}) => {
        const inventory = get().inventory;
        if (!inventory) return null;
        // Rounds are numbered, not timed: two rounds started in the same millisecond still have an order.
        const startedMs = ++rounds;
        set((s) => ({ refreshing: true, refreshesRunning: s.refreshesRunning + 1, refreshError: null }));
        const done = (s: StatusSlice) => ({ refreshesRunning: s.refreshesRunning - 1, refreshing: s.refreshesRunning - 1 > 0 });
        // The shown report (the saved one at start) knows workloads whose host may be down now: they stay listed.
        const lastKnown = lastKnownAssets(get().report);
        let reading: { readonly collection: Collection };
        try {
          reading = await deps.readStatus(inventory, opts);
        } catch (e) {
          set((s) => ({ ...done(s), refreshError: errorText(e) }));
          return null;
        }
        if (get().inventory !== inventory) {
          set(done); // the inventory changed while reading: this reading belongs to the old one
          return null;
        }
        const readAtMs = deps.nowMs();
        const observations = mergeObservations(get().observations, reading, readAtMs, startedMs, startedOf);
        // Every reading, whole or partial, is merged with what is known and the whole estate evaluated, once.
        const report = evaluateStatus(
          inventory,
          { hosts: Object.values(observations.hosts), layers: Object.values(observations.layers) },
          readAtMs / 1000,
          { evidence: deps.restoreEvidence?.(observations.layers), lastKnown },
        );
        set((s) => ({ ...done(s), report, reportReadAtMs: readAtMs, reportIsSaved: false, observations }));
        if (deps.saveReport) {
          try {
            await deps.saveReport(report, readAtMs);
          } catch {
            // A status that cannot be saved is still shown; the next start just reads afresh.
          }
        }
        return report;
      },
    };
  };
