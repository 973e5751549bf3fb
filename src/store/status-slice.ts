/**
 * The status the operator sees: the latest report, when it was read, and
 * whether a refresh is running. Written only by `refresh`; screens read it
 * through selectors.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Inventory } from '../domain/inventory.js';
import type { StatusReport } from '../domain/status-report.js';
import type { CollectOptions } from '../services/collector.js';
import type { StatusReading } from '../services/status-service.js';

export interface StatusDeps {
  readStatus(inventory: Inventory, opts: CollectOptions): Promise<StatusReading>;
  /** Local clock in epoch milliseconds. */
  nowMs(): number;
}

export interface StatusSlice {
  inventory: Inventory | null;
  report: StatusReport | null;
  /** Epoch ms when the shown report was read (it may come from the saved state). */
  reportReadAt: number | null;
  /** True when the shown report was loaded from disk and no refresh has finished yet. */
  reportIsSaved: boolean;
  refreshing: boolean;
  refreshError: string | null;
  setInventory(inventory: Inventory): void;
  showSavedReport(report: StatusReport, readAtMs: number): void;
  refresh(opts?: CollectOptions): Promise<StatusReport | null>;
}

export const createStatusSlice =
  (deps: StatusDeps): StateCreator<StatusSlice, [], [], StatusSlice> =>
  (set, get) => ({
    inventory: null,
    report: null,
    reportReadAt: null,
    reportIsSaved: false,
    refreshing: false,
    refreshError: null,
    setInventory: (inventory) => set({ inventory }),
    showSavedReport: (report, readAtMs) => {
      if (get().report && !get().reportIsSaved) return; // a live reading is newer
      set({ report, reportReadAt: readAtMs, reportIsSaved: true });
    },
    refresh: async (opts = {}) => {
      const inventory = get().inventory;
      if (!inventory) return null;
      set({ refreshing: true, refreshError: null });
      try {
        const { report } = await deps.readStatus(inventory, opts);
        set({ report, reportReadAt: deps.nowMs(), reportIsSaved: false, refreshing: false });
        return report;
      } catch (e) {
        set({ refreshing: false, refreshError: e instanceof Error ? e.message : String(e) });
        return null;
      }
    },
  });
