/**
 * One reading of the whole estate for the commands that feed the rest of the
 * estate (`metrics`, `notify`, `report`): through the store, as the panel and
 * `strata status` read it (the composition root's services, the journal's
 * evidence, the saved status of the last reading), so every output shows the
 * same truth. The store lives as long as the command: a server's later
 * readings keep the workloads a dead host took out of view.
 */
import type { MetricsReading } from '../services/metrics/status-metrics.js';
import type { AppStore } from '../store/index.js';
import { appStore } from './app.js';
import type { Session } from './session.js';

export interface EstateReader {
  readonly store: AppStore;
  /** Reads every host and layer; rejects when the reading failed as a whole. */
  read(): Promise<MetricsReading>;
}

export async function estateReader(session: Session): Promise<EstateReader> {
  const store = appStore(session, { saveReports: true });
  const saved = await session.loadSavedStatus();
  if (saved) store.getState().showSavedReport(saved.report, saved.readAtMs);
  return {
    store,
    async read() {
      const startedMs = performance.now();
      const report = await store.getState().refresh();
      const readDurationMs = performance.now() - startedMs;
      const s = store.getState();
      if (!report) throw new Error(s.refreshError ?? 'the status could not be read');
      return readingOf(store, readDurationMs);
    },
  };
}

/** The store's current report with the durations of the reading behind it. */
export function readingOf(store: AppStore, readDurationMs?: number): MetricsReading {
  const s = store.getState();
  if (!s.report) throw new Error('no status has been read yet');
  const layerReadMs: Record<string, number> = {};
  const hostReadMs: Record<string, number> = {};
  for (const [id, obs] of Object.entries(s.observations.layers)) if (obs.readDurationMs !== undefined) layerReadMs[id] = obs.readDurationMs;
  for (const [name, obs] of Object.entries(s.observations.hosts)) if (obs.readDurationMs !== undefined) hostReadMs[name] = obs.readDurationMs;
  return {
    report: s.report,
    readAtMs: s.reportReadAtMs ?? Date.now(),
    ...(readDurationMs !== undefined ? { readDurationMs } : {}),
    layerReadMs,
    hostReadMs,
  };
}
