/**
 * The file and dataset restore engine (files-api.ts says what it offers):
 * asks each layer's kind for the sources of a path or dataset it holds
 * (`KindSpec.files`, src/kinds/files-rule.ts), ranks them together,
 * browses a source a directory at a time and plans through the source's
 * kind, and runs the plan through the one journaling executor, so a file
 * restore is journaled, streamed and checked like a guest restore. Cold
 * rclone copies are thawed first; the thaw is saved in the state directory
 * and resumed by id from any process (files-thaw.ts).
 */
import { randomUUID } from 'node:crypto';
import { joinTreePath } from '../../adapters/shared/file-tree.js';
import { mountpoint as zfsMountpoint } from '../../adapters/zfs/index.js';
import { errorText } from '../../domain/error-text.js';
import { isoTime } from '../../domain/format.js';
import type { Layer } from '../../domain/inventory.js';
import type { LayerKind } from '../../domain/inventory-file.js';
import type { LayerObservation, Result } from '../../domain/types.js';
import type { FileTree } from '../../adapters/shared/file-tree.js';
import type { ActionPlan, ActionRequest } from '../../kinds/action-types.js';
import { mountKey, type ColdRule, type FileContext, type FileRule, type InternalSource, type Mirror, type PlanParts } from '../../kinds/files-rule.js';
import { specOf } from '../../kinds/registry.js';
import { fail } from '../../kinds/shared/files/must.js';
import { under } from '../../kinds/shared/files/paths.js';
import type { Runner } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import { RestoreError } from './api.js';
import type { EngineDeps } from './engine.js';
import type {
  BrowseResult,
  FileMethod,
  FileRestoreEngine,
  FileRestorePlan,
  FileRestoreRequest,
  FileRestoreResult,
  FileRunOptions,
  FileSourceList,
  FileSourceQuery,
  FileTarget,
} from './files-api.js';
import { parseFileTarget } from './files-api.js';
import { fileCandidates, type Draft } from './files-sources.js';
import { runFilePlan, type FileRunDeps } from './files-run.js';
import { createThaws } from './files-thaw.js';
import { listThaws } from './thaw-file.js';

export interface FileEngineDeps extends Omit<EngineDeps, 'rotationPath' | 'agentWaitMs'> {
  /** Directory of saved thaws (`<state>/thaws`). */
  readonly thawDir: string;
  /** How often bytes under a target are measured for a restore without percent (default 2 s). */
  readonly pollMs?: number;
}

const DEFAULT_BROWSE_LIMIT = 10_000;

/** The file rule of a layer's kind, for a layer whose kind is only known at run time; undefined where it holds no files Strata restores. */
function filesOf(layer: Layer): FileRule<LayerKind> | undefined {
  return specOf(layer.kind)?.files as FileRule<LayerKind> | undefined;
}

export function createFileRestoreEngine(deps: FileEngineDeps): FileRestoreEngine {
  const { inventory } = deps;
  const known = new Map<string, InternalSource>();
  const trees = new Map<string, Promise<Result<FileTree>>>();
  const runner = (host: string): Runner => deps.planContext.runnerFor(host);
  const layerOf = (id: string): Layer => inventory.layers.find((l) => l.id === id) ?? fail('no-source', `no layer ${id} in the inventory`);

  const ctx: FileContext = {
    runner,
    lookupEnv: (n) => deps.planContext.lookupEnv(n),
    nowSec: () => deps.planContext.nowSec(),
    tree(id, read) {
      let t = trees.get(id);
      if (!t) {
        t = read();
        trees.set(id, t);
        void t.then((r) => {
          if (!r.ok) trees.delete(id);
        });
      }
      return t;
    },
  };

  const runDeps: FileRunDeps = { execute: (a, io) => deps.execute(a, io), runner, ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}) };

  /** A layer's cold rule (thaw first), or why it has none. */
  function coldOf(layer: Layer): ColdRule<LayerKind> {
    return filesOf(layer)?.cold ?? fail('no-source', `${layer.id} is not an rclone copy`);
  }

  /** A layer's file rule, or why it has none. */
  function ruleOf(layer: Layer): FileRule<LayerKind> {
    return filesOf(layer) ?? fail('unsupported', `${layer.kind} layers hold no files Strata restores`);
  }

  function targetOf(q: FileSourceQuery): FileTarget {
    if (q.dataset !== undefined) {
      const ds = q.dataset.replace(/^dataset\//, '');
      if (!/^[A-Za-z][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/.test(ds)) fail('invalid', `not a dataset: ${q.dataset}`);
      return { kind: 'dataset', dataset: ds };
    }
    const p = q.path !== undefined ? parseFileTarget(q.path) : undefined;
    if (!p) fail('invalid', `not HOST:/path: ${q.path ?? '(nothing)'}`);
    if (/^(vm|ct)\//.test(p.host)) return { kind: 'guest', assetId: p.host, path: p.path };
    if (!inventory.hosts.some((h) => h.name === p.host)) fail('not-found', `no host ${p.host} in the inventory`);
    return { kind: 'path', ...p };
  }

  /**
   * The mountpoints of every dataset the layers' file rules name (one probe
   * each, in parallel), and why the ones that could not be read were not: a
   * dataset whose mountpoint is unknown gives no source, and says why.
   */
  async function mountpoints(): Promise<{ readonly mounts: Map<string, string>; readonly failed: Map<string, string> }> {
    const want = inventory.layers.flatMap((l) => filesOf(l)?.datasets?.(l) ?? []);
    const mounts = new Map<string, string>();
    const failed = new Map<string, string>();
    await Promise.all(
      want.map(async ([host, ds]) => {
        const r = await zfsMountpoint(runner(host), ds, { timeoutMs: 20_000 }).catch((e: unknown) => ({ ok: false as const, error: { message: errorText(e) } }));
        if (!r.ok) failed.set(mountKey(host, ds), r.error.message);
        else if ('path' in r.value) mounts.set(mountKey(host, ds), r.value.path);
      }),
    );
    return { mounts, failed };
  }

  async function sources(q: FileSourceQuery): Promise<FileSourceList> {
    const target = targetOf(q);
    const holds = (l: Layer) => {
      const rule = filesOf(l);
      return rule !== undefined && (target.kind !== 'guest' || rule.guestFiles === true);
    };
    const layers = inventory.layers.filter((l) => holds(l) && (q.layerId === undefined || l.id === q.layerId));
    if (q.layerId !== undefined && layers.length === 0) fail('no-source', `layer ${q.layerId} ${inventory.layers.some((l) => l.id === q.layerId) ? 'holds no files Strata restores' : 'is not in the inventory'}`);
    const [{ collection }, { mounts, failed: mountsUnread }] = await Promise.all([deps.readStatus({ layers: layers.map((l) => l.id) }), mountpoints()]);
    const observations: Record<string, LayerObservation> = Object.fromEntries(collection.layers.map((l) => [l.layerId, l]));
    const wanted = q.point ?? { kind: 'latest' as const };
    const mirrors = inventory.layers.map((l) => filesOf(l)?.mirror?.(l, mounts)).filter((m): m is Mirror => m !== undefined);
    // A kind that cannot read what it needs beyond the layer's reading (PBS manifests) says so: the layer is unreadable, not without the path.
    const notRead: { layerId: string; reason: string }[] = [];
    const perLayer = await Promise.all(
      layers.map(async (layer) => {
        try {
          return (await ruleOf(layer).sources(layer, { target, wanted, observation: observations[layer.id], mountpoints: mounts, mirrors }, ctx)).map((d): Draft => ({ ...d, layer }));
        } catch (e) {
          if (!(e instanceof RestoreError) || e.code !== 'unreadable') throw e;
          notRead.push({ layerId: layer.id, reason: e.message });
          return [];
        }
      }),
    );
    const ev = deps.evidence();
    const assetKey = target.kind === 'dataset' ? `dataset/${target.dataset}` : target.kind === 'guest' ? target.assetId : undefined;
    const list = fileCandidates({
      target,
      wanted,
      drafts: perLayer.flat(),
      measured: ev.restores.filter((r) => r.restoreSeconds !== undefined && r.state !== 'failed' && (assetKey === undefined || r.assetId === assetKey)).map((r) => ({ seconds: r.restoreSeconds!, atSec: r.atSec, kind: r.kind, layerId: r.layerId })),
      proven: (layerId) => {
        const r = ev.restores.filter((x) => x.layerId === layerId && x.proven && (assetKey === undefined || x.assetId === assetKey));
        return r.length > 0 ? Math.max(...r.map((x) => x.atSec)) : null;
      },
      nowSec: collection.finishedAtSec,
    });
    for (const s of list) known.set(s.source.id, s);
    // A layer that gave a source was read well enough (a replica's own snapshots, read by its kind, count).
    const gave = new Set(list.map((s) => s.source.layerId));
    const fromReading = layers
      .map((l) => observations[l.id])
      .filter((o): o is LayerObservation => o !== undefined && o.errors.length > 0 && o.points.length === 0 && !gave.has(o.layerId))
      .map((o) => ({ layerId: o.layerId, reason: o.errors.map((e) => e.message).join('; ') }));
    // A dataset on the asked host (or the asked dataset) whose mountpoint could not be read: its layer may hold the path.
    const mountNotRead = layers
      .filter((l) => !gave.has(l.id))
      .flatMap((l) =>
        (filesOf(l)?.datasets?.(l) ?? [])
          .filter(([h, ds]) => mountsUnread.has(mountKey(h, ds)) && (target.kind === 'dataset' ? target.dataset === ds : target.kind === 'path' && target.host === h))
          .map(([h, ds]) => ({ layerId: l.id, reason: `the mountpoint of ${ds} on ${h} could not be read: ${mountsUnread.get(mountKey(h, ds))}` })),
      );
    const unreadable = [...fromReading, ...notRead, ...mountNotRead].filter((u, i, all) => all.findIndex((x) => x.layerId === u.layerId) === i);
    if (list.length === 0 && unreadable.length === 0) {
      fail('not-found', `no layer holds ${target.kind === 'dataset' ? `dataset ${target.dataset}` : `${target.kind === 'guest' ? target.assetId : target.host}:${target.path}`}${q.point?.kind === 'at' ? ` at ${isoTime(q.point.timeSec)}` : ''}`);
    }
    return { target, sources: list.map((s) => s.source), unreadable, readAtSec: collection.finishedAtSec };
  }

  function sourceOf(id: string): InternalSource {
    return known.get(id) ?? fail('no-source', `${id} is not among the sources read by this engine: list the sources first`);
  }

  async function browse(sourceId: string, dir: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<BrowseResult> {
    const s = sourceOf(sourceId);
    const d = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
    if (!under(d, s.source.covers)) fail('invalid', `${d} is not in ${s.source.layerId}'s copy (it holds ${s.source.covers})`);
    const limit = opts.limit ?? DEFAULT_BROWSE_LIMIT;
    const layer = layerOf(s.source.layerId);
    const { entries, truncated: cut } = await ruleOf(layer).browse(layer, s, d, ctx, { limit, ...(opts.signal ? { signal: opts.signal } : {}) });
    const named = entries.map((e) => ({ ...e, path: joinTreePath(d, e.name) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { sourceId, dir: d, entries: named.slice(0, limit), truncated: cut || named.length > limit };
  }

  function planParts(s: InternalSource, request: FileRestoreRequest, method: FileMethod, paths: string[]): Promise<PlanParts> {
    const layer = layerOf(s.source.layerId);
    return ruleOf(layer).plan(layer, s, { request, method, paths }, ctx);
  }

  async function plan(request: FileRestoreRequest): Promise<FileRestorePlan> {
    if (deps.planContext.readOnly) fail('read-only', 'read-only mode: a restore changes a host');
    const s = sourceOf(request.sourceId);
    if (!s.source.plannable) fail('no-source', `${s.source.id} cannot be planned: ${s.source.whyNot ?? 'a step is missing'}`);
    const method = request.method ?? s.source.methods[0]!;
    if (!s.source.methods.includes(method)) fail('unsupported', `${s.source.layerId} offers ${s.source.methods.join(', ')} for this, not ${method}`);
    const paths = method === 'files' ? [...new Set((request.paths && request.paths.length > 0 ? request.paths : [s.source.start]).map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)))] : [];
    let parts: PlanParts;
    try {
      parts = await planParts(s, request, method, paths);
    } catch (e) {
      if (e instanceof RestoreError) throw e;
      throw new RestoreError('invalid', `planning the restore failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return assemble(s, request, parts);
  }

  function assemble(s: InternalSource, request: FileRestoreRequest, p: PlanParts): FileRestorePlan {
    const id = deps.planContext.newId?.() ?? randomUUID();
    const what = p.method === 'files' ? p.paths.join(', ') : s.source.assetId.replace(/^dataset\//, '');
    const title = `${p.method === 'files' ? 'restore' : p.method} ${what} from ${s.source.layerId} (${isoTime(s.source.point.timeSec)}) ${p.method === 'files' ? `to ${p.target.host}:${p.target.path}` : p.method === 'clone' ? `as ${p.target.path}` : ''}`.trim();
    const request2: ActionRequest = {
      kind: 'restore',
      layerId: s.source.layerId,
      assetId: s.source.assetId,
      files: { pointRef: s.source.point.ref, pointAt: isoTime(s.source.point.timeSec), method: p.method, targetHost: p.target.host, targetPath: p.target.path, paths: p.paths, overwrites: p.target.overwrites },
    };
    const action: ActionPlan = {
      id,
      request: request2,
      title,
      steps: p.steps,
      changesHost: true,
      affectedLayers: [],
      checks: p.checks,
      ...(p.cleanup.length > 0 ? { cleanup: p.cleanup } : {}),
      ...(p.notes.length > 0 ? { notes: p.notes } : {}),
    };
    const describe = (x: { host: string; command: Parameters<typeof describeCommand>[0]; description: string }) => ({ host: x.host, command: describeCommand(x.command), description: x.description });
    return {
      id,
      title,
      request,
      source: s.source,
      method: p.method,
      paths: p.paths,
      target: p.target,
      preflight: p.preflight,
      ready: p.preflight.every((c) => c.state === 'passed') && p.steps.length > 0,
      destroys: p.destroys,
      confirmWord: p.destroys.length > 0 ? p.confirmWord : null,
      commands: p.steps.map(describe),
      cleanup: p.cleanup.map(describe),
      checks: p.checks.map((c) => ({ id: c.id, label: c.label })),
      progress: p.progress,
      onFailure: p.onFailure,
      notes: p.notes,
      ...(p.thaw ? { thaw: p.thaw } : {}),
      action,
    };
  }

  function checkRunnable(plan: FileRestorePlan, opts: FileRunOptions): void {
    if (deps.planContext.readOnly) fail('read-only', 'read-only mode: a restore changes a host');
    if (!plan.ready) fail('preflight-failed', `preflight failed: ${plan.preflight.filter((c) => c.state === 'failed').map((c) => `${c.label}: ${c.detail}`).join('; ') || 'the plan cannot run'}`);
    if (plan.confirmWord !== null) {
      if (opts.confirm === undefined) fail('confirmation-required', `this restore replaces or destroys data: type ${plan.confirmWord} to confirm (${plan.destroys.join('; ')})`);
      if (opts.confirm.trim() !== plan.confirmWord) fail('confirmation-mismatch', `"${opts.confirm}" is not ${plan.confirmWord}: nothing was run`);
    }
  }

  async function run(plan: FileRestorePlan, opts: FileRunOptions = {}): Promise<FileRestoreResult> {
    checkRunnable(plan, opts);
    if (plan.thaw) return cold.start(plan, sourceOf(plan.source.id), opts);
    return runFilePlan(runDeps, plan, opts);
  }

  const cold = createThaws({
    thawDir: deps.thawDir,
    files: ctx,
    layerOf,
    coldOf,
    known: (id) => known.get(id),
    async findSource(t) {
      if (!known.has(t.sourceId)) {
        const layer = layerOf(t.layerId);
        const path = coldOf(layer).resumePath(layer, t.paths) ?? fail('no-source', `${t.layerId} is not an rclone copy`);
        await sources({ path: `${layer.host}:${path}`, layerId: t.layerId }).catch(() => undefined);
      }
      return known.get(t.sourceId) ?? [...known.values()].find((x) => x.source.layerId === t.layerId) ?? fail('no-source', `${t.layerId} no longer holds ${t.paths.join(', ')}`);
    },
    copyAndCheck(s, t, opts) {
      const layer = layerOf(t.layerId);
      const parts = coldOf(layer).copy(layer, s, { request: t.request, paths: [...t.paths] }, ctx);
      const plan = assemble(s, t.request, { ...parts, target: t.target });
      return runFilePlan(runDeps, plan, opts);
    },
  });

  return {
    sources,
    browse,
    plan,
    run,
    thaws: () => listThaws(deps.thawDir),
    thawStatus: (id) => cold.status(id),
    resume: (id, opts) => cold.resume(id, opts),
  };
}
