/**
 * The DR engine (api.ts): the plan, and the rebuild started, resumed and
 * reported from the one state file.
 */
import type { DrPlan } from '../../domain/dr/types.js';
import type { Inventory } from '../../domain/inventory.js';
import { DrError, type DrEngine, type RebuildState, type StartOptions } from './api.js';
import { DEFAULT_PARALLEL_PER_STORAGE, type PlanOptions } from './plan-reader.js';
import { loadRebuild, saveRebuild } from './rebuild-file.js';
import { DEFAULT_CONFIG_DB_PATH, DEFAULT_STORAGE, initialState } from './rebuild-steps.js';
import { RebuildRun, type RebuildDeps } from './rebuild.js';
import { buildReport } from './report.js';

export interface DrEngineDeps extends Omit<RebuildDeps, 'inventory'> {
  readonly inventory: Inventory;
  readonly configPath: string;
  plan(opts?: PlanOptions): Promise<DrPlan>;
}

export function createDrEngine(deps: DrEngineDeps): DrEngine {
  const saved = () => loadRebuild(deps.statePath);

  async function fresh(opts: StartOptions): Promise<RebuildState> {
    const parallel = opts.parallelPerStorage ?? DEFAULT_PARALLEL_PER_STORAGE;
    const plan = await deps.plan({ ...(opts.lostHost ? { lostHost: opts.lostHost } : {}), parallelPerStorage: parallel });
    const lost = deps.inventory.hosts.find((h) => h.name === plan.lost.host)!;
    return initialState({
      plan,
      inventory: deps.inventory,
      configPath: deps.configPath,
      address: opts.address ?? lost.address ?? lost.name,
      port: opts.port ?? lost.port ?? 22,
      configDbPath: opts.configDbPath ?? DEFAULT_CONFIG_DB_PATH,
      hostConfigRoute: opts.hostConfigRoute ?? 'config-db',
      storage: opts.storage ?? DEFAULT_STORAGE,
      parallelPerStorage: parallel,
      knownHostsPath: deps.knownHostsPath,
      nowSec: deps.nowSec(),
    });
  }

  return {
    plan: (opts) => deps.plan(opts),
    saved,
    preview: (opts = {}) => fresh(opts),
    async start(opts: StartOptions = {}) {
      const before = await saved();
      if (before && before.finishedAtSec === null && !opts.restart) {
        throw new DrError('rebuild-in-progress', `a rebuild of ${before.lost.node} started ${new Date(before.startedAtSec * 1000).toISOString()} is not finished: resume it (strata dr run --resume) or start over (--restart)`);
      }
      if (deps.readOnly) throw new DrError('read-only', 'read-only mode: the rebuild changes the new node');
      const state = await fresh(opts);
      await saveRebuild(deps.statePath, state);
      return new RebuildRun(deps, state);
    },
    async resume() {
      const state = await saved();
      if (!state) throw new DrError('no-rebuild', 'no rebuild was started here (strata dr run starts one)');
      return new RebuildRun(deps, state);
    },
    async report() {
      const state = await saved();
      return state ? buildReport(state) : null;
    },
  };
}
