/**
 * A seeded estate for screen tests: the example homelab inventory and
 * observations chosen so that every health level appears (ok, warn, unknown,
 * crit), evaluated by the real domain rules. `readStatus` answers from these
 * observations as the collector would (only the hosts and layers asked for),
 * counting calls so tests can see what was polled.
 */
import { readFileSync } from 'node:fs';
import { evaluate } from '../../../src/domain/evaluate.js';
import { validateInventory, type Inventory } from '../../../src/domain/inventory.js';
import type { HostObservation, LayerObservation } from '../../../src/domain/types.js';
import type { CollectOptions } from '../../../src/services/collector.js';
import { selectLayers } from '../../../src/services/collector.js';
import type { StatusReading } from '../../../src/services/status-service.js';
import { createAppStore, type AppDeps, type AppStore } from '../../../src/store/index.js';
import { guest, hostUp, job, layerObs, NOW, point } from '../observations.js';

export { NOW };
export const NOW_MS = NOW * 1000;

export function homelab(): Inventory {
  const json: unknown = JSON.parse(readFileSync(new URL('../../../examples/homelab.json', import.meta.url), 'utf8'));
  const r = validateInventory(json);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.inventory;
}

const guests = [guest('vm/100', 'web01'), guest('vm/101', 'db01'), guest('ct/102', 'dns'), guest('ct/103', 'proxy')];

/** pbs2 unreachable (pbs-remote UNKNOWN), restic-usb 60 h old (CRIT), nas-snap 90 min old (WARN), the rest fresh. */
export function observations(): { hosts: HostObservation[]; layers: LayerObservation[] } {
  // pve1's login shell is slow (pyenv in its rc file).
  const hosts = ['pve1', 'pbs1', 'docker1', 'nas1'].map((h) => hostUp(h, h === 'pve1' ? { sessionStartMs: 4200 } : {}));
  hosts.push({ name: 'pbs2', reachable: false, error: 'connect ECONNREFUSED 198.51.100.20:2222', clockSkewSeconds: null, readAtSec: NOW });
  const pts = (layer: string, hoursAgo: number, extra = {}) => guests.map((g) => point(layer, g.id, hoursAgo, extra));
  const layers: LayerObservation[] = [
    layerObs('pve1-snap', [point('pve1-snap', 'vm/100', 3)], { assets: guests }),
    layerObs('pve1-dump', pts('pve1-dump', 5), { assets: guests, jobs: [job('ok', 5)], capacity: { totalBytes: 1000, usedBytes: 500, availBytes: 500 } }),
    layerObs('pbs-local', [...pts('pbs-local', 4, { verification: { state: 'ok', atSec: NOW - 3600 } }), ...pts('pbs-local', 28)], {
      assets: guests,
      jobs: [job('ok', 4, { type: 'backup' }), job('failed', 30, { type: 'verificationjob', kind: 'verify', status: 'job errors' })],
    }),
    { layerId: 'pbs-remote', readAtSec: NOW, points: [], jobs: [], assets: [], errors: [{ kind: 'transport', message: 'host pbs2 is unreachable: connect ECONNREFUSED' }] },
    layerObs('restic-usb', [point('restic-usb', 'files/docker1:/srv/app', 60)]),
    layerObs('restic-cloud', [point('restic-cloud', 'files/docker1:/mnt/usb/pbs', 20), point('restic-cloud', 'files/docker1:/srv/app', 20)]),
    layerObs('nas-snap', [point('nas-snap', 'dataset/tank/data', 1.5), point('nas-snap', 'dataset/tank/media', 1.5)], {
      assets: [
        { id: 'dataset/tank/data', kind: 'dataset', host: 'nas1', pool: 'tank' },
        { id: 'dataset/tank/media', kind: 'dataset', host: 'nas1', pool: 'tank' },
      ],
      pools: [{ name: 'tank', state: 'ONLINE', healthy: true, capacity: { totalBytes: 100, usedBytes: 50, availBytes: 50 } }],
    }),
    layerObs('nas-repl', [point('nas-repl', 'dataset/tank/data', 6)]),
    layerObs('nas-glacier', [point('nas-glacier', 'files/nas1:/backup/data', 30)]),
    layerObs('pve1-config', [point('pve1-config', 'host/pve1', 20)]),
  ];
  return { hosts, layers };
}

export interface FakeStatus {
  readStatus(inventory: Inventory, opts: CollectOptions): Promise<StatusReading>;
  readonly calls: CollectOptions[];
  /** Replace what a host or layer "says" on the next reading. */
  observations: { hosts: HostObservation[]; layers: LayerObservation[] };
  /** Holds the next reading (taken now, answered on release): a refresh that is still running. */
  hold(): () => void;
}

export function fakeStatus(): FakeStatus {
  let gate: Promise<void> | null = null;
  const fake: FakeStatus = {
    calls: [],
    observations: observations(),
    async readStatus(inventory, opts) {
      fake.calls.push(opts);
      const seen = fake.observations;
      const held = gate;
      gate = null;
      if (held) await held;
      const layers = selectLayers(inventory, opts).map((l) => l.id);
      const hostNames = new Set([...(opts.hosts ?? []), ...inventory.layers.filter((l) => layers.includes(l.id)).map((l) => l.host)]);
      const collection = {
        hosts: seen.hosts.filter((h) => hostNames.has(h.name)),
        layers: seen.layers.filter((l) => layers.includes(l.layerId)),
        finishedAtSec: NOW,
      };
      return { report: evaluate(inventory, collection, NOW), collection };
    },
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return release;
    },
  };
  return fake;
}

export interface Seeded {
  readonly store: AppStore;
  readonly status: FakeStatus;
  readonly inventory: Inventory;
}

/** A store with the homelab inventory and, unless `empty`, one finished refresh. */
export async function seededStore(deps: Partial<AppDeps> = {}, opts: { empty?: boolean } = {}): Promise<Seeded> {
  const status = fakeStatus();
  const inventory = homelab();
  const store = createAppStore({ readStatus: status.readStatus, nowMs: () => NOW_MS, pollIntervalMs: 3_600_000, ...deps });
  store.getState().setInventory(inventory);
  if (!opts.empty) await store.getState().refresh();
  return { store, status, inventory };
}
