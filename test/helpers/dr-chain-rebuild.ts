/**
 * A DR rebuild standing at its chains step on fake hosts, for the chain
 * tests of each kind: the state with the steps before it done, and the
 * rebuild's dependencies (the restore engine unused: a chain does not
 * restore guests).
 */
import { join } from 'node:path';
import type { DrPlan } from '../../src/domain/dr/types.js';
import type { Inventory } from '../../src/domain/inventory.js';
import { executePlan } from '../../src/services/actions/index.js';
import type { RebuildState } from '../../src/services/dr/api.js';
import { initialState } from '../../src/services/dr/rebuild-steps.js';
import type { RebuildDeps } from '../../src/services/dr/rebuild.js';
import type { RestoreEngine } from '../../src/services/restore/api.js';
import type { FakeHosts } from './actions/fakes.js';
import type { MemoryJournal } from './actions/memory-journal.js';

/** The rebuild at its chains step: the steps before it done. */
export function stateAtChains(plan: DrPlan, inventory: Inventory, nowSec: number): RebuildState {
  const s = initialState({ plan, inventory, configPath: '/x/inventory.json', address: '10.0.0.1', port: 22, configDbPath: '/root/strata-restore/config.db', storage: 'local-lvm', parallelPerStorage: 2, knownHostsPath: '/x/kh', nowSec });
  return { ...s, target: { ...s.target, hostKeyFingerprint: 'SHA256:x' }, steps: s.steps.map((st) => (['node', 'identity', 'network', 'host-config', 'storage'].includes(st.id) ? { ...st, state: 'done' } : st)) };
}

const notUsed = new Proxy({}, { get: (_t, name) => () => Promise.reject(new Error(`the restore engine is not used by the chains step (${String(name)})`)) }) as RestoreEngine;

/** The rebuild's dependencies on fake hosts, its state saved in DIR. */
export function chainRebuildDeps(o: { inventory: Inventory; hosts: FakeHosts; journal: MemoryJournal; dir: string; nowSec: () => number }): RebuildDeps {
  return {
    inventory: o.inventory,
    statePath: join(o.dir, 'dr-rebuild.json'),
    knownHostsPath: join(o.dir, 'kh'),
    rebuiltServices: () => ({
      restore: notUsed,
      runner: (h) => o.hosts.runnerFor(h),
      execute: (p, io) => executePlan(p, { runnerFor: o.hosts.runnerFor, journal: o.journal, operator: 'test', ...io }),
      close: async () => {},
    }),
    runnerFor: o.hosts.runnerFor,
    lookupEnv: () => undefined,
    journalReport: async () => {},
    nowSec: o.nowSec,
    readOnly: false,
  };
}
