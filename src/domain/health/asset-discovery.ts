/**
 * Which workloads exist. Assets come from what hosts report (PVE guests,
 * configured datasets, restic paths), from the inventory (what its layers and
 * tiers name, read or not), from points found, and from the last reading,
 * except where an authoritative list that was read completely says the asset
 * is gone: backups of a deleted guest are history, not a workload to protect.
 * A workload never vanishes because a host is down: one the last reading
 * knew stays while any layer that could hold it cannot be read.
 */
import { parseAssetId } from '../asset-id.js';
import type { Tier } from '../inventory.js';
import { infoOf } from '../layer-kinds/index.js';
import type { Asset, AssetKind } from '../types.js';
import { holdersOf } from './asset-holders.js';
import { configuredAssets } from './configured-assets.js';
import type { EvaluationContext } from './context.js';
import type { LastKnownAsset } from './last-known.js';

export interface KnownAsset {
  readonly id: string;
  readonly kind: AssetKind | null;
  readonly name?: string;
  readonly host?: string;
  /** ZFS pool of the live data, when known: snapshots there are rollback points. */
  readonly pool?: string;
  readonly template: boolean;
  /** Some host reported it as existing. */
  readonly reported: boolean;
  /** Some host that lists this kind of asset answered completely. */
  readonly kindListed: boolean;
  readonly tier: Tier | null;
  /** Guest lists of different clusters that each report this id (node names per cluster): its backups cannot be told apart. */
  readonly collidesIn?: readonly string[];
  /** Layers that held a point of it at the last reading. */
  readonly seenOn: readonly string[];
}

/** Guests are listed together: a node reports its VMs and containers in one answer. */
const family = (kind: AssetKind | null): string => (kind === 'vm' || kind === 'ct' ? 'guest' : (kind ?? 'other'));

export function discoverAssets(ctx: EvaluationContext): KnownAsset[] {
  const tierOf = new Map<string, Tier>();
  for (const tier of ctx.inventory.tiers) for (const a of tier.assets) if (!tierOf.has(a)) tierOf.set(a, tier);

  const reported = new Map<string, Asset>();
  for (const obs of ctx.layerObs.values()) {
    if (!ctx.layerById.has(obs.layerId)) continue;
    for (const a of obs.assets) {
      const prev = reported.get(a.id);
      reported.set(a.id, prev === undefined ? a : mergeAsset(prev, a));
    }
  }
  const listedFamilies = authoritativelyListed(ctx);
  const collisions = guestIdCollisions(ctx);
  const configured = configuredOf(ctx);

  const ids = new Set<string>([...reported.keys(), ...tierOf.keys(), ...configured.keys()]);
  for (const byAsset of ctx.points.values()) {
    for (const id of byAsset.keys()) {
      if (ids.has(id)) continue;
      const kind = parseAssetId(id)?.kind ?? null;
      if (!listedFamilies.has(family(kind))) ids.add(id);
    }
  }
  for (const last of ctx.lastKnown.values()) {
    if (!ids.has(last.id) && stillKnown(ctx, last, listedFamilies)) ids.add(last.id);
  }

  const out: KnownAsset[] = [];
  for (const id of ids) {
    const r = reported.get(id);
    const c = configured.get(id);
    const last = ctx.lastKnown.get(id);
    const parsed = parseAssetId(id);
    const kind = r?.kind ?? c?.kind ?? last?.kind ?? parsed?.kind ?? null;
    const tier = tierOf.get(id) ?? null;
    if (r?.template && tier === null && !hasPoints(ctx, id)) continue;
    const name = r?.name ?? c?.name ?? last?.name;
    const host = r?.host ?? c?.host ?? last?.host ?? (parsed?.kind === 'files' || parsed?.kind === 'host' ? parsed.host : undefined);
    const pool = r?.pool ?? c?.pool ?? (parsed?.kind === 'dataset' ? parsed.pool : undefined);
    out.push({
      id,
      kind,
      ...(name === undefined ? {} : { name }),
      ...(host === undefined || host === null ? {} : { host }),
      ...(pool === undefined ? {} : { pool }),
      template: r?.template ?? false,
      reported: r !== undefined,
      kindListed: listedFamilies.has(family(kind)),
      tier,
      ...(collisions.has(id) ? { collidesIn: collisions.get(id)! } : {}),
      seenOn: last?.seenOn ?? [],
    });
  }
  return out.sort(compareAssets);
}

/**
 * What the inventory's layers name. A restic path is listed from the
 * configuration only while its layer cannot be read (read, the reader decides
 * whose path it is), and not when the last reading found it under another
 * client: a host that only reads a repository others write has no such path.
 */
function configuredOf(ctx: EvaluationContext): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const { asset, layerId } of configuredAssets(ctx.inventory.layers)) {
    const layer = ctx.layerById.get(layerId)!;
    if (infoOf(layer).readerAttributesWorkloads) {
      if (ctx.readability(layerId).complete) continue;
      const path = asset.name;
      const elsewhere = [...ctx.lastKnown.values()].some((a) => {
        const p = parseAssetId(a.id);
        return p?.kind === 'files' && p.path === path && p.host !== layer.host && (a.seenOn ?? []).includes(layerId);
      });
      if (elsewhere) continue;
    }
    if (!out.has(asset.id)) out.set(asset.id, asset);
  }
  return out;
}

/**
 * A workload of the last reading is still one unless an authoritative list
 * read now says it is gone (a deleted guest), or every layer that could hold
 * it answered completely and none has it any more.
 */
function stillKnown(ctx: EvaluationContext, last: LastKnownAsset, listedFamilies: ReadonlySet<string>): boolean {
  const kind = last.kind ?? parseAssetId(last.id)?.kind ?? null;
  if (listedFamilies.has(family(kind))) return false;
  const held = { id: last.id, ...(typeof last.host === 'string' ? { host: last.host } : {}), seenOn: last.seenOn ?? [] };
  return holdersOf(ctx, held).some((h) => !ctx.readability(h.layer.id).complete);
}

/**
 * Families whose every existing asset is known: some layer gave an
 * authoritative list of them (`listsAllOf`, a cluster's guest list) and every
 * layer that gives one was read completely. Anything less (a not-backed-up
 * list, one node's answer, a listing host that is down) proves nothing about
 * what was deleted, so every asset with points stays a workload. Guest lists
 * cover their own cluster only: every PVE node of the inventory must be in
 * one, or a second standalone node's guests would pass for deleted.
 */
function authoritativelyListed(ctx: EvaluationContext): Set<string> {
  const listed = new Set<string>();
  const failed = new Set<string>();
  const coveredNodes = new Set<string>();
  const listingHosts = new Set<string>();
  for (const [layerId, layer] of ctx.layerById) {
    const obs = ctx.layerObs.get(layerId);
    const families = obs?.listsAllOf?.map(family) ?? (infoOf(layer).listsGuests ? ['guest'] : []);
    const complete = obs !== undefined && ctx.readability(layerId).complete;
    for (const f of families) (complete && obs?.listsAllOf ? listed : failed).add(f);
    if (complete && obs?.listsAllOf) {
      listingHosts.add(layer.host);
      for (const n of obs.listedNodes ?? []) coveredNodes.add(n);
    }
  }
  for (const f of failed) listed.delete(f);
  if (listed.has('guest')) {
    const pveHosts = new Set(ctx.inventory.layers.filter((l) => infoOf(l).onPveNode).map((l) => l.host));
    const uncovered = [...pveHosts].some((name) => {
      const host = ctx.inventory.hosts.find((h) => h.name === name);
      return !listingHosts.has(name) && !coveredNodes.has(ctx.hostObs.get(name)?.pveNode ?? host?.node ?? name);
    });
    if (uncovered) listed.delete('guest');
  }
  return listed;
}

/**
 * Guest ids reported by the lists of two different clusters (lists whose nodes
 * do not overlap): both clusters number their guests from 100, and PBS keeps
 * both under one group, so such an id's backups prove nothing for either guest.
 */
function guestIdCollisions(ctx: EvaluationContext): Map<string, string[]> {
  const clusters: { nodes: Set<string>; ids: Set<string>; names: Map<string, string> }[] = [];
  for (const obs of ctx.layerObs.values()) {
    if (!obs.listsAllOf || !obs.listedNodes || !ctx.layerById.has(obs.layerId)) continue;
    const nodes = new Set(obs.listedNodes);
    const ids = new Set(obs.assets.map((a) => a.id));
    const names = new Map(obs.assets.flatMap((a) => (a.name === undefined ? [] : [[a.id, a.name] as const])));
    // Node names alone can agree by chance (two standalone hosts left at the installer's "pve"):
    // one cluster's two lists also agree on what each guest is called.
    const same = clusters.find((c) => [...nodes].some((n) => c.nodes.has(n)) && ![...names].some(([id, name]) => c.names.has(id) && c.names.get(id) !== name));
    if (same) {
      for (const n of nodes) same.nodes.add(n);
      for (const i of ids) same.ids.add(i);
      for (const [i, n] of names) same.names.set(i, n);
    } else clusters.push({ nodes, ids, names });
  }
  const out = new Map<string, string[]>();
  if (clusters.length < 2) return out;
  const seen = new Map<string, string[]>();
  for (const c of clusters) {
    const label = [...c.nodes].sort().join(', ');
    for (const id of c.ids) seen.set(id, [...(seen.get(id) ?? []), label]);
  }
  for (const [id, labels] of seen) if (labels.length > 1) out.set(id, labels);
  return out;
}

function mergeAsset(a: Asset, b: Asset): Asset {
  return {
    ...b,
    ...a,
    ...(a.name === undefined && b.name !== undefined ? { name: b.name } : {}),
    ...(a.host === undefined && b.host !== undefined ? { host: b.host } : {}),
    ...(a.pool === undefined && b.pool !== undefined ? { pool: b.pool } : {}),
  };
}

function hasPoints(ctx: EvaluationContext, id: string): boolean {
  for (const byAsset of ctx.points.values()) if (byAsset.has(id)) return true;
  return false;
}

const KIND_ORDER = ['host', 'guest', 'dataset', 'files'];

/** Hosts, then guests by VMID, then datasets and files by name. */
function compareAssets(a: KnownAsset, b: KnownAsset): number {
  const ka = KIND_ORDER.indexOf(family(a.kind));
  const kb = KIND_ORDER.indexOf(family(b.kind));
  if (ka !== kb) return (ka < 0 ? 99 : ka) - (kb < 0 ? 99 : kb);
  const pa = parseAssetId(a.id);
  const pb = parseAssetId(b.id);
  if (pa && pb && 'vmid' in pa && 'vmid' in pb) return pa.vmid - pb.vmid;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
