/**
 * 3-2-1 per workload (DESIGN.md "Workloads (assets) and 3-2-1"): the newest
 * point per layer, direct or through copy chains; copies = 1 (the live data)
 * + layers holding a fresh point that is not a rollback point on the
 * primary's own storage; media = distinct media among those; off-site = those
 * with `offsite`. Shortfalls against the tier are reasons; a shortfall that an
 * unreadable layer might explain is UNKNOWN rather than a verdict.
 *
 * Freshness: a point is fresh within its tier's RPO, or within the RPO of
 * the layer holding it when that is longer (a weekly off-site copy counts for
 * a daily tier while that layer itself is on time; its own RPO rule flags it
 * otherwise). Assets in no tier use the layer's RPO (defaultTier.rpo when the
 * layer has none).
 */
import { parseAssetId } from '../asset-id.js';
import { formatDuration } from '../duration.js';
import { isoTime } from '../format.js';
import type { Layer } from '../inventory.js';
import type { AssetLayerStatus, AssetStatus } from '../status-report.js';
import { worstHealth, type Health, type Reason, type RecoveryPoint } from '../types.js';
import type { KnownAsset } from './asset-discovery.js';
import { reasonMessages, type EvaluationContext } from './context.js';
import type { ChainIndex } from './copy-chains.js';

export function evaluateAsset(
  ctx: EvaluationContext,
  chains: ChainIndex,
  asset: KnownAsset,
  provenAt: number | undefined,
): AssetStatus {
  const tier = asset.tier;
  const d = ctx.inventory.defaultTier;
  const required = tier
    ? { copies: tier.copies, media: tier.media, offsite: tier.offsite, rpoSeconds: tier.rpoSeconds }
    : { copies: d.copies, media: d.media, offsite: d.offsite, rpoSeconds: null };

  const entries: (AssetLayerStatus & { time: number; age: number; rollback: boolean })[] = [];
  for (const layer of ctx.inventory.layers) {
    const r = chains.reach(layer.id, asset.id);
    if (r === null) continue;
    const rollback = r.via.length === 0 && isRollbackPoint(layer, r.point, asset);
    const age = ctx.hostNow(layer.host) - r.time;
    const window = tier ? Math.max(tier.rpoSeconds, layer.rpoSeconds ?? 0) : (layer.rpoSeconds ?? d.rpoSeconds);
    const fresh = age <= window;
    entries.push({
      layerId: layer.id,
      newestAt: isoTime(r.time),
      via: [...r.via],
      hopLagSeconds: r.hopLagSeconds.map((s) => Math.round(s)),
      fresh,
      countsAsCopy: fresh && !rollback,
      media: layer.media ?? null,
      offsite: layer.offsite === true,
      time: r.time,
      age,
      rollback,
    });
  }

  const counted = entries.filter((e) => e.countsAsCopy);
  const copies = 1 + counted.length;
  const mediaSet = [...new Set(counted.flatMap((e) => (e.media === null ? [] : [e.media])))];
  const offsite = counted.filter((e) => e.offsite).length;

  const shortfalls: Reason[] = [];
  const others: Reason[] = [];
  const say = (list: Reason[], health: Reason['health'], message: string) =>
    list.push({ health, message: `${asset.id}: ${message}`, assetId: asset.id });

  const backups = entries.filter((e) => !e.rollback);
  const newestBackup = backups.reduce<(typeof backups)[number] | undefined>((a, e) => (a === undefined || e.time > a.time ? e : a), undefined);
  if (entries.length === 0) {
    say(shortfalls, 'crit', `no recovery point on any layer; 1 of ${required.copies} copies`);
  } else if (copies < required.copies) {
    if (copies === 1) {
      const newest = newestBackup
        ? `newest backup is ${formatDuration(newestBackup.age)} old on ${newestBackup.layerId}`
        : `only rollback points (${entries.map((e) => e.layerId).join(', ')})`;
      say(shortfalls, 'crit', `no fresh backup (${newest}); 1 of ${required.copies} copies`);
    } else {
      say(shortfalls, 'warn', `${copies} of ${required.copies} copies (${['live', ...counted.map((e) => e.layerId)].join(', ')})`);
    }
  }
  if (mediaSet.length < required.media) {
    say(shortfalls, 'warn', `${mediaSet.length} of ${required.media} media${mediaSet.length ? ` (${mediaSet.join(', ')})` : ''}`);
  }
  if (offsite < required.offsite) {
    const stale = entries.filter((e) => e.offsite && !e.fresh).map((e) => `${e.layerId} newest ${formatDuration(e.age)} old`);
    say(shortfalls, 'warn', `${offsite} of ${required.offsite} off-site copies${stale.length ? ` (${stale.join(', ')})` : ''}`);
  }
  if (tier && newestBackup) {
    const factor = ctx.inventory.thresholds.rpoCritFactor;
    if (newestBackup.age > tier.rpoSeconds) {
      say(
        shortfalls,
        newestBackup.age > tier.rpoSeconds * factor ? 'crit' : 'warn',
        `newest backup is ${formatDuration(newestBackup.age)} old (${newestBackup.layerId}), RPO ${formatDuration(tier.rpoSeconds)}`,
      );
    }
  }
  if (asset.collidesIn) {
    say(others, 'unknown', `the id is a guest of ${asset.collidesIn.length} clusters (nodes ${asset.collidesIn.join('; ')}): their backups share it and cannot be told apart`);
  }
  if (tier && !asset.reported && asset.kindListed) {
    say(others, 'warn', `named in ${tier.name} but no host reports it (deleted or renamed?)`);
  }

  const unreadable = shortfalls.length === 0 ? [] : unreadableHolders(ctx, asset, entries);
  const reasons: Reason[] =
    unreadable.length === 0
      ? [...shortfalls, ...others]
      : [
          { health: 'unknown', assetId: asset.id, message: `${asset.id}: copies not known: ${unreadable.join(', ')} could not be read` },
          ...shortfalls.map((r) => ({ ...r, health: 'unknown' as const })),
          ...others,
        ];
  const health: Health = worstHealth(reasons.map((r) => r.health));

  const parsed = parseAssetId(asset.id);
  return {
    id: asset.id,
    name: asset.name ?? displayName(asset.id),
    tier: tier?.name ?? null,
    health,
    copies,
    media: mediaSet.length,
    offsite,
    newest: Object.fromEntries(entries.map((e) => [e.layerId, e.newestAt!])),
    reasons: reasonMessages(reasons),
    kind: asset.kind ?? parsed?.kind ?? null,
    host: asset.host ?? null,
    required,
    layers: entries.map(({ time: _t, age: _a, rollback: _r, ...e }) => e),
    lastProvenRestorableAt: provenAt === undefined ? null : isoTime(provenAt),
  };
}

function displayName(id: string): string {
  const p = parseAssetId(id);
  if (p === null) return id;
  if (p.kind === 'dataset') return p.dataset;
  if (p.kind === 'files') return `${p.host}:${p.path}`;
  if (p.kind === 'host') return p.host;
  return id;
}

/**
 * A snapshot on the primary's own storage protects against mistakes, not
 * against losing that storage: PVE guest snapshots always, ZFS snapshots on
 * the pool holding the live data (and when that pool is not known), and a
 * replication into that same pool.
 */
function isRollbackPoint(layer: Layer, point: RecoveryPoint, asset: KnownAsset): boolean {
  if (layer.kind === 'pve-snapshots') return true;
  const pool = /^([^/@]+)[/@]/.exec(point.ref)?.[1];
  if (layer.kind === 'zfs-snapshots') return asset.pool === undefined || pool === undefined || pool === asset.pool;
  // A replica on another dataset of the same pool of the same host dies with that pool.
  if (layer.kind === 'zfs-replication') return (layer.source.host ?? layer.host) === layer.host && pool !== undefined && pool === asset.pool;
  return false;
}

/** Layers that could hold a copy of the asset but could not be read (so a shortfall is not proven). */
function unreadableHolders(ctx: EvaluationContext, asset: KnownAsset, entries: readonly { layerId: string; countsAsCopy: boolean }[]): string[] {
  const out: string[] = [];
  for (const layer of ctx.inventory.layers) {
    if (ctx.readability(layer.id).complete) continue;
    if (entries.some((e) => e.layerId === layer.id && e.countsAsCopy)) continue;
    if (mayHold(ctx, layer, asset, new Set([layer.id]))) out.push(layer.id);
  }
  return out;
}

function mayHold(ctx: EvaluationContext, layer: Layer, asset: KnownAsset, seen: Set<string>): boolean {
  const p = parseAssetId(asset.id);
  const guest = p?.kind === 'vm' || p?.kind === 'ct';
  let direct = false;
  switch (layer.kind) {
    case 'pve-snapshots':
    case 'zfs-snapshots':
      direct = false; // snapshots of the live data are rollback points, never copies
      break;
    case 'vzdump':
      direct = guest && (asset.host === undefined || asset.host === layer.host);
      break;
    case 'pbs':
      direct = guest || p?.kind === 'host';
      break;
    case 'zfs-replication':
      direct = p?.kind === 'dataset' && p.dataset === layer.source.dataset;
      break;
    case 'restic':
      direct = p?.kind === 'files' && p.host === layer.host;
      break;
    case 'rclone':
      direct = false;
      break;
    case 'config-backup':
      direct = p?.kind === 'host' && p.host === layer.host;
      break;
  }
  if (direct) return true;
  for (const source of layer.copyOf ?? []) {
    const s = ctx.layerById.get(source);
    if (s === undefined || seen.has(source)) continue;
    seen.add(source);
    if (mayHold(ctx, s, asset, seen)) return true;
  }
  return false;
}
