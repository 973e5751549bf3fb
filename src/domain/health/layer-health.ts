/**
 * A layer's health (DESIGN.md "Health rules"): readable at all, age of the
 * newest point against the RPO (overall and per asset), last jobs, PBS-style
 * verification, capacity and pools. A layer that could not be read is
 * UNKNOWN, never OK.
 */
import { formatDuration } from '../duration.js';
import { formatBytes, formatPercent, isoTime } from '../format.js';
import type { Layer } from '../inventory.js';
import { infoOf } from '../layer-kinds/index.js';
import type { CapacityStatus, JobStatus, LayerStatus, PoolStatus } from '../status-report.js';
import { worstHealth, type Capacity, type Health, type JobRun, type LayerObservation, type Reason, type RecoveryPoint } from '../types.js';
import type { KnownAsset } from './asset-discovery.js';
import { reasonMessages, type EvaluationContext } from './context.js';
import { carriesByDefault } from './copy-chains.js';

export function evaluateLayer(ctx: EvaluationContext, layer: Layer, assets: ReadonlyMap<string, KnownAsset>): LayerStatus {
  const obs = ctx.layerObs.get(layer.id);
  const reasons: Reason[] = [];
  const add = (health: Reason['health'], message: string, assetId?: string) =>
    reasons.push({ health, message: `${layer.id}: ${message}`, layerId: layer.id, ...(assetId === undefined ? {} : { assetId }) });

  const readability = ctx.readability(layer.id);
  const hostNow = ctx.hostNowSec(layer.host);
  const latest = hostNow + ctx.inventory.thresholds.clockSkewWarnSeconds;
  const finished = (obs?.points ?? []).filter((p) => !p.partial && Number.isFinite(p.timeSec) && p.timeSec <= latest);
  let newest: number | null = null;
  for (const p of finished) if (newest === null || p.timeSec > newest) newest = p.timeSec;

  if (!readability.complete) {
    add('unknown', obs === undefined || readability.why?.startsWith('host ') ? `${readability.why}` : `could not be read completely: ${readability.why}`);
  }
  if ((layer.copyOf?.length ?? 0) > 0 && layer.carriers === undefined && !carriesByDefault(layer) && !infoOf(layer).copiesKeepWorkloads) {
    add('warn', `copies of ${layer.copyOf!.join(', ')} are not counted: name in "carriers" which of this layer's assets hold them`);
  }
  const future = ctx.future(layer.id);
  if (future) {
    add(
      'warn',
      `${future.count} point${future.count === 1 ? ' is' : 's are'} dated in the future (newest ${isoTime(future.newest)}), not counted: a clock was wrong when they were written`,
    );
  }
  const rpo = effectiveRpo(ctx, layer);
  if (obs !== undefined) {
    if (newest === null) {
      // PVE snapshots with no deadline are taken by hand (before an upgrade): none is normal there.
      if (readability.complete && (rpo !== null || !infoOf(layer).pointsAreAdHoc)) add('crit', obs.noPointBecause ?? 'no recovery point at all');
    } else if (rpo !== null) {
      ageRules(ctx, rpo, finished, newest, hostNow, assets, add);
    }
    jobRules(obs.jobs, add);
    // Old backups of deleted workloads are history: they do not decide the verification state.
    const current = finished.filter((p) => assets.has(p.assetId));
    verificationRules(layer, current.length > 0 || assets.size > 0 ? current : finished, hostNow, add);
    if (obs.capacity) capacityRule(ctx, obs.capacity, obs.capacity.name ?? 'storage', add);
    for (const pool of obs.pools ?? []) {
      if (!pool.healthy) add('crit', `pool ${pool.name} is ${pool.state}${pool.detail ? ` (${oneLine(pool.detail)})` : ''}`);
      if (pool.capacity) capacityRule(ctx, pool.capacity, `pool ${pool.name}`, add);
    }
    for (const id of obs.notBackedUp ?? []) {
      const a = assets.get(id);
      if (a?.template) continue;
      add('warn', `${id}${a?.name ? ` (${a.name})` : ''} is in no backup job`, id);
    }
  }

  const health: Health = worstHealth(reasons.map((r) => r.health));
  const verification = verificationSummary(layer, finished, newest);
  const lastJob = obs === undefined ? undefined : lastJobOf(obs.jobs);
  return {
    id: layer.id,
    kind: layer.kind,
    host: layer.host,
    health,
    lastPointAt: newest === null ? null : isoTime(newest),
    ageSeconds: newest === null ? null : Math.max(0, Math.round(hostNow - newest)),
    rpoSeconds: rpo,
    points: finished.length,
    reasons: reasonMessages(reasons),
    readAt: obs === undefined ? null : isoTime(obs.readAtSec),
    media: layer.media ?? null,
    offsite: layer.offsite === true,
    copyOf: [...(layer.copyOf ?? [])],
    ...(obs?.capacity ? { capacity: capacityStatus(obs.capacity) } : {}),
    ...(lastJob ? { lastJob } : {}),
    ...(verification ? { verification } : {}),
    ...(obs?.pools ? { pools: obs.pools.map(poolStatus) } : {}),
    errors: (obs?.errors ?? []).map((e) => e.message),
  };
}

type Add = (health: Reason['health'], message: string, assetId?: string) => void;

/**
 * The age a layer's newest point may reach. A backup layer without its own
 * `rpo` gets the default tier's: a copy nobody gave a deadline must still not
 * sit green for months. Snapshot layers without one have no deadline (though
 * a scheduled ZFS snapshot layer with no snapshot at all is still critical).
 */
function effectiveRpo(ctx: EvaluationContext, layer: Layer): number | null {
  if (layer.rpoSeconds !== null) return layer.rpoSeconds;
  return infoOf(layer).snapshotsOfLiveData ? null : ctx.inventory.defaultTier.rpoSeconds;
}

function ageRules(
  ctx: EvaluationContext,
  rpo: number,
  finished: readonly RecoveryPoint[],
  newest: number,
  hostNow: number,
  assets: ReadonlyMap<string, KnownAsset>,
  add: Add,
): void {
  const factor = ctx.inventory.thresholds.rpoCritFactor;
  const level = (age: number): Health => (age <= rpo ? 'ok' : age <= rpo * factor ? 'warn' : 'crit');
  const overall = hostNow - newest;
  const l = level(overall);
  if (l !== 'ok') {
    add(l as Reason['health'], `newest point is ${formatDuration(overall)} old, RPO ${formatDuration(rpo)}`);
    return;
  }
  // The layer as a whole is fresh; one workload whose backups stopped still must show.
  const newestByAsset = new Map<string, number>();
  for (const p of finished) {
    const prev = newestByAsset.get(p.assetId);
    if (prev === undefined || p.timeSec > prev) newestByAsset.set(p.assetId, p.timeSec);
  }
  for (const [assetId, time] of newestByAsset) {
    const asset = assets.get(assetId);
    if (asset === undefined) continue;
    const age = hostNow - time;
    const al = level(age);
    if (al !== 'ok') add(al as Reason['health'], `newest point of ${assetId} is ${formatDuration(age)} old, RPO ${formatDuration(rpo)}`, assetId);
  }
}

function jobRules(jobs: readonly JobRun[], add: Add): void {
  const newest = new Map<string, JobRun>();
  for (const j of jobs) {
    if (j.state === 'running') continue;
    const key = `${j.kind}\0${j.type}\0${j.assetId ?? ''}`;
    const prev = newest.get(key);
    if (prev === undefined || (j.endedAtSec ?? j.startedAtSec) > (prev.endedAtSec ?? prev.startedAtSec)) newest.set(key, j);
  }
  for (const j of newest.values()) {
    const what = `last ${j.type} job${j.assetId ? ` for ${j.assetId}` : j.id ? ` ${j.id}` : ''} (${isoTime(j.endedAtSec ?? j.startedAtSec)})`;
    if (j.state === 'failed') add('crit', `${what} failed: ${oneLine(j.status)}`, j.assetId);
    else if (j.state === 'warn') add('warn', `${what} ended with ${oneLine(j.status)}`, j.assetId);
  }
}

const hasVerification = (layer: Layer, points: readonly RecoveryPoint[]): boolean =>
  infoOf(layer).verifiesPoints || points.some((p) => p.verification !== undefined);

function verificationRules(layer: Layer, finished: readonly RecoveryPoint[], hostNow: number, add: Add): void {
  if (!hasVerification(layer, finished)) return;
  const newestByAsset = new Map<string, RecoveryPoint>();
  for (const p of finished) {
    const prev = newestByAsset.get(p.assetId);
    if (prev === undefined || p.timeSec > prev.timeSec) newestByAsset.set(p.assetId, p);
  }
  for (const [assetId, p] of newestByAsset) {
    if (p.verification?.state === 'failed') {
      add('crit', `newest point of ${assetId} (${isoTime(p.timeSec)}) failed verification`, assetId);
    }
  }
  const maxAge = layer.verifyMaxAgeSeconds;
  if (finished.length === 0) return;
  const layerVerifiedAt = newestVerifiedAt(finished);
  if (layerVerifiedAt === null) {
    // No point of any workload was ever verified: one reason for the layer, not one per workload.
    if (maxAge === null) add('warn', 'no point has ever been verified (schedule a verify job, or set verifyMaxAge)');
    else if (hostNow - oldestTime(finished) > maxAge) add('warn', `no point has been verified, verifyMaxAge ${formatDuration(maxAge)}`);
    return;
  }
  // Verified elsewhere on the datastore does not vouch for a workload a verify job leaves out.
  const byAsset = new Map<string, RecoveryPoint[]>();
  for (const p of finished) byAsset.set(p.assetId, [...(byAsset.get(p.assetId) ?? []), p]);
  for (const [assetId, points] of byAsset) {
    const at = newestVerifiedAt(points);
    if (at === null) {
      const oldest = oldestTime(points);
      // A verify ran after this workload had a point and did not read it: the job leaves it out.
      const leftOut = oldest < layerVerifiedAt;
      const overdue = maxAge !== null && hostNow - oldest > maxAge;
      if (leftOut || overdue) {
        const why = leftOut ? `, though a verify ran at ${isoTime(layerVerifiedAt)}` : `, verifyMaxAge ${formatDuration(maxAge!)}`;
        add('warn', `no point of ${assetId} has ever been verified${why}`, assetId);
      }
    } else if (maxAge !== null && hostNow - at > maxAge) {
      add('warn', `newest verification of ${assetId} is ${formatDuration(hostNow - at)} old, verifyMaxAge ${formatDuration(maxAge)}`, assetId);
    }
  }
}

/** A loop, not Math.min(...): a datastore can hold more points than a call's arguments. */
function oldestTime(points: readonly RecoveryPoint[]): number {
  let t = Number.POSITIVE_INFINITY;
  for (const p of points) if (p.timeSec < t) t = p.timeSec;
  return t;
}

function newestVerifiedAt(points: readonly RecoveryPoint[]): number | null {
  let at: number | null = null;
  for (const p of points) {
    if (p.verification?.state !== 'ok') continue;
    const t = p.verification.atSec ?? p.timeSec;
    if (at === null || t > at) at = t;
  }
  return at;
}

function verificationSummary(layer: Layer, finished: readonly RecoveryPoint[], newest: number | null): LayerStatus['verification'] {
  if (!hasVerification(layer, finished)) return undefined;
  const newestPoint = newest === null ? undefined : finished.find((p) => p.timeSec === newest);
  const at = newestVerifiedAt(finished);
  return { newestState: newestPoint?.verification?.state ?? 'none', newestVerifiedAt: at === null ? null : isoTime(at) };
}

const usedPercent = (c: Capacity): number => (c.totalBytes > 0 ? (c.usedBytes / c.totalBytes) * 100 : 0);

function capacityRule(ctx: EvaluationContext, c: Capacity, what: string, add: Add): void {
  const { capacityWarnPercent: warn, capacityCritPercent: crit } = ctx.inventory.thresholds;
  const pct = usedPercent(c);
  const text = `${what} is ${formatPercent(Math.round(pct * 10) / 10)} full (${formatBytes(c.usedBytes)} of ${formatBytes(c.totalBytes)})`;
  if (pct > crit) add('crit', `${text}, over ${formatPercent(crit)}`);
  else if (pct > warn) add('warn', `${text}, over ${formatPercent(warn)}`);
}

function capacityStatus(c: Capacity): CapacityStatus {
  return { totalBytes: c.totalBytes, usedBytes: c.usedBytes, availBytes: c.availBytes, usedPercent: Math.round(usedPercent(c) * 10) / 10 };
}

function poolStatus(p: NonNullable<LayerObservation['pools']>[number]): PoolStatus {
  return {
    name: p.name,
    state: p.state,
    healthy: p.healthy,
    usedPercent: p.capacity ? Math.round(usedPercent(p.capacity) * 10) / 10 : null,
    detail: p.detail ?? null,
  };
}

/** The newest finished backup job, else the newest job of any kind. */
function lastJobOf(jobs: readonly JobRun[]): JobStatus | undefined {
  const byTime = (a: JobRun, b: JobRun) => (b.endedAtSec ?? b.startedAtSec) - (a.endedAtSec ?? a.startedAtSec);
  const pick = [...jobs].filter((j) => j.kind === 'backup').sort(byTime)[0] ?? [...jobs].sort(byTime)[0];
  if (pick === undefined) return undefined;
  return {
    kind: pick.kind,
    type: pick.type,
    state: pick.state,
    status: pick.status,
    startedAt: isoTime(pick.startedAtSec),
    endedAt: pick.endedAtSec === undefined ? null : isoTime(pick.endedAtSec),
  };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
