/**
 * The file and dataset restore engine (files-api.ts says what it offers):
 * reads the layers that can hold a path or dataset, ranks them, browses a
 * source a directory at a time, plans per source kind and runs through the
 * one journaling executor, so a file restore is journaled, streamed and
 * checked like a guest restore. Cold rclone copies are thawed first; the
 * thaw is saved in the state directory and resumed by id from any process.
 */
import { randomUUID } from 'node:crypto';
import { listDirectory as listHostDirectory } from '../../adapters/files/index.js';
import { catalog, clientVersion, fileRestoreList, listSnapshots as listPbsSnapshots, pbsClientFeatures, type PbsFileAccess } from '../../adapters/pbs/index.js';
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { listDirectory as listRemoteDirectory } from '../../adapters/rclone/index.js';
import { lsjsonDirCommand, parseLsjsonDir } from '../../adapters/rclone/restore.js';
import { runParsed } from '../../adapters/shared/run.js';
import { listSnapshotFiles, resticFeatures, version as resticVersion, type ResticAccess } from '../../adapters/restic/index.js';
import { resolveSecret, resolveSecretMap } from '../../adapters/secrets.js';
import { measureBytes } from '../../adapters/files/index.js';
import { joinTreePath, type FileEntry, type FileTree } from '../../adapters/shared/file-tree.js';
import { parseUtcOffset } from '../../adapters/shared/local-time.js';
import { listSnapshots, mountpoint as zfsMountpoint, snapshotOrder as zfsSnapshotOrder, snapshotDirectory } from '../../adapters/zfs/index.js';
import { isoTime } from '../../domain/format.js';
import type { Layer } from '../../domain/inventory.js';
import { etaSeconds } from '../../domain/restore/estimate.js';
import { err, ok, type LayerObservation, type Result } from '../../domain/types.js';
import type { ActionOutcome, ActionPlan, ActionRequest } from '../../kinds/action-types.js';
import { resticAccess } from '../../kinds/restic/planner.js';
import type { Runner } from '../../transport/runner.js';
import { describeCommand } from '../../transport/shell-script.js';
import { RestoreError, type CheckResult } from './api.js';
import type { EngineDeps } from './engine.js';
import type {
  BrowseResult,
  FileMethod,
  FileRestoreEngine,
  FileRestoreEvent,
  FileRestorePlan,
  FileRestoreRequest,
  FileRestoreResult,
  FileRestoreState,
  FileRunOptions,
  FileSource,
  FileSourceList,
  FileSourceQuery,
  FileTarget,
} from './files-api.js';
import { parseFileTarget } from './files-api.js';
import { listOrThrow, planPbsFiles, planPbsImage, planRclone, planResticFiles, planZfs, type PlanParts } from './files-plan.js';
import { fileCandidates, mountKey, rebase, thawTiers, under, type InternalSource } from './files-sources.js';
import { createThaws } from './files-thaw.js';
import { listThaws } from './thaw-file.js';

export interface FileEngineDeps extends Omit<EngineDeps, 'rotationPath' | 'agentWaitMs'> {
  /** Directory of saved thaws (`<state>/thaws`). */
  readonly thawDir: string;
  /** How often bytes under a target are measured for a restore without percent (default 2 s). */
  readonly pollMs?: number;
}

const DEFAULT_BROWSE_LIMIT = 10_000;
const MAX_TREE = 2_000_000;

function fail(code: RestoreError['code'], message: string): never {
  throw new RestoreError(code, message);
}

function must<T>(r: Result<T>, what: string): T {
  if (!r.ok) fail(r.error.kind === 'not-found' ? 'no-source' : 'unreadable', `${what}: ${r.error.message}`);
  return r.value;
}

export function createFileRestoreEngine(deps: FileEngineDeps): FileRestoreEngine {
  const { inventory } = deps;
  const known = new Map<string, InternalSource>();
  const trees = new Map<string, Promise<Result<FileTree>>>();
  const runner = (host: string): Runner => deps.planContext.runnerFor(host);
  const layerOf = (id: string): Layer => inventory.layers.find((l) => l.id === id) ?? fail('no-source', `no layer ${id} in the inventory`);

  function accessOf(layer: Layer): ResticAccess | PbsFileAccess | RcloneAccess {
    const lookup = (n: string) => deps.planContext.lookupEnv(n);
    if (layer.kind === 'restic') return must(resticAccess(layer, lookup), 'restic access');
    if (layer.kind === 'pbs') {
      const secret = layer.secret ? must(resolveSecret(layer.secret, lookup), 'PBS password') : undefined;
      const keyPassword = layer.keySecret ? must(resolveSecret(layer.keySecret, lookup), 'PBS encryption key passphrase') : undefined;
      return {
        repository: layer.repository,
        ...(layer.namespace ? { namespace: layer.namespace } : {}),
        ...(layer.fingerprint ? { fingerprint: layer.fingerprint } : {}),
        ...(secret ? { password: secret } : {}),
        ...(layer.keyfile ? { key: { keyfile: layer.keyfile, ...(keyPassword ? { password: keyPassword } : {}) } } : {}),
      };
    }
    if (layer.kind === 'rclone') {
      const more = must(resolveSecretMap(layer.secretEnv, lookup), 'rclone secret environment');
      return { remote: layer.remote, ...(layer.configFile ? { configFile: layer.configFile } : {}), ...(Object.keys(more).length > 0 ? { secretEnv: more } : {}) };
    }
    return fail('unsupported', `${layer.kind} layers hold no files Strata restores`);
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

  /** The mountpoints of every dataset the ZFS layers name (one probe each, in parallel). */
  async function mountpoints(): Promise<Map<string, string>> {
    const want: [string, string][] = [];
    for (const l of inventory.layers) {
      if (l.kind === 'zfs-snapshots') for (const d of l.datasets) want.push([l.host, d]);
      if (l.kind === 'zfs-replication') want.push([l.source.host ?? l.host, l.source.dataset], [l.host, l.target.dataset]);
    }
    const out = new Map<string, string>();
    await Promise.all(
      want.map(async ([host, ds]) => {
        const r = await zfsMountpoint(runner(host), ds, { timeoutMs: 20_000 }).catch(() => undefined);
        if (r?.ok && 'path' in r.value) out.set(mountKey(host, ds), r.value.path);
      }),
    );
    return out;
  }

  /** The pxar archives of the host snapshots of PBS layers (from the snapshot list's manifests). */
  async function pbsArchives(layers: readonly Layer[], group: { type: string; id: string } | undefined): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!group) return out;
    await Promise.all(
      layers
        .filter((l) => l.kind === 'pbs')
        .map(async (l) => {
          const r = await listPbsSnapshots(runner(l.host), accessOf(l) as PbsFileAccess, { timeoutMs: 30_000 }).catch(() => undefined);
          if (!r?.ok) return;
          for (const s of r.value) {
            if (s.type !== group.type || s.id !== group.id) continue;
            out.set(`${l.id}\u0000${s.type}/${s.id}/${isoTime(s.timeSec).replace(/\.\d+Z$/, 'Z')}`, [...s.files]);
          }
        }),
    );
    return out;
  }

  /**
   * A replica's own snapshots: the layer's reader counts only those the
   * source also has (or had), but a restore wants what the replica holds,
   * newer than anything left on a source that lost its snapshots included.
   */
  async function replicaPoints(layers: readonly Layer[], observations: Record<string, LayerObservation>): Promise<void> {
    await Promise.all(
      layers.map(async (l) => {
        if (l.kind !== 'zfs-replication' || !observations[l.id]) return;
        const r = await listSnapshots(runner(l.host), { dataset: l.target.dataset }, { timeoutMs: 30_000 }).catch(() => undefined);
        if (!r?.ok) return;
        const obs = observations[l.id]!;
        const have = new Set(obs.points.map((p) => p.ref));
        const more = r.value.filter((x) => x.dataset === l.target.dataset && !have.has(x.name)).map((x) => ({ layerId: l.id, assetId: `dataset/${l.source.dataset}`, timeSec: x.timeSec, ref: x.name, ...(x.usedBytes !== undefined ? { sizeBytes: x.usedBytes } : {}) }));
        if (more.length > 0) observations[l.id] = { ...obs, points: [...obs.points, ...more] };
      }),
    );
  }

  async function sources(q: FileSourceQuery): Promise<FileSourceList> {
    const target = targetOf(q);
    const kinds = target.kind === 'guest' ? ['pbs'] : ['restic', 'pbs', 'zfs-snapshots', 'zfs-replication', 'rclone'];
    const layers = inventory.layers.filter((l) => kinds.includes(l.kind) && (q.layerId === undefined || l.id === q.layerId));
    if (q.layerId !== undefined && layers.length === 0) fail('no-source', `layer ${q.layerId} ${inventory.layers.some((l) => l.id === q.layerId) ? 'holds no files Strata restores' : 'is not in the inventory'}`);
    const [{ collection }, mounts, archives] = await Promise.all([deps.readStatus({ layers: layers.map((l) => l.id) }), mountpoints(), pbsArchives(layers, target.kind === 'path' ? { type: 'host', id: target.host } : target.kind === 'guest' ? { type: target.assetId.split('/')[0]!, id: target.assetId.split('/')[1]! } : undefined)]);
    const observations: Record<string, LayerObservation> = Object.fromEntries(collection.layers.map((l) => [l.layerId, l]));
    await replicaPoints(layers, observations);
    const ev = deps.evidence();
    const assetKey = target.kind === 'dataset' ? `dataset/${target.dataset}` : target.kind === 'guest' ? target.assetId : undefined;
    const list = fileCandidates({
      inventory,
      target,
      wanted: q.point ?? { kind: 'latest' },
      layers,
      observations,
      mountpoints: mounts,
      pbsArchives: archives,
      measured: ev.restores.filter((r) => r.restoreSeconds !== undefined && r.state !== 'failed' && (assetKey === undefined || r.assetId === assetKey)).map((r) => ({ seconds: r.restoreSeconds!, atSec: r.atSec, kind: r.kind, layerId: r.layerId })),
      proven: (layerId) => {
        const r = ev.restores.filter((x) => x.layerId === layerId && x.proven && (assetKey === undefined || x.assetId === assetKey));
        return r.length > 0 ? Math.max(...r.map((x) => x.atSec)) : null;
      },
      nowSec: collection.finishedAtSec,
    });
    for (const s of list) known.set(s.source.id, s);
    const unreadable = layers
      .map((l) => observations[l.id])
      .filter((o): o is LayerObservation => o !== undefined && o.errors.length > 0 && o.points.length === 0)
      .map((o) => ({ layerId: o.layerId, reason: o.errors.map((e) => e.message).join('; ') }));
    if (list.length === 0 && unreadable.length === 0) {
      fail('not-found', `no layer holds ${target.kind === 'dataset' ? `dataset ${target.dataset}` : `${target.kind === 'guest' ? target.assetId : target.host}:${target.path}`}${q.point?.kind === 'at' ? ` at ${isoTime(q.point.timeSec)}` : ''}`);
    }
    return { target, sources: list.map((s) => s.source), unreadable, readAtSec: collection.finishedAtSec };
  }

  function sourceOf(id: string): InternalSource {
    return known.get(id) ?? fail('no-source', `${id} is not among the sources read by this engine: list the sources first`);
  }

  /** A whole restic snapshot or PBS catalog, read once per engine (bounded). */
  function treeOf(s: InternalSource, signal?: AbortSignal): Promise<Result<FileTree>> {
    let t = trees.get(s.source.id);
    if (!t) {
      const layer = layerOf(s.source.layerId);
      const opts = { timeoutMs: 300_000, ...(signal ? { signal } : {}) };
      if (s.origin.kind === 'restic') {
        t = listSnapshotFiles(runner(layer.host), accessOf(layer) as ResticAccess, { snapshot: s.origin.snapshot, maxEntries: MAX_TREE }, opts).then((r) => (r.ok ? ok(r.value.tree) : r));
      } else if (s.origin.kind === 'pbs-archive') {
        const snapshot = s.origin.snapshot;
        t = (async () => {
          const zone = await runner(layer.host).run({ argv: ['date', '+%z'] }).then((r) => parseUtcOffset(r.stdout.trim())).catch(() => undefined);
          const r = await catalog(runner(layer.host), accessOf(layer) as PbsFileAccess, { snapshot, zone: { utcOffsetSec: zone ?? 0 }, maxEntries: MAX_TREE }, opts);
          return r.ok ? ok<FileTree>(r.value.tree) : r;
        })();
      } else return Promise.resolve(err('parse', 'no tree for this source'));
      trees.set(s.source.id, t);
      void t.then((r) => {
        if (!r.ok) trees.delete(s.source.id);
      });
    }
    return t;
  }

  async function browse(sourceId: string, dir: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<BrowseResult> {
    const s = sourceOf(sourceId);
    const d = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
    if (!under(d, s.source.covers)) fail('invalid', `${d} is not in ${s.source.layerId}'s copy (it holds ${s.source.covers})`);
    const limit = opts.limit ?? DEFAULT_BROWSE_LIMIT;
    const layer = layerOf(s.source.layerId);
    const o = { timeoutMs: 120_000, ...(opts.signal ? { signal: opts.signal } : {}) };
    let entries: FileEntry[];
    let cut = false;
    if (s.origin.kind === 'restic' || s.origin.kind === 'pbs-archive') {
      const tree = must(await treeOf(s, opts.signal), `reading ${s.source.id}`);
      const inner = s.origin.kind === 'pbs-archive' ? `/${s.origin.archive}${rebase(d, s.source.covers, '/') === '/' ? '' : rebase(d, s.source.covers, '/')}` : d;
      entries = tree.list(inner) ?? fail('no-source', `${d} is not in ${s.source.id}`);
    } else if (s.origin.kind === 'pbs-image') {
      const r = await fileRestoreList(runner(layer.host), accessOf(layer) as PbsFileAccess, { snapshot: s.origin.snapshot, path: d, timeoutSec: 120 }, { timeoutMs: 300_000, ...(opts.signal ? { signal: opts.signal } : {}) });
      const l = must(r, `listing ${d} in ${s.source.id}`);
      entries = [...l.entries];
    } else if (s.origin.kind === 'zfs-snapshot' || s.origin.kind === 'zfs-replica') {
      const r = await listHostDirectory(runner(layer.host), { dir: snapshotDirectory(s.origin.mountpoint, s.origin.snapshot, s.sourcePath(d)), as: d, limit }, o);
      const l = must(r, `listing ${d} in ${s.source.id}`);
      entries = [...l.entries];
      cut = l.truncated;
    } else {
      const r = await listRemoteDirectory(runner(layer.host), accessOf(layer) as RcloneAccess, { dir: s.sourcePath(d) }, o);
      const l = must(r, `listing ${d} in ${s.source.id}`);
      entries = [...l.entries];
      cut = l.truncated;
    }
    const named = entries.map((e) => ({ ...e, path: joinTreePath(d, e.name) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { sourceId, dir: d, entries: named.slice(0, limit), truncated: cut || named.length > limit };
  }

  async function planParts(s: InternalSource, request: FileRestoreRequest, method: FileMethod, paths: string[]): Promise<PlanParts> {
    const layer = layerOf(s.source.layerId);
    const host = layer.host;
    const nowSec = deps.planContext.nowSec();
    if (s.origin.kind === 'restic') {
const v = must(await resticVersion(runner(host), { timeoutMs: 20_000 }), 'restic version');
      const tree = must(await treeOf(s), `reading ${s.source.id}`);
      return planResticFiles({ s, access: accessOf(layer) as ResticAccess, features: resticFeatures(v), tree, request, paths, nowSec });
    }
    if (s.origin.kind === 'pbs-archive') {
      const v = await clientVersion(runner(host), { timeoutMs: 20_000 });
      const tree = must(await treeOf(s), `reading ${s.source.id}`);
      return planPbsFiles({ s, access: accessOf(layer) as PbsFileAccess, hasPattern: v.ok && pbsClientFeatures(v.value).restorePattern, tree, request, paths, nowSec });
    }
    if (s.origin.kind === 'pbs-image') {
      const snapshot = s.origin.snapshot;
      const access = accessOf(layer) as PbsFileAccess;
      return planPbsImage({ s, access, request, paths, nowSec, list: async (dir) => must(await fileRestoreList(runner(host), access, { snapshot, path: dir, timeoutSec: 120 }, { timeoutMs: 300_000 }), `listing ${dir} in ${s.source.id}`).entries });
    }
    if (s.origin.kind === 'zfs-snapshot' || s.origin.kind === 'zfs-replica') {
      const o = s.origin;
      return planZfs({
        s,
        request,
        method,
        paths,
        nowSec,
        listSnapshot: (rel) => listOrThrow(runner(host), snapshotDirectory(o.mountpoint, o.snapshot, rel)),
        snapshotOrder: async (h, ds) => must(await zfsSnapshotOrder(runner(h), ds, { timeoutMs: 20_000 }), `snapshots of ${ds}`),
        mountpointOf: async (h, ds) => {
          const r = await zfsMountpoint(runner(h), ds, { timeoutMs: 20_000 });
          return r.ok && 'path' in r.value ? r.value.path : undefined;
        },
      });
    }
    const access = accessOf(layer) as RcloneAccess;
    // The layer's points name only some objects: what the chosen paths hold is read, so no archived object is missed.
    const cold = await coldObjectsOf(s, access, paths);
    if (cold.objects.length === 0) return planRclone({ s: { ...s, source: withoutCold(s.source), coldObjects: [] }, access, request, paths, nowSec });
    const storageClass = s.source.cold?.storageClass ?? cold.storageClass!;
    const source = { ...s.source, cold: s.source.cold ?? { storageClass, tiers: thawTiers(storageClass) } };
    return planRclone({ s: { ...s, source, coldObjects: cold.objects }, access, request, paths, nowSec });
  }

  /** Every archived object under the chosen paths (relative to the remote's root), read recursively. */
  async function coldObjectsOf(s: InternalSource, access: RcloneAccess, paths: readonly string[]): Promise<{ objects: string[]; storageClass?: string }> {
    const h = runner(s.source.host);
    const out = new Set<string>();
    let storageClass: string | undefined;
    for (const p of paths) {
      const rel = s.sourcePath(p);
      const slash = rel.lastIndexOf('/');
      const parent = slash < 0 ? '' : rel.slice(0, slash);
      const isDir = rel === '' || must(await listRemoteDirectory(h, access, { dir: parent }, { timeoutMs: 120_000 }), `listing ${parent || '/'} of ${access.remote}`).entries.find((e) => e.name === rel.slice(slash + 1))?.kind === 'dir';
      const r = must(await runParsed(h, () => ({ ...lsjsonDirCommand(access, rel), argv: [...lsjsonDirCommand(access, rel).argv.slice(0, 2), '-R', '--files-only', ...lsjsonDirCommand(access, rel).argv.slice(2)] }), parseLsjsonDir('/'), { timeoutMs: 300_000 }), `listing ${rel} of ${access.remote}`);
      for (const e of r.entries) {
        if (e.tier === undefined || !/GLACIER|DEEP_ARCHIVE/i.test(e.tier)) continue;
        out.add(isDir ? `${rel === '' ? '' : `${rel}/`}${e.path.slice(1)}` : rel);
        if (storageClass === undefined || /DEEP/i.test(e.tier)) storageClass = e.tier.toUpperCase();
      }
    }
    return { objects: [...out].sort(), ...(storageClass ? { storageClass } : {}) };
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

  async function execute(plan: FileRestorePlan, action: ActionPlan, opts: FileRunOptions): Promise<FileRestoreResult> {
    const emit = (e: FileRestoreEvent) => {
      try {
        opts.onEvent?.(e);
      } catch {
        // A listener's fault must not stop a restore half way.
      }
    };
    const stepStart = new Map<number, number>();
    const restoreStep = action.steps.findIndex((x) => x.measuresRestore);
    let poll: ReturnType<typeof setInterval> | undefined;
    let last: Promise<void> | undefined;
    const pollDir = plan.progress === 'bytes' && plan.method === 'files' ? plan.target.path : undefined;
    const measure = (index: number, started: number, final: boolean): Promise<void> =>
      measureBytes(runner(plan.target.host), pollDir!, { timeoutMs: 10_000 }).then((r) => {
        if (r.ok && (poll || final)) emit({ type: 'progress', progress: { step: index, format: 'files', percent: null, scope: 'none', disksDone: 0, bytesRead: r.value }, elapsedMs: Date.now() - started, etaSeconds: null });
      });
    let polling: { index: number; started: number } | undefined;
    /** The restore step ended: one last measure says what it wrote, however short it was. */
    const stopPoll = () => {
      if (poll) clearInterval(poll);
      poll = undefined;
      if (polling) last = measure(polling.index, polling.started, true);
      polling = undefined;
    };
    try {
      const outcome = await deps.execute(action, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onOutput: (line) => emit({ type: 'output', line }),
        onStep: (index) => {
          if (stepStart.has(index)) return;
          stepStart.set(index, Date.now());
          stopPoll();
          emit({ type: 'step', index, of: action.steps.length, description: action.steps[index]?.description ?? '' });
          if (index === restoreStep && pollDir && pollDir !== '/') {
            const started = Date.now();
            polling = { index, started };
            poll = setInterval(() => void measure(index, started, false), deps.pollMs ?? 2_000);
          }
        },
        onProgress: (progress) => {
          const elapsedMs = Date.now() - (stepStart.get(progress.step) ?? Date.now());
          emit({ type: 'progress', progress, elapsedMs, etaSeconds: etaSeconds({ percent: progress.percent, elapsedMs }) });
        },
        onCheck: (check) => {
          stopPoll();
          emit({ type: 'check', check });
        },
        onCleanup: (text) => emit({ type: 'cleanup', text }),
      });
      stopPoll();
      await last?.catch(() => undefined);
      return resultOf(plan, outcome);
    } finally {
      if (poll) clearInterval(poll);
    }
  }

  async function run(plan: FileRestorePlan, opts: FileRunOptions = {}): Promise<FileRestoreResult> {
    checkRunnable(plan, opts);
    if (plan.thaw) return cold.start(plan, sourceOf(plan.source.id), opts);
    return execute(plan, plan.action, opts);
  }

  const cold = createThaws({
    thawDir: deps.thawDir,
    nowSec: () => deps.planContext.nowSec(),
    runner,
    layerOf,
    rcloneAccess: (layer) => accessOf(layer) as RcloneAccess,
    known: (id) => known.get(id),
    async findSource(t) {
      if (!known.has(t.sourceId)) {
        const layer = layerOf(t.layerId);
        if (layer.kind !== 'rclone' || !layer.source) fail('no-source', `${t.layerId} is not an rclone copy`);
        await sources({ path: `${layer.host}:${t.paths[0] ?? layer.source}`, layerId: t.layerId }).catch(() => undefined);
      }
      return known.get(t.sourceId) ?? [...known.values()].find((x) => x.source.layerId === t.layerId) ?? fail('no-source', `${t.layerId} no longer holds ${t.paths.join(', ')}`);
    },
    copyAndCheck(s, t, opts) {
      const parts = planRclone({ s, access: accessOf(layerOf(t.layerId)) as RcloneAccess, request: t.request, paths: [...t.paths], nowSec: deps.planContext.nowSec() });
      const { thaw: _thaw, ...noThaw } = parts;
      const plan = assemble(s, t.request, { ...noThaw, target: t.target });
      return execute(plan, plan.action, opts);
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

function withoutCold(s: FileSource): FileSource {
  const { cold: _cold, ...rest } = s;
  return rest;
}

function resultOf(plan: FileRestorePlan, outcome: ActionOutcome): FileRestoreResult {
  const checks: CheckResult[] = [...(outcome.checks ?? [])];
  const state: FileRestoreState =
    outcome.state === 'cancelled' ? 'cancelled' : outcome.state === 'failed' ? 'failed' : checks.some((c) => c.state === 'failed') ? 'check-failed' : 'restored';
  const counts = (['passed', 'failed', 'not-run'] as const).map((k) => [k, checks.filter((c) => c.state === k).length] as const).filter(([, n]) => n > 0);
  const secs = outcome.restoreSeconds !== undefined ? ` in ${outcome.restoreSeconds < 10 ? outcome.restoreSeconds.toFixed(1) : Math.round(outcome.restoreSeconds)} s` : '';
  const what = `${plan.method === 'files' ? `restore of ${plan.paths.join(', ')}` : `${plan.method} of ${plan.source.assetId.replace(/^dataset\//, '')}`} from ${plan.source.layerId} to ${plan.target.host}:${plan.target.path}`;
  const checkText = counts.length > 0 ? `; checks: ${counts.map(([k, n]) => `${n} ${k.replace('-', ' ')}`).join(', ')}` : '';
  const summary = state === 'restored' || state === 'check-failed' ? `${what}: done${secs}${checkText}` : `${what}: ${state}: ${outcome.summary}`;
  const exitCode = state === 'restored' ? 0 : state === 'check-failed' ? 1 : 2;
  return {
    state,
    summary,
    checks,
    leftover: state === 'failed' || state === 'cancelled' ? (outcome.leftover ?? plan.onFailure) : null,
    restoreSeconds: outcome.restoreSeconds ?? null,
    durationMs: outcome.durationMs,
    exitCode,
    outcome,
  };
}
