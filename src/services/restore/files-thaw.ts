/**
 * Cold storage for file restores (issue 13 §3): the thaw requested through
 * the source kind's cold rule (`KindSpec.files.cold`, e.g.
 * src/kinds/rclone/thaw.ts), the restore saved in the state directory under
 * an id, and its state read later from any process through the same rule.
 * When all are thawed the engine copies and checks.
 */
import { randomUUID } from 'node:crypto';
import type { Layer } from '../../domain/inventory.js';
import type { LayerKind } from '../../domain/inventory-file.js';
import type { ColdRule, FileContext, InternalSource } from '../../kinds/files-rule.js';
import { RestoreError } from './api.js';
import type { FileRestorePlan, FileRestoreResult, FileRunOptions, SavedThaw, ThawProgress } from './files-api.js';
import { loadThaw, saveThaw } from './thaw-file.js';

export interface ThawContext {
  readonly thawDir: string;
  readonly files: FileContext;
  layerOf(id: string): Layer;
  /** The cold rule of the layer's kind (its thaw request and state), or a RestoreError. */
  coldOf(layer: Layer): ColdRule<LayerKind>;
  /** A source this engine has listed. */
  known(id: string): InternalSource | undefined;
  /** The saved restore's source, listed again when this process has not seen it. */
  findSource(t: SavedThaw): Promise<InternalSource>;
  /** Copies the saved paths and checks them (the journaled restore). */
  copyAndCheck(s: InternalSource, t: SavedThaw, opts: FileRunOptions): Promise<FileRestoreResult>;
}

export function createThaws(ctx: ThawContext) {
  async function statusOf(t: SavedThaw): Promise<ThawProgress> {
    const layer = ctx.layerOf(t.layerId);
    const cold = ctx.coldOf(layer);
    const wait = cold.tiers(t.storageClass ?? 'GLACIER').find((x) => x.priority === t.priority)?.wait ?? '';
    const state = await cold.state(layer, t, ctx.known(t.sourceId), ctx.files);
    return { id: t.id, requestedAtSec: t.createdAtSec, wait, ...state };
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
      const r = await ctx.coldOf(layer).request(layer, s, { paths: plan.paths, thaw }, ctx.files, opts.signal);
      if (!r.ok) return { state: 'failed', summary: `thaw request failed: ${r.error.message}`, checks: [], leftover: null, restoreSeconds: null, durationMs: Date.now() - started, exitCode: 2 };
      const failed = r.value.failed;
      const allFailed = failed.length > 0 && failed.length === r.value.total;
      const id = `thaw-${new Date(ctx.files.nowSec() * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
      const saved: SavedThaw = {
        id,
        createdAtSec: ctx.files.nowSec(),
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
      const emitted: ThawProgress = { ...status, detail: `${r.value.detail}; ${status.detail}` };
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
