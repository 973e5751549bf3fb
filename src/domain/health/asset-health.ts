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
import { infoOf } from '../layer-kinds/index.js';
import type { AssetLayerStatus, AssetStatus } from '../status-report.js';
import { worstHealth, type Health, type Reason, type RecoveryPoint } from '../types.js';
import type { KnownAsset } from './asset-discovery.js';
import { holdersOf, type Hold } from './asset-holders.js';
import { clientMismatch } from './client-hosts.js';
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
    ? { copies: tier.copies, media: tier.media, offsite: tier.offsite, rpoSeconds: tier.rpoSeconds, rtoSeconds: tier.rtoSeconds }
    : { copies: d.copies, media: d.media, offsite: d.offsite, rpoSeconds: null, rtoSeconds: null };

  const entries: (AssetLayerStatus & { time: number; age: number; rollback: boolean })[] = [];
  for (const layer of ctx.inventory.layers) {
    const r = chains.reach(layer.id, asset.id);
    if (r === null) continue;
    const rollback = r.via.length === 0 && isRollbackPoint(layer, r.point, asset);
    const age = ctx.hostNowSec(layer.host) - r.timeSec;
    const window = tier ? Math.max(tier.rpoSeconds, layer.rpoSeconds ?? 0) : (layer.rpoSeconds ?? d.rpoSeconds);
    const fresh = age <= window;
    entries.push({
      layerId: layer.id,
      newestAt: isoTime(r.timeSec),
      via: [...r.via],
      hopLagSeconds: r.hopLagSeconds.map((s) => Math.round(s)),
      fresh,
      countsAsCopy: fresh && !rollback,
      media: layer.media ?? null,
      offsite: layer.offsite === true,
      time: r.timeSec,
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

  const mismatch = clientMismatch(ctx, asset.id);
  if (mismatch) say(others, 'warn', mismatch);

  const holders = holdersOf(ctx, asset);
  const reasons = [...judgeWithUnreadable(ctx, asset, holders, entries, shortfalls), ...others];
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
    seenOn: seenOn(ctx, asset, entries),
  };
}

/**
 * A shortfall is a verdict only when no layer that cannot be read could
 * change it. When every layer that could hold the workload is unreadable,
 * nothing is known: UNKNOWN ("cannot tell"), never CRIT for want of data.
 * When some were read, an unreadable one that could hold a copy may supply
 * what is missing: a copy, its medium, a fresh age, and through the layers
 * that copy it an off-site copy (a readable restic copy of an unreadable PBS
 * datastore cannot be followed), so the shortfall is UNKNOWN, naming the
 * layers that could not be read. Only unreadable layers that can hold nothing
 * but rollback points (snapshots on the live data's own storage) change
 * nothing: what the readable layers show stands, CRIT included. A false red
 * and a false green are both wrong; UNKNOWN is what we say when we cannot tell.
 */
function judgeWithUnreadable(
  ctx: EvaluationContext,
  asset: KnownAsset,
  holders: readonly { readonly layer: Layer; readonly hold: Hold }[],
  entries: readonly { readonly layerId: string; readonly countsAsCopy: boolean }[],
  shortfalls: readonly Reason[],
): Reason[] {
  if (shortfalls.length === 0) return [...shortfalls];
  const unread = holders.filter((h) => !ctx.readability(h.layer.id).complete);
  const demoted = shortfalls.map((r) => ({ ...r, health: 'unknown' as const }));
  const named = (list: readonly { readonly layer: Layer }[]) => list.map((h) => h.layer.id).join(', ');
  if (holders.length > 0 && unread.length === holders.length) {
    const word = unread.length === 1 ? 'layer' : 'layers';
    return [{ health: 'unknown', assetId: asset.id, message: `${asset.id}: cannot tell: ${word} ${named(unread)} could not be read` }, ...demoted];
  }
  const couldAdd = unread.filter((h) => h.hold === 'copy' && !entries.some((e) => e.layerId === h.layer.id && e.countsAsCopy));
  if (couldAdd.length === 0) return [...shortfalls];
  return [{ health: 'unknown', assetId: asset.id, message: `${asset.id}: copies not known: ${named(couldAdd)} could not be read` }, ...demoted];
}

/** Layers with a point of it now, and unreadable ones that had one at the last reading. */
function seenOn(ctx: EvaluationContext, asset: KnownAsset, entries: readonly { readonly layerId: string }[]): string[] {
  const now = new Set(entries.map((e) => e.layerId));
  for (const id of asset.seenOn) if (ctx.layerById.has(id) && !ctx.readability(id).complete) now.add(id);
  return ctx.inventory.layers.filter((l) => now.has(l.id)).map((l) => l.id);
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
  return infoOf(layer).isRollbackPoint(layer, point, asset);
}
