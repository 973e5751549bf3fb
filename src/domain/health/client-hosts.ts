/**
 * `files/<host>:<path>` names the host by its inventory name. restic records
 * the name a machine calls itself, which may differ (`docker1.lan`, `Docker1`,
 * a PVE node name): keyed by it, one directory would split into two workloads
 * and a tier naming `files/docker1:/srv/app` would never count the restic
 * backups. A client name that is another spelling of exactly one inventory
 * host (its name, its PVE node name) is read as that host. The reader already
 * matched the layer's own host by what `hostname` prints there.
 */
import { filesAssetId, parseAssetId } from '../asset-id.js';
import { sameHostName } from '../host-names.js';
import type { Inventory } from '../inventory.js';
import { infoOf } from '../layer-kinds/index.js';
import type { Asset, HostObservation, LayerObservation, RecoveryPoint } from '../types.js';
import type { EvaluationContext } from './context.js';

/** Observations with every `files/` workload keyed by its inventory host where the client name says which. */
export function attributeClients(inventory: Inventory, hosts: readonly HostObservation[], layers: readonly LayerObservation[]): LayerObservation[] {
  const inventoryOf = clientResolver(inventory, hosts);
  const memo = new Map<string, string>();
  const rekey = (id: string): string => {
    let out = memo.get(id);
    if (out === undefined) {
      const p = parseAssetId(id);
      const host = p?.kind === 'files' ? inventoryOf(p.host) : undefined;
      out = p?.kind === 'files' && host !== undefined ? filesAssetId(host, p.path) : id;
      memo.set(id, out);
    }
    return out;
  };
  return layers.map((obs) => {
    if (!obs.points.some((p) => rekey(p.assetId) !== p.assetId) && !obs.assets.some((a) => rekey(a.id) !== a.id)) return obs;
    const points: RecoveryPoint[] = obs.points.map((p) => (rekey(p.assetId) === p.assetId ? p : { ...p, assetId: rekey(p.assetId) }));
    const seen = new Set<string>();
    const assets: Asset[] = [];
    for (const a of obs.assets) {
      const id = rekey(a.id);
      if (seen.has(id)) continue;
      seen.add(id);
      const parsed = parseAssetId(id);
      assets.push(id === a.id ? a : { ...a, id, ...(parsed?.kind === 'files' ? { host: parsed.host } : {}) });
    }
    return { ...obs, points, assets };
  });
}

/**
 * The inventory host a client name stands for: itself when it is one, else
 * the one host whose name or PVE node name it spells; undefined when none or
 * several do (two hosts both called `pve` by their installer).
 */
export function clientResolver(inventory: Inventory, hosts: readonly HostObservation[]): (client: string) => string | undefined {
  const names = new Set(inventory.hosts.map((h) => h.name));
  const aliases = inventory.hosts.map((h) => {
    const obs = hosts.find((o) => o.name === h.name);
    return { host: h.name, names: [h.name, h.node, obs?.pveNode].filter((n): n is string => typeof n === 'string' && n !== '') };
  });
  return (client) => {
    if (names.has(client)) return client;
    const matches = aliases.filter((a) => a.names.some((n) => sameHostName(n, client)));
    return matches.length === 1 ? matches[0]!.host : undefined;
  };
}

/**
 * Why a configured restic path has no point of its own host when its
 * repository does hold snapshots of that path under a client name that is no
 * inventory host: restic names a snapshot by the hostname of the machine that
 * took it (or `--host`), so a renamed machine or a wrong `--host` leaves the
 * backups under another workload. Null when there is nothing to explain.
 */
export function clientMismatch(ctx: EvaluationContext, assetId: string): string | null {
  const p = parseAssetId(assetId);
  if (p?.kind !== 'files') return null;
  const hostNames = new Set(ctx.inventory.hosts.map((h) => h.name));
  for (const layer of ctx.inventory.layers) {
    const info = infoOf(layer);
    if (!info.readerAttributesWorkloads || layer.host !== p.host || !ctx.readability(layer.id).complete) continue;
    if (!info.configuredAssets(layer).some((a) => a.id === filesAssetId(p.host, p.path))) continue;
    const byAsset = ctx.points.get(layer.id);
    if (byAsset?.has(assetId)) continue;
    const others = [...(byAsset?.keys() ?? [])].flatMap((id) => {
      const o = parseAssetId(id);
      return o?.kind === 'files' && o.path === p.path && !hostNames.has(o.host) ? [o.host] : [];
    });
    if (others.length === 0) continue;
    const names = others.map((n) => `"${n}"`).join(', ');
    return `${layer.id} has snapshots of ${p.path} only under the restic host name ${names}, which is not ${p.host}: they count as ${others.map((n) => filesAssetId(n, p.path)).join(', ')} (restic names a snapshot by its machine's hostname, or --host)`;
  }
  return null;
}
