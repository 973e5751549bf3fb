/**
 * One message per root cause. When a host, a datastore or a bucket is what
 * failed, everything that fails because of it folds into its one problem:
 * - a host that does not answer takes the layers read on it and the workloads
 *   whose live data is on it;
 * - a ZFS pool that is not healthy takes the layers on it (two replications
 *   into one degraded pool are one problem: the pool);
 * - a failing layer (not explained by a host) takes the layers that copy it,
 *   directly or down a copy chain, when they fail too;
 * - a failing workload goes with the failing host or layer it is seen on,
 *   else with a failing layer that may hold it by its configuration (a
 *   guest's copies not known because its node's vzdump storage could not be
 *   read); only a workload with no failing host or layer under it is a problem of
 *   its own (an off-site copy that was never set up, a guest in no job).
 * A problem's health is the worst of what it holds. Pure: the same report
 * gives the same problems, in the same order.
 */
import { parseAssetId } from '../asset-id.js';
import type { Inventory } from '../inventory.js';
import { hostsOfLayer, infoOf, kindInfo } from '../layer-kinds/index.js';
import type { AssetStatus, HostStatus, LayerStatus, StatusReport } from '../status-report.js';
import { HEALTH_ORDER, worstHealth, type Health } from '../types.js';

export type RootKind = 'host' | 'pool' | 'layer' | 'asset';

export interface RootCause {
  /** Stable across readings: `host:pbs1`, `pool:nas1/backup`, `layer:pbs-local`, `asset:vm/100`. */
  readonly key: string;
  readonly kind: RootKind;
  readonly id: string;
  /** For people: "host pbs1", "datastore pbs-local (pbs1)", "workload vm/100 (web01)". */
  readonly what: string;
  /** The worst health of the root and all it holds. */
  readonly health: Health;
  /** The root's own health and reasons. */
  readonly rootHealth: Health;
  readonly reasons: readonly string[];
  /** What failed because of it. */
  readonly layers: readonly string[];
  /** Layers among `layers` that fail because they copy a failing layer. */
  readonly chains: readonly string[];
  readonly workloads: readonly string[];
}

export const rootKey = (kind: RootKind, id: string): string => `${kind}:${id}`;

interface Group {
  readonly kind: RootKind;
  readonly id: string;
  readonly what: string;
  readonly rootHealth: Health;
  readonly reasons: readonly string[];
  readonly layers: string[];
  readonly chains: string[];
  readonly workloads: string[];
  healths: Health[];
}

const severity = (h: Health) => HEALTH_ORDER.indexOf(h);

export function rootCauses(report: StatusReport, inventory: Pick<Inventory, 'layers'>): RootCause[] {
  const groups = new Map<string, Group>();
  const open = (kind: RootKind, id: string, what: string, health: Health, reasons: readonly string[]): Group => {
    const g: Group = { kind, id, what, rootHealth: health, reasons, layers: [], chains: [], workloads: [], healths: [health] };
    groups.set(rootKey(kind, id), g);
    return g;
  };

  const downHosts = new Set(report.hosts.filter((h) => !h.reachable).map((h) => h.name));
  for (const h of report.hosts) if (h.health !== 'ok') open('host', h.name, `host ${h.name}`, h.health, h.reasons);

  const layerById = new Map(report.layers.map((l) => [l.id, l]));
  const inventoryLayer = new Map(inventory.layers.map((l) => [l.id, l]));
  const hostsOf = (l: LayerStatus): string[] => {
    const configured = inventoryLayer.get(l.id);
    return configured ? hostsOfLayer(configured) : [l.host];
  };

  // The group each failing layer belongs to, found once per layer (a chain is walked once).
  const layerGroup = new Map<string, Group>();
  const resolving = new Set<string>();
  const groupOfLayer = (l: LayerStatus): Group => {
    const known = layerGroup.get(l.id);
    if (known) return known;
    resolving.add(l.id);
    let g: Group | undefined;
    const down = hostsOf(l).find((h) => downHosts.has(h));
    if (down !== undefined) g = groups.get(rootKey('host', down));
    const sick = g ? undefined : l.pools?.find((p) => !p.healthy);
    if (sick) {
      const id = `${l.host}/${sick.name}`;
      g = groups.get(rootKey('pool', id)) ?? open('pool', id, `pool ${sick.name} (${l.host})`, 'crit', [`pool ${sick.name} is ${sick.state}${sick.detail ? ` (${sick.detail.replace(/\s+/g, ' ').trim()})` : ''}`]);
    }
    if (g) g.layers.push(l.id);
    else {
      const source = l.copyOf.map((id) => layerById.get(id)).find((s) => s && s.health !== 'ok' && !resolving.has(s.id));
      if (source) {
        g = groupOfLayer(source);
        g.layers.push(l.id);
        g.chains.push(l.id);
      } else {
        const store = kindInfo(l.kind)?.store ?? 'layer';
        g = open('layer', l.id, `${store} ${l.id} (${l.host})`, l.health, l.reasons);
      }
    }
    g.healths.push(l.health);
    resolving.delete(l.id);
    layerGroup.set(l.id, g);
    return g;
  };
  for (const l of report.layers) if (l.health !== 'ok') groupOfLayer(l);

  for (const a of report.assets) {
    if (a.health === 'ok') continue;
    const g = groupOfAsset(a, downHosts, groups, layerGroup) ?? groupOfHolder(a, inventory, layerGroup) ?? open('asset', a.id, a.name && a.name !== a.id ? `workload ${a.id} (${a.name})` : `workload ${a.id}`, a.health, a.reasons);
    if (g.kind !== 'asset' || g.id !== a.id) {
      g.workloads.push(a.id);
      g.healths.push(a.health);
    }
  }

  return [...groups.values()]
    .map(
      (g): RootCause => ({
        key: rootKey(g.kind, g.id),
        kind: g.kind,
        id: g.id,
        what: g.what,
        health: worstHealth(g.healths),
        rootHealth: g.rootHealth,
        reasons: g.reasons,
        layers: g.layers,
        chains: g.chains,
        workloads: g.workloads,
      }),
    )
    .sort((x, y) => severity(y.health) - severity(x.health) || order(x.kind) - order(y.kind) || x.key.localeCompare(y.key));
}

const order = (k: RootKind) => ['host', 'pool', 'layer', 'asset'].indexOf(k);

/** The failing host or layer a failing workload goes with: its live data's dead host first, then a host's group, then any layer's. */
function groupOfAsset(a: AssetStatus, downHosts: ReadonlySet<string>, groups: ReadonlyMap<string, Group>, layerGroup: ReadonlyMap<string, Group>): Group | undefined {
  if (a.host !== null && downHosts.has(a.host)) {
    const g = groups.get(rootKey('host', a.host));
    if (g) return g;
  }
  const candidates = [...new Set([...a.seenOn, ...a.layers.map((l) => l.layerId), ...Object.keys(a.newest)])].flatMap((id) => layerGroup.get(id) ?? []);
  return candidates.find((g) => g.kind === 'host') ?? candidates[0];
}

/** A failing layer that may hold the workload by its kind and configuration, a host's group first. */
function groupOfHolder(a: AssetStatus, inventory: Pick<Inventory, 'layers'>, layerGroup: ReadonlyMap<string, Group>): Group | undefined {
  const parsed = parseAssetId(a.id);
  if (parsed === null) return undefined;
  const ref = { id: a.id, parsed, ...(a.host !== null ? { host: a.host } : {}) };
  const candidates = inventory.layers.flatMap((l) => {
    const g = layerGroup.get(l.id);
    return g && infoOf(l).holds(l, ref) === 'copy' ? [g] : [];
  });
  return candidates.find((g) => g.kind === 'host') ?? candidates[0];
}

/** Every key a problem covers: its root's and those of what folded into it. */
export function coveredKeys(causes: readonly RootCause[]): Set<string> {
  const keys = new Set<string>();
  for (const c of causes) {
    keys.add(c.key);
    for (const l of c.layers) keys.add(rootKey('layer', l));
    for (const w of c.workloads) keys.add(rootKey('asset', w));
  }
  return keys;
}

/** Whether the report still lists the root of a key, and how it is. */
export function healthOfKey(report: StatusReport, key: string): Health | undefined {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  const find = <T extends HostStatus | LayerStatus | AssetStatus>(list: readonly T[], name: (x: T) => string) => list.find((x) => name(x) === id)?.health;
  if (kind === 'host') return find(report.hosts, (h) => h.name);
  if (kind === 'layer') return find(report.layers, (l) => l.id);
  if (kind === 'pool') {
    const pool = report.layers.flatMap((l) => (l.pools ?? []).map((p) => ({ id: `${l.host}/${p.name}`, p }))).find((x) => x.id === id);
    return pool === undefined ? undefined : pool.p.healthy ? 'ok' : 'crit';
  }
  if (kind === 'asset') return find(report.assets, (a) => a.id);
  return undefined;
}
