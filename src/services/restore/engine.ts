/**
 * The restore engine (api.ts says what it offers): reads what holds a
 * guest, ranks it, asks the source layer's kind for the plan, and runs the
 * plan through the one executor, so a restore and a drill are journaled,
 * streamed and cancelled like every other action and their checks become
 * the workload's evidence.
 */
import { randomUUID } from 'node:crypto';
import { describeCommand } from '../../transport/shell-script.js';
import { isoTime } from '../../domain/format.js';
import type { Inventory } from '../../domain/inventory.js';
import { infoOf } from '../../domain/layer-kinds/index.js';
import { etaSeconds } from '../../domain/restore/estimate.js';
import { rankSources } from '../../domain/restore/rank.js';
import { afterDrill, drillableGuests, nextInRotation } from '../../domain/restore/rotation.js';
import type { RestoreMethod, RestoreSource } from '../../domain/restore/types.js';
import type { LayerObservation, ProbeError } from '../../domain/types.js';
import type { ActionOutcome, ActionPlan, ActionRequest, PlanStep } from '../../kinds/action-types.js';
import { plannerContext, type PlanContext } from '../../kinds/planner-context.js';
import { specOf } from '../../kinds/registry.js';
import type { GuestRestoreAsk, LiveGuest, RestoreDraft } from '../../kinds/restore-types.js';
import type { ExecuteDeps } from '../actions/execute.js';
import type { Collection, CollectOptions } from '../collector.js';
import type { RestoreRunRecord } from '../journal/restore-runs.js';
import type { VerificationRecord } from '../journal/verifications.js';
import { evaluateStatus } from '../status-service.js';
import {
  exitCodeOf,
  RestoreError,
  type DrillRequest,
  type RestoreEngine,
  type RestoreEvent,
  type RestorePlan,
  type RestoreRequest,
  type RestoreResult,
  type RestoreState,
  type SourceList,
  type SourceQuery,
} from './api.js';
import { findGuest, guestOf, readLive, type FoundGuest } from './guest.js';
import { loadRotation, saveRotation } from './rotation-file.js';
import { candidates, layersForGuests, readStorageConfig } from './sources.js';

export interface EngineDeps {
  readonly inventory: Inventory;
  /** Reads the selected layers (the journal's evidence caught up on the way). */
  readStatus(opts: CollectOptions): Promise<{ readonly collection: Collection }>;
  /** The journal's evidence as of the last reading. */
  evidence(): { readonly verifications: readonly VerificationRecord[]; readonly restores: readonly RestoreRunRecord[] };
  /** Catches the evidence up with the journal without reading any host. */
  catchUpEvidence(): Promise<void>;
  /** Read-only probes of planning (through the probe log). */
  readonly planContext: PlanContext;
  /** Runs an action plan through the journaling executor. */
  execute(plan: ActionPlan, io: Omit<ExecuteDeps, 'runnerFor' | 'journal' | 'operator'>): Promise<ActionOutcome>;
  /** Where the drill rotation is kept. */
  readonly rotationPath: string;
  /** How long a drill waits for a booting guest's agent (default 3 min). */
  readonly agentWaitMs?: number;
}

const CHAIN_PREFIX = 'via:';

export function createRestoreEngine(deps: EngineDeps): RestoreEngine {
  const { inventory } = deps;
  const nowSec = () => deps.planContext.nowSec();
  const probeCtx = (request: ActionRequest) => plannerContext(deps.planContext, request);

  async function readLayers(layerIds: readonly string[]): Promise<Record<string, LayerObservation>> {
    const { collection } = await deps.readStatus({ layers: layerIds });
    return Object.fromEntries(collection.layers.map((l) => [l.layerId, l]));
  }

  async function sourcesOf(query: SourceQuery, found?: FoundGuest): Promise<SourceList & { found: FoundGuest; observations: Record<string, LayerObservation> }> {
    const { type } = guestOf(query.assetId);
    const layers = layersForGuests(inventory).filter((l) => query.layerId === undefined || l.id === query.layerId || (query.layerId !== undefined && chainReaches(inventory, query.layerId, l.id)));
    if (query.layerId !== undefined && !layers.some((l) => l.id === query.layerId)) {
      throw new RestoreError('no-source', `layer ${query.layerId} ${inventory.layers.some((l) => l.id === query.layerId) ? 'holds no guests Strata can restore' : 'is not in the inventory'}`);
    }
    const ctx = probeCtx({ kind: 'restore', layerId: query.layerId ?? '', assetId: query.assetId });
    const [{ collection }, guest] = await Promise.all([deps.readStatus({ layers: layers.map((l) => l.id) }), found ? Promise.resolve(found) : findGuest(query.assetId, inventory, ctx)]);
    const observations = Object.fromEntries(collection.layers.map((l) => [l.layerId, l]));
    const ev = deps.evidence();
    const report = evaluateStatus(inventory, collection, collection.finishedAtSec, {});
    const asset = report.assets.find((a) => a.id === query.assetId);
    const target = guest.host !== undefined ? guest : await findGuest(query.assetId, inventory, ctx, asset?.host ?? hostHolding(observations, query.assetId, inventory));
    const storageConfig = target.host ? await readStorageConfig(ctx, target.host) : undefined;
    const wanted = query.point ?? { kind: 'latest' };
    const c = candidates({
      inventory,
      assetId: query.assetId,
      guestType: type,
      ...(target.host ? { targetHost: target.host } : {}),
      ...(target.node ? { node: target.node } : {}),
      wanted,
      layers: query.layerId === undefined ? layers : layers.filter((l) => l.id === query.layerId),
      observations,
      ...(asset ? { asset } : {}),
      verifications: ev.verifications,
      restores: ev.restores,
      nowSec: collection.finishedAtSec,
      ...(storageConfig ? { storageConfig } : {}),
    });
    const known = c.candidates.length > 0 || target.ref.exists || asset !== undefined;
    if (!known && c.unreadable.length === 0) throw new RestoreError('not-found', `no layer holds ${query.assetId} and no PVE node knows it`);
    return { assetId: query.assetId, guest: { ...target.ref, ...(asset?.name && !target.ref.name ? { name: asset.name } : {}) }, sources: rankSources(c.candidates, wanted), unreadable: c.unreadable, readAtSec: collection.finishedAtSec, found: target, observations };
  }

  async function buildPlan(kind: 'restore' | 'drill', req: RestoreRequest & { readonly drill?: boolean }, rotation?: { tier: string }): Promise<RestorePlan> {
    if (deps.planContext.readOnly) throw new RestoreError('read-only', `read-only mode: a ${kind} changes a host`);
    const { type, vmid } = guestOf(req.assetId);
    const at = req.sourceId.indexOf('@');
    const layerId = at > 0 ? req.sourceId.slice(0, at) : req.sourceId;
    const ref = at > 0 ? req.sourceId.slice(at + 1) : '';
    const layer = inventory.layers.find((l) => l.id === layerId);
    if (!layer) throw new RestoreError('no-source', `no layer ${layerId} in the inventory`);
    const spec = specOf(layer.kind)?.restore;
    if (!spec) throw new RestoreError('no-source', `Strata does not restore guests from ${layer.kind} layers (${layer.id}) yet`);
    if (ref.startsWith(CHAIN_PREFIX)) throw new RestoreError('no-source', `${req.sourceId} needs its datastore restored first, which Strata does not plan yet (issue 14)`);
    const list = await sourcesOf({ assetId: req.assetId, layerId });
    const observations = list.observations;
    const point = (observations[layerId]?.points ?? []).find((p) => p.assetId === req.assetId && p.ref === ref && !p.partial);
    const best = list.sources.find((s) => s.layerId === layerId);
    if (!point) throw new RestoreError('no-source', `${layerId} holds no point ${ref} of ${req.assetId}${best ? ` (its newest is ${best.point.ref})` : ''}`);
    const source: RestoreSource = best && best.point.ref === ref ? best : { ...(best ?? fallbackSource(layerId, layer.kind, layer.host, req.assetId)), id: req.sourceId, point: { ref, timeSec: point.timeSec, ...(point.sizeBytes !== undefined ? { sizeBytes: point.sizeBytes } : {}) }, ageSeconds: Math.max(0, Math.round(nowSec() - point.timeSec)) };
    if (!source.plannable) throw new RestoreError('no-source', `${req.sourceId} cannot be planned: ${source.whyNot ?? 'a step is missing'}`);
    const found = list.found;
    if (!found.host || !found.node) throw new RestoreError('unreadable', `no PVE node to restore ${req.assetId} onto answered`);
    const target = req.target ?? { kind: 'new' as const };
    const method: RestoreMethod = req.method ?? (spec.methods.includes('restore') ? 'restore' : target.kind === 'original' ? 'rollback' : 'clone');
    if (!spec.methods.includes(method)) throw new RestoreError('unsupported', `${layer.id} (${layer.kind}) offers ${spec.methods.join(' or ')}, not ${method}`);
    if (kind === 'drill' && method !== 'restore') throw new RestoreError('unsupported', 'a drill restores a backup; a snapshot proves nothing about the backups');
    const probe = probeCtx({ kind, layerId, assetId: req.assetId });
    const live: LiveGuest = await readLive(probe, found);
    const ask: GuestRestoreAsk = {
      assetId: req.assetId,
      type,
      vmid,
      point: { ref, timeSec: point.timeSec, ...(point.sizeBytes !== undefined ? { sizeBytes: point.sizeBytes } : {}) },
      method,
      target,
      targetHost: found.host,
      node: found.node,
      live,
      ...(req.storage !== undefined ? { storage: req.storage } : {}),
      ...(req.start !== undefined ? { start: req.start } : {}),
      ...(req.unique !== undefined ? { unique: req.unique } : {}),
      ...(req.drill ? { drill: true } : {}),
      ...(deps.agentWaitMs !== undefined ? { agentWaitMs: deps.agentWaitMs } : {}),
    };
    let draft: RestoreDraft;
    try {
      const r = await spec.plan(layer as never, { ...probe, ask });
      if (!r.ok) throw new RestoreError(errorCode(r.error), r.error.message);
      draft = r.value;
    } catch (e) {
      if (e instanceof RestoreError) throw e;
      throw new RestoreError('unreadable', `planning the ${kind} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const { drill: _drill, ...request } = req;
    return assemble(kind, request, source, method, draft, rotation);
  }

  function assemble(kind: 'restore' | 'drill', req: RestoreRequest, source: RestoreSource, method: RestoreMethod, d: RestoreDraft, rotation?: { tier: string }): RestorePlan {
    const id = deps.planContext.newId?.() ?? randomUUID();
    const request: ActionRequest = {
      kind,
      layerId: source.layerId,
      assetId: req.assetId,
      restore: { pointRef: source.point.ref, pointAt: isoTime(source.point.timeSec), method, targetHost: d.target.host, targetVmid: d.target.vmid, overwrites: d.target.overwrites },
    };
    const action: ActionPlan = { id, request, ...d.plan };
    const describe = (s: PlanStep) => ({ host: s.host, command: describeCommand(s.command), description: s.description });
    const ready = d.preflight.every((c) => c.state === 'passed') && !d.plan.blocked && d.plan.steps.length > 0;
    return {
      kind,
      id,
      title: d.plan.title,
      request: req,
      source,
      method,
      target: d.target,
      preflight: d.preflight,
      ready,
      destroys: d.destroys,
      confirmWord: d.destroys.length > 0 ? String(d.target.vmid) : null,
      commands: d.plan.steps.map(describe),
      cleanup: [...(d.plan.cleanup ?? []), ...(d.plan.teardown ?? [])].map(describe),
      checks: (d.plan.checks ?? []).map((c) => ({ id: c.id, label: c.label })),
      onFailure: d.onFailure,
      notes: d.plan.notes ?? [],
      action,
      ...(rotation ? { rotation } : {}),
    };
  }

  async function run(plan: RestorePlan, opts: Parameters<RestoreEngine['run']>[1] = {}): Promise<RestoreResult> {
    if (deps.planContext.readOnly) throw new RestoreError('read-only', `read-only mode: a ${plan.kind} changes a host`);
    if (!plan.ready) {
      const failed = plan.preflight.filter((c) => c.state === 'failed');
      throw new RestoreError('preflight-failed', failed.length > 0 ? `preflight failed: ${failed.map((c) => `${c.label}: ${c.detail}`).join('; ')}` : 'the plan cannot run');
    }
    if (plan.confirmWord !== null) {
      if (opts.confirm === undefined) throw new RestoreError('confirmation-required', `this ${plan.kind} destroys data: type ${plan.confirmWord} to confirm (${plan.destroys.join('; ')})`);
      if (opts.confirm.trim() !== plan.confirmWord) throw new RestoreError('confirmation-mismatch', `"${opts.confirm}" is not ${plan.confirmWord}: nothing was run`);
    }
    const emit = (e: RestoreEvent) => {
      try {
        opts.onEvent?.(e);
      } catch {
        // A listener's fault must not stop a restore half way.
      }
    };
    const stepStart = new Map<number, number>();
    const outcome = await deps.execute(plan.action, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onOutput: (line) => emit({ type: 'output', line }),
      onStep: (index) => {
        // Steps found at run time (a NIC's link) share their parent's number: one event per plan step.
        if (stepStart.has(index)) return;
        stepStart.set(index, Date.now());
        emit({ type: 'step', index, of: plan.action.steps.length, description: plan.action.steps[index]?.description ?? '' });
      },
      onProgress: (progress) => {
        const elapsedMs = Date.now() - (stepStart.get(progress.step) ?? Date.now());
        emit({ type: 'progress', progress, elapsedMs, etaSeconds: etaSeconds({ percent: progress.percent, elapsedMs, ...(progress.disk ? { disk: progress.disk } : {}) }) });
      },
      onCheck: (check) => emit({ type: 'check', check }),
      onCleanup: (text) => emit({ type: 'cleanup', text }),
    });
    if (plan.rotation && plan.request.assetId) {
      const state = await loadRotation(deps.rotationPath, plan.rotation.tier);
      await saveRotation(deps.rotationPath, plan.rotation.tier, afterDrill(state, plan.request.assetId, Math.floor(nowSec()))).catch(() => undefined);
    }
    return result(plan, outcome);
  }

  return {
    async sources(query) {
      const { found: _f, observations: _o, ...list } = await sourcesOf(query);
      return list;
    },
    async points(assetId, layerId) {
      guestOf(assetId);
      if (!inventory.layers.some((l) => l.id === layerId)) throw new RestoreError('no-source', `no layer ${layerId} in the inventory`);
      const obs = (await readLayers([layerId]))[layerId];
      if (obs && obs.errors.length > 0 && obs.points.length === 0) throw new RestoreError('unreadable', `${layerId} could not be read: ${obs.errors.map((e) => e.message).join('; ')}`);
      const points = (obs?.points ?? [])
        .filter((p) => p.assetId === assetId && !p.partial)
        .sort((a, b) => b.timeSec - a.timeSec)
        .map((p) => ({ ref: p.ref, timeSec: p.timeSec, ...(p.sizeBytes !== undefined ? { sizeBytes: p.sizeBytes } : {}), ...(p.verification ? { verification: p.verification.state } : {}) }));
      return { layerId, points };
    },
    plan: (request) => buildPlan('restore', request),
    async planDrill(request: DrillRequest) {
      let assetId = request.assetId;
      let rotation: { tier: string } | undefined;
      if (assetId === undefined) {
        if (request.rotateTier === undefined) throw new RestoreError('invalid', 'a drill needs a guest (--asset) or a tier to rotate through (--rotate)');
        const tier = inventory.tiers.find((t) => t.name === request.rotateTier);
        if (!tier) throw new RestoreError('not-found', `no tier ${request.rotateTier} in the inventory`);
        const guests = drillableGuests(tier.assets);
        assetId = nextInRotation(guests, await loadRotation(deps.rotationPath, tier.name));
        if (assetId === undefined) throw new RestoreError('not-found', `tier ${tier.name} has no guest (vm/N, ct/N) to drill`);
        rotation = { tier: tier.name };
      }
      const { vmid } = guestOf(assetId);
      if (request.scratchVmid !== undefined && request.scratchVmid === vmid) throw new RestoreError('invalid', `a drill never touches the original: ${vmid} is ${assetId} itself`);
      let sourceId = request.sourceId;
      if (sourceId === undefined) {
        const list = await sourcesOf({ assetId });
        const best = list.sources.find((s) => s.plannable && s.methods.includes('restore'));
        if (!best) throw new RestoreError('no-source', `no backup of ${assetId} can be restored now${list.sources.length > 0 ? ` (${list.sources.map((s) => `${s.layerId}: ${s.whyNot ?? s.methods.join('/')}`).join('; ')})` : ''}`);
        sourceId = best.id;
      }
      return buildPlan('drill', { assetId, sourceId, method: 'restore', target: { kind: 'new', ...(request.scratchVmid !== undefined ? { vmid: request.scratchVmid } : {}) }, ...(request.storage !== undefined ? { storage: request.storage } : {}), drill: true }, rotation);
    },
    run,
    async evidence(assetId) {
      await deps.catchUpEvidence();
      const mine = deps.evidence().restores.filter((r) => r.assetId === assetId);
      const verified = deps.evidence().verifications.filter((v) => v.assetId === assetId).map((v) => v.atSec);
      const newest = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : null);
      const measured = mine.filter((r) => r.restoreSeconds !== undefined).sort((a, b) => b.atSec - a.atSec)[0];
      return {
        assetId,
        lastProvenAtSec: newest([...mine.filter((r) => r.proven).map((r) => r.atSec), ...verified]),
        lastDrillAtSec: newest(mine.filter((r) => r.kind === 'drill').map((r) => r.atSec)),
        measuredRestoreSeconds: measured?.restoreSeconds ?? null,
      };
    },
  };
}

function result(plan: RestorePlan, outcome: ActionOutcome): RestoreResult {
  const checks = outcome.checks ?? [];
  const state: RestoreState =
    outcome.state === 'cancelled' ? 'cancelled' : outcome.state === 'failed' ? 'failed' : checks.some((c) => c.state === 'failed') ? 'check-failed' : 'restored';
  const cleanups = (outcome.details ?? []).filter((d) => /clean-up \(/.test(d));
  const leftover = state === 'failed' || state === 'cancelled' ? [outcome.leftover ?? plan.onFailure, ...cleanups].join('\n') : null;
  return {
    state,
    summary: summaryOf(plan, state, outcome),
    checks,
    leftover,
    restoreSeconds: outcome.restoreSeconds ?? null,
    durationMs: outcome.durationMs,
    exitCode: exitCodeOf(state),
    outcome,
  };
}

/** One line: what happened to which guest, from where, and the checks. */
function summaryOf(plan: RestorePlan, state: RestoreState, outcome: ActionOutcome): string {
  const what = `${plan.kind === 'drill' ? 'drill of' : plan.method === 'rollback' ? 'rollback of' : plan.method === 'clone' ? 'clone of' : 'restore of'} ${plan.request.assetId} from ${plan.source.layerId} to ${plan.target.type === 'lxc' ? 'CT' : 'VM'} ${plan.target.vmid}`;
  const checks = outcome.checks ?? [];
  const counts = (['passed', 'failed', 'not-run'] as const).map((k) => [k, checks.filter((c) => c.state === k).length] as const).filter(([, n]) => n > 0);
  const checkText = counts.length > 0 ? `; checks: ${counts.map(([k, n]) => `${n} ${k.replace('-', ' ')}`).join(', ')}` : '';
  const secs = outcome.restoreSeconds !== undefined ? ` in ${outcome.restoreSeconds < 10 ? outcome.restoreSeconds.toFixed(1) : Math.round(outcome.restoreSeconds)} s` : '';
  const destroyed = (outcome.details ?? []).find((d) => /clean-up \(destroy the scratch/.test(d));
  const scratch = plan.kind !== 'drill' ? '' : destroyed?.endsWith(' done') ? '; scratch copy removed' : `; scratch copy NOT removed (${destroyed ?? 'its tear-down did not run'})`;
  if (state === 'restored' || state === 'check-failed') return `${what}: ${plan.method === 'rollback' ? 'rolled back' : 'restored'}${secs}${checkText}${scratch}`;
  return `${what}: ${state}: ${outcome.summary}`;
}

function errorCode(e: ProbeError): RestoreError['code'] {
  if (e.kind === 'transport' || e.kind === 'parse' || e.kind === 'auth') return 'unreadable';
  if (e.kind === 'not-found') return 'no-source';
  return 'unsupported';
}

/** Whether `from` copies `to` (directly or through other copies): its sources belong to the query. */
function chainReaches(inventory: Inventory, from: string, to: string, seen = new Set<string>()): boolean {
  const l = inventory.layers.find((x) => x.id === from);
  if (!l || seen.has(from)) return false;
  seen.add(from);
  return (l.copyOf ?? []).some((c) => c === to || chainReaches(inventory, c, to, seen));
}

/** The PVE host whose layers hold points of a gone guest (where it lived). */
function hostHolding(observations: Readonly<Record<string, LayerObservation>>, assetId: string, inventory: Inventory): string | undefined {
  for (const l of inventory.layers) {
    if (infoOf(l).onPveNode && observations[l.id]?.points.some((p) => p.assetId === assetId)) return l.host;
  }
  return undefined;
}

function fallbackSource(layerId: string, layerKind: RestoreSource['layerKind'], host: string, assetId: string): RestoreSource {
  return {
    id: layerId,
    layerId,
    layerKind,
    host,
    assetId,
    point: { ref: '', timeSec: 0 },
    ageSeconds: 0,
    location: 'lan',
    via: [],
    steps: [],
    methods: [],
    plannable: true,
    estimate: { seconds: null, basis: 'unknown', text: 'unknown' },
    provenAtSec: null,
    rank: 0,
  };
}

