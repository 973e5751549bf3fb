/**
 * The store of every command, wired to the services of the one composition
 * root (services/root.ts): the panel, `status`, `demo` and the commands to
 * come read, evaluate and act through the same services with the same
 * evidence. Tests build stores with fakes through createAppStore directly.
 */
import type { StartOptions } from '../services/dr/api.js';
import type { Services } from '../services/root.js';
import { createAppStore, type AppStore } from '../store/index.js';
import { journalViews } from '../store/journal-view.js';

export interface AppStoreOptions {
  readonly readOnly?: boolean;
  readonly color?: boolean;
  /** Overrides the inventory's refreshSeconds (tests, benchmarks). */
  readonly pollIntervalMs?: number;
  /** Save each refresh's report for the next start (the panel does; a one-shot `status` need not). */
  readonly saveReports?: boolean;
  /** Runs, verifies and the restore wizard from the keyboard (the panel); without it the store only reads. */
  readonly withActions?: boolean;
  /** How the rebuild wizard starts a new rebuild (the demo's fresh node is on a port of its own). */
  readonly rebuild?: StartOptions;
  /** Each live reading goes to the notifier (the panel while open); a send that fails shows in the status line. */
  readonly notifyOnRefresh?: boolean;
}

export function appStore(services: Services, opts: AppStoreOptions = {}): AppStore {
  const store = createAppStore({
    nowMs: () => Date.now(),
    readStatus: (_inventory, o) => services.readStatus(o),
    restoreEvidence: (layers) => services.restoreEvidence(layers),
    ...(opts.saveReports ? { saveReport: (report, readAtMs) => services.saveStatus(report, readAtMs) } : {}),
    journal: {
      readJournal: async () => journalViews((await services.readJournal()).entries),
    },
    ui: { readOnly: opts.readOnly ?? false, color: opts.color ?? false },
    ...(opts.pollIntervalMs ? { pollIntervalMs: opts.pollIntervalMs } : {}),
    ...(opts.withActions ? { actions: services.actions, restore: services.restore, fileRestore: services.fileRestore } : {}),
    // The DR plan only reads; the rebuild (which writes) comes with the actions.
    dr: opts.withActions ? services.dr : { plan: () => services.dr.plan() },
    ...(opts.rebuild ? { rebuild: { start: opts.rebuild } } : {}),
  });
  store.getState().setInventory(services.inventory);
  if (opts.notifyOnRefresh && services.notifier.targets.length > 0) notifyOnRefresh(services, store);
  return store;
}

/**
 * The panel tells what its refreshes find, as `strata notify` would: the
 * same notifier, state and targets. Dead-man pings are left to the timer's
 * runs, whose rhythm the check expects. Only live readings count (the saved
 * status shown at start is not news).
 */
function notifyOnRefresh(services: Services, store: AppStore): void {
  store.subscribe((s, prev) => {
    if (!s.report || s.report === prev.report || s.reportIsSaved) return;
    const nowSec = (s.reportReadAtMs ?? Date.now()) / 1000;
    services.notifier.afterReading(s.report, nowSec).then(
      (run) => {
        const failed = run.outcomes.filter((o) => !o.ok);
        if (failed.length > 0) {
          const f = failed[0]!;
          const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
          store.getState().say(`notify: not sent to ${f.target}: ${f.what}: ${f.error ?? 'failed'}${more}; kept for the next refresh`, 'warn');
        } else if (run.problems.length > 0) store.getState().say(`notify: ${run.problems[0]}`, 'warn');
      },
      (e: unknown) => store.getState().say(`notify: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
  });
}
