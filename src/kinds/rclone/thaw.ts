/**
 * Cold objects of an rclone copy (S3 Glacier, Deep Archive): the thaw
 * request (every entry's Status read: the command exits 0 even when entries
 * failed), and how far a saved thaw is, read with `rclone backend
 * restore-status` (1.64+) or, on older rclone, a copy attempt whose frozen
 * objects ("Object in GLACIER, restore first") are the ones still thawing.
 */
import { copyBack, requestThaw, thawStatus as readThawStatus, version as rcloneVersion } from '../../adapters/rclone/index.js';
import { hasRestoreStatus, includeRule } from '../../adapters/rclone/restore.js';
import { ok } from '../../domain/types.js';
import type { ColdRule, SavedThawRef } from '../files-rule.js';
import type { LayerOf } from '../planner-context.js';
import { rebase, under } from '../shared/files/paths.js';
import { must } from '../shared/files/must.js';
import { planRclone } from './files-plan.js';
import { accessOf, thawTiers } from './files.js';

const includeOf = (rels: readonly string[]) => rels.flatMap((r) => (r === '' ? ['/**'] : [includeRule(r, false), includeRule(r, true)]));

/**
 * A saved thaw read by a process that has not listed its source (a resume):
 * its host paths are paths of the copy only under the copied directory; a
 * copy of a replica's mountpoint was asked by the source's paths, so there
 * the saved objects (relative to the copy's root) are asked about.
 */
function savedInclude(layer: LayerOf<'rclone'>, t: SavedThawRef): string[] {
  const src = layer.source;
  if (src !== undefined && t.paths.every((p) => under(p, src))) return includeOf(t.paths.map((p) => rebase(p, src, '/').replace(/^\/+/, '')));
  return t.objects.map((o) => includeRule(o, false));
}

export const rcloneCold: ColdRule<'rclone'> = {
  tiers: thawTiers,

  async request(layer, s, { paths, thaw }, ctx, signal) {
    const include = includeOf(paths.map((p) => s.sourcePath(p)));
    const r = await requestThaw(ctx.runner(layer.host), accessOf(layer, (n) => ctx.lookupEnv(n)), { dir: '', include, priority: thaw.priority, lifetimeDays: thaw.lifetimeDays }, { timeoutMs: 300_000, ...(signal ? { signal } : {}) });
    if (!r.ok) return r;
    const failed = r.value.entries.filter((e) => e.outcome === 'failed');
    const c = r.value.counts;
    const detail = `${c.requested} requested, ${c['already-in-progress']} already thawing, ${c['not-archived']} not archived, ${failed.length} failed${failed[0] ? ` (${failed[0].remote}: ${failed[0].status})` : ''}`;
    return ok({ failed: failed.map((f) => ({ remote: f.remote, status: f.status })), total: r.value.entries.length, detail });
  },

  async state(layer, t, s, ctx) {
    const access = accessOf(layer, (n) => ctx.lookupEnv(n));
    const h = ctx.runner(layer.host);
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
        return { counts, ready: counts.thawed === t.objects.length, readBy: 'restore-status', detail: `${counts.thawed} thawed, ${counts.thawing} thawing, ${counts.notRequested} not requested${counts.failed > 0 ? `, ${counts.failed} expired` : ''} of ${t.objects.length}` };
      }
    }
    // rclone before 1.64: a copy attempt names the objects still frozen; what came across stays in the target.
    const include = s ? includeOf(t.paths.map((p) => s.sourcePath(p))) : savedInclude(layer, t);
    const staging = t.target.path === '/' ? '/var/tmp/strata-restore' : t.target.path;
    const c = must(await copyBack(h, access, { dir: '', local: staging, include }, { timeoutMs: 600_000 }), 'rclone copy (to see which objects are still frozen)');
    const frozen = new Set(c.frozen.map((f) => f.replace(/^\/+/, '')));
    const named = t.objects.filter((o) => frozen.has(o) || [...frozen].some((f) => f.endsWith(`/${o}`) || o.endsWith(`/${f}`))).length;
    const stillFrozen = Math.min(t.objects.length, named || (c.outcome === 'frozen' ? Math.max(c.frozenCount, 1) : 0));
    const counts = { thawed: t.objects.length - stillFrozen, thawing: stillFrozen, notRequested: 0, failed: 0 };
    return { counts, ready: stillFrozen === 0, readBy: 'copy-attempt', detail: `rclone ${v.ok ? v.value.text : ''} has no restore-status: a copy attempt found ${stillFrozen} still frozen (thawing or not requested) of ${t.objects.length}` };
  },

  copy(layer, s, { request, paths }, ctx) {
    const { thaw: _thaw, ...noThaw } = planRclone({ s, access: accessOf(layer, (n) => ctx.lookupEnv(n)), request, paths, nowSec: ctx.nowSec() });
    return noThaw;
  },

  resumePath: (layer, paths) => (layer.source ? (paths[0] ?? layer.source) : undefined),
};
