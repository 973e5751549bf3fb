/**
 * Cold storage for file restores (issue 13 §3): the thaw request (every
 * entry's Status read: the command exits 0 even when entries failed), the
 * restore saved in the state directory under an id, and its state read
 * later from any process: `rclone backend restore-status` (1.64+), or on
 * older rclone a copy attempt whose frozen objects ("Object in GLACIER,
 * restore first") are the ones still thawing. When all are thawed the
 * engine copies and checks.
 */
import { randomUUID } from 'node:crypto';
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { copyBack, requestThaw, thawStatus as readThawStatus, version as rcloneVersion } from '../../adapters/rclone/index.js';
import { hasRestoreStatus, includeRule } from '../../adapters/rclone/restore.js';
import type { Layer } from '../../domain/inventory.js';
import type { Result } from '../../domain/types.js';
import type { Runner } from '../../transport/runner.js';
import { RestoreError } from './api.js';
import type { FileRestorePlan, FileRestoreResult, FileRunOptions, SavedThaw, ThawProgress } from './files-api.js';
import type { InternalSource } from '../../kinds/files-rule.js';
import { thawTiers } from '../../kinds/rclone/files.js';
import { loadThaw, saveThaw } from './thaw-file.js';

export interface ThawContext {
  readonly thawDir: string;
  nowSec(): number;
  runner(host: string): Runner;
  layerOf(id: string): Layer;
  rcloneAccess(layer: Layer): RcloneAccess;
  /** A source this engine has listed. */
  known(id: string): InternalSource | undefined;
  /** The saved restore's source, listed again when this process has not seen it. */
  findSource(t: SavedThaw): Promise<InternalSource>;
  /** Copies the saved paths and checks them (the journaled restore). */
  copyAndCheck(s: InternalSource, t: SavedThaw, opts: FileRunOptions): Promise<FileRestoreResult>;
}

function must<T>(r: Result<T>, what: string): T {
  if (!r.ok) throw new RestoreError(r.error.kind === 'not-found' ? 'no-source' : 'unreadable', `${what}: ${r.error.message}`);
  return r.value;
}

const includeOf = (rels: readonly string[]) => rels.flatMap((r) => (r === '' ? ['/**'] : [includeRule(r, false), includeRule(r, true)]));

export function createThaws(ctx: ThawContext) {
  async function statusOf(t: SavedThaw): Promise<ThawProgress> {
    const layer = ctx.layerOf(t.layerId);
    const access = ctx.rcloneAccess(layer);
    const h = ctx.runner(layer.host);
    const wait = thawTiers(t.storageClass ?? 'GLACIER').find((x) => x.priority === t.priority)?.wait ?? '';
    const base = { id: t.id, requestedAtSec: t.createdAtSec, wait };
    const v = await rcloneVersion(h, { timeoutMs: 20_000 });
    if (v.ok && hasRestoreStatus(v.value)) {
      const st = must(await readThawStatus(h, access, { dir: '', all: true, nowSec: ctx.nowSec() }, { timeoutMs: 120_000 }), 'rclone backend restore-status');
      if (st.supported) {
        const remoteRoot = access.remote.replace(/\/+$/, '');
        const byPath = new Map(st.entries.map((e) => [e.remote.startsWith(`${remoteRoot}/`) ? e.remote.slice(remoteRoot.length + 1) : e.remote, e.state]));
        const counts = { thawed: 0, thawing: 0, notRequested: 0, failed: 0 };
        for (const o of t.objects) {
          const state = byPath.get(o) ?? 'not-requested';
          if (state === 'thawed') counts.thawed++;
          else if (state === 'thawing') counts.thawing++;
          else if (state === 'expired') counts.failed++;
          else counts.notRequested++;
        }
        return { ...base, counts, ready: counts.thawed === t.objects.length, readBy: 'restore-status', detail: `${counts.thawed} thawed, ${counts.thawing} thawing, ${counts.notRequested} not requested${counts.failed > 0 ? `, ${counts.failed} expired` : ''} of ${t.objects.length}` };
      }
    }
    // rclone before 1.64: a copy attempt names the objects still frozen; what came across stays in the target.
    const s = ctx.known(t.sourceId);
    const include = includeOf(t.paths.map((p) => (s ? s.sourcePath(p) : p.replace(/^\/+/, ''))));
    const staging = t.target.path === '/' ? '/var/tmp/strata-restore' : t.target.path;
    const c = must(await copyBack(h, access, { dir: '', local: staging, include }, { timeoutMs: 600_000 }), 'rclone copy (to see which objects are still frozen)');
    const frozen = new Set(c.frozen.map((f) => f.replace(/^\/+/, '')));
    const named = t.objects.filter((o) => frozen.has(o) || [...frozen].some((f) => f.endsWith(`/${o}`) || o.endsWith(`/${f}`))).length;
    const stillFrozen = Math.min(t.objects.length, named || (c.outcome === 'frozen' ? Math.max(c.frozenCount, 1) : 0));
    const counts = { thawed: t.objects.length - stillFrozen, thawing: stillFrozen, notRequested: 0, failed: 0 };
    return { ...base, counts, ready: stillFrozen === 0, readBy: 'copy-attempt', detail: `rclone ${v.ok ? v.value.text : ''} has no restore-status: a copy attempt found ${stillFrozen} still frozen (thawing or not requested) of ${t.objects.length}` };
  }

  async function loaded(id: string): Promise<SavedThaw> {
    const t = await loadThaw(ctx.thawDir, id);
    if (!t) throw new RestoreError('not-found', `no saved restore ${id} in ${ctx.thawDir}`);
    return t;
  }

  return {
    status: async (id: string) => statusOf(await loaded(id)),

    async start(plan: FileRestorePlan, s: InternalSource, opts: FileRunOptions): Promise<FileRestoreResult> {
      const started = Date.now();
      const layer = ctx.layerOf(s.source.layerId);
      const thaw = plan.thaw!;
      const include = includeOf(plan.paths.map((p) => s.sourcePath(p)));
      const r = await requestThaw(ctx.runner(layer.host), ctx.rcloneAccess(layer), { dir: '', include, priority: thaw.priority, lifetimeDays: thaw.lifetimeDays }, { timeoutMs: 300_000, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (!r.ok) return { state: 'failed', summary: `thaw request failed: ${r.error.message}`, checks: [], leftover: null, restoreSeconds: null, durationMs: Date.now() - started, exitCode: 2 };
      const failed = r.value.entries.filter((e) => e.outcome === 'failed');
      const allFailed = failed.length > 0 && failed.length === r.value.entries.length;
      const id = `thaw-${new Date(ctx.nowSec() * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
      const saved: SavedThaw = {
        id,
        createdAtSec: ctx.nowSec(),
        request: plan.request,
        sourceId: plan.source.id,
        layerId: layer.id,
        paths: plan.paths,
        target: plan.target,
        priority: thaw.priority,
        lifetimeDays: thaw.lifetimeDays,
        storageClass: thaw.storageClass,
        objects: [...thaw.objects],
        state: allFailed ? 'failed' : 'thawing',
      };
      await saveThaw(ctx.thawDir, saved);
      const status = await statusOf(saved);
      await saveThaw(ctx.thawDir, { ...saved, last: status });
      const c = r.value.counts;
      const emitted: ThawProgress = { ...status, detail: `${c.requested} requested, ${c['already-in-progress']} already thawing, ${c['not-archived']} not archived, ${failed.length} failed${failed[0] ? ` (${failed[0].remote}: ${failed[0].status})` : ''}; ${status.detail}` };
      opts.onEvent?.({ type: 'thaw', status: emitted });
      const n = saved.objects.length;
      const summary = `thaw of ${n} ${thaw.storageClass} object${n === 1 ? '' : 's'} requested (${thaw.priority}: ${thaw.wait}); saved as ${id}: strata restore --resume ${id}`;
      const failures = failed.length > 0 ? `; ${failed.length} entr${failed.length === 1 ? 'y' : 'ies'} failed: ${failed.slice(0, 3).map((f) => `${f.remote}: ${f.status}`).join('; ')}` : '';
      return { state: allFailed ? 'failed' : 'thawing', summary: `${summary}${failures}`, checks: [], leftover: null, restoreSeconds: null, durationMs: Date.now() - started, exitCode: allFailed ? 2 : 0, thaw: emitted };
    },

    async resume(id: string, opts: FileRunOptions = {}): Promise<FileRestoreResult> {
      const started = Date.now();
      const t = await loaded(id);
      if (t.state !== 'thawing') throw new RestoreError('invalid', `restore ${id} is already ${t.state}`);
      const status = await statusOf(t);
      await saveThaw(ctx.thawDir, { ...t, last: status });
      opts.onEvent?.({ type: 'thaw', status });
      if (!status.ready) {
        return { state: 'thawing', summary: `restore ${id}: ${status.detail}; run strata restore --resume ${id} again later`, checks: [], leftover: null, restoreSeconds: null, durationMs: Date.now() - started, exitCode: 0, thaw: status };
      }
      // Every object thawed: the same copy and check as a restore from a warm copy.
      const result = await ctx.copyAndCheck(await ctx.findSource(t), t, opts);
      await saveThaw(ctx.thawDir, { ...t, last: status, state: result.state === 'restored' ? 'restored' : result.state === 'cancelled' ? 'thawing' : 'failed' });
      return { ...result, thaw: status };
    },
  };
}
