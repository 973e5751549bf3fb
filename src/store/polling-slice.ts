/**
 * Polling of what is on screen. A screen `watch`es its scope when shown and
 * the returned function stops it when hidden; each scope is a poller over the
 * hosts it needs (services/poller.ts), every `refreshSeconds` of the inventory,
 * with backoff on failing hosts. `refreshVisible` is the `r` key.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Inventory } from '../domain/inventory.js';
import { hostsOfLayer } from '../domain/layer-kinds/index.js';
import type { CollectOptions } from '../services/collector.js';
import { createPoller, type Poller } from '../services/poller.js';
import type { Observations } from './status-slice.js';

export interface PollScope {
  readonly id: string;
  /** Hosts to read; default: the hosts of `layers`, or every host. */
  readonly hosts?: readonly string[];
  /** Only these layers (a Layer screen); default every layer of the hosts. */
  readonly layers?: readonly string[];
}

export interface PollingSlice {
  /** Ids of the scopes being polled. */
  polling: readonly string[];
  watch(scope: PollScope): () => void;
  refreshVisible(): Promise<void>;
  /** Stops every poller (quit). */
  stopPolling(): void;
}

interface Needs {
  inventory: Inventory | null;
  observations: Observations;
  refresh(opts?: CollectOptions): Promise<unknown>;
}

export interface PollingOptions {
  readonly nowMs: () => number;
  /** Overrides the inventory's refreshSeconds (tests, benchmarks). */
  readonly intervalMs?: number;
}

export function hostsOfScope(inventory: Inventory, scope: PollScope): string[] {
  if (scope.hosts) return [...scope.hosts];
  if (scope.layers) {
    const set = new Set<string>();
    for (const l of inventory.layers) {
      if (!scope.layers.includes(l.id)) continue;
      for (const h of hostsOfLayer(l)) set.add(h);
    }
    return [...set];
  }
  return inventory.hosts.map((h) => h.name);
}

export const createPollingSlice =
  (opts: PollingOptions): StateCreator<PollingSlice & Needs, [], [], PollingSlice> =>
  (set, get) => {
    const pollers = new Map<string, Poller>();
    return {
      polling: [],
      watch: (scope) => {
        const inventory = get().inventory;
        if (!inventory) return () => undefined;
        pollers.get(scope.id)?.stop();
        const keys = hostsOfScope(inventory, scope);
        const poller = createPoller({
          intervalMs: opts.intervalMs ?? inventory.refreshSeconds * 1000,
          keys,
          nowMs: opts.nowMs,
          lastReadAtMs: (host) => get().observations.hostReadAtMs[host],
          poll: async (hosts) => {
            // Every host and no layer filter is a whole reading (workloads' 3-2-1 included).
            const whole = !scope.layers && inventory.hosts.every((h) => hosts.includes(h.name));
            const report = await get().refresh(whole ? {} : { hosts, ...(scope.layers ? { layers: scope.layers } : {}) });
            if (!report) return { failed: hosts };
            const obs = get().observations.hosts;
            return { failed: hosts.filter((h) => obs[h]?.reachable === false) };
          },
        });
        pollers.set(scope.id, poller);
        set((s) => ({ polling: [...s.polling.filter((p) => p !== scope.id), scope.id] }));
        poller.start();
        return () => {
          poller.stop();
          if (pollers.get(scope.id) === poller) {
            pollers.delete(scope.id);
            set((s) => ({ polling: s.polling.filter((p) => p !== scope.id) }));
          }
        };
      },
      refreshVisible: async () => {
        if (pollers.size === 0) {
          await get().refresh();
          return;
        }
        await Promise.all([...pollers.values()].map((p) => p.trigger()));
      },
      stopPolling: () => {
        for (const p of pollers.values()) p.stop();
        pollers.clear();
        set({ polling: [] });
      },
    };
  };
