/**
 * Files from an rclone copy of a directory: shown in the asked path's
 * terms (the copy of a replica's /backup/data holds /tank/data's files),
 * browsed with lsjson, copied back and checked with `check --download`.
 * Objects in a cold storage class are thawed first (thaw.ts; the engine
 * saves the thaw and resumes it).
 */
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { listDirectory as listRemoteDirectory } from '../../adapters/rclone/index.js';
import { lsjsonDirCommand, parseLsjsonDir } from '../../adapters/rclone/restore.js';
import { resolveSecretMap } from '../../adapters/secrets.js';
import { runParsed } from '../../adapters/shared/run.js';
import type { FileContext, FileRule, InternalSource, Mirror } from '../files-rule.js';
import type { FileSource, ThawTier } from '../files-types.js';
import type { LayerOf } from '../planner-context.js';
import { fail, must } from '../shared/files/must.js';
import { rebase, under } from '../shared/files/paths.js';
import { checkPaths } from '../shared/files/plan-parts.js';
import { ownPoints } from '../shared/files/points.js';
import { checkOriginal, planRclone } from './files-plan.js';

const COLD = /^(GLACIER|DEEP_ARCHIVE)$/i;

/** S3 storage classes whose objects are read only after a thaw (GLACIER_IR is read at once). */
export const isArchivedClass = (storageClass: string): boolean => COLD.test(storageClass);

/** How long a thaw of a storage class takes at each priority, and what it costs, in words. */
const HOUR = 3600;

export function thawTiers(storageClass: string): ThawTier[] {
  const deep = /DEEP/i.test(storageClass);
  return deep
    ? [
        { priority: 'Expedited', wait: 'not offered for Deep Archive', cost: 'n/a', available: false, withinSeconds: null },
        { priority: 'Standard', wait: 'within 12 hours', cost: 'standard', available: true, withinSeconds: 12 * HOUR },
        { priority: 'Bulk', wait: 'within 48 hours', cost: 'lowest', available: true, withinSeconds: 48 * HOUR },
      ]
    : [
        { priority: 'Expedited', wait: '1-5 minutes', cost: 'highest (per GB and per request)', available: true, withinSeconds: 5 * 60 },
        { priority: 'Standard', wait: '3-5 hours', cost: 'standard', available: true, withinSeconds: 5 * HOUR },
        { priority: 'Bulk', wait: '5-12 hours', cost: 'lowest', available: true, withinSeconds: 12 * HOUR },
      ];
}

export function accessOf(layer: LayerOf<'rclone'>, lookup: (name: string) => string | undefined): RcloneAccess {
  const more = must(resolveSecretMap(layer.secretEnv, lookup), 'rclone secret environment');
  return { remote: layer.remote, ...(layer.configFile ? { configFile: layer.configFile } : {}), ...(Object.keys(more).length > 0 ? { secretEnv: more } : {}) };
}

/** Equivalent host paths: the asked one, and the same path under each replica's mountpoint. */
function mirrorPaths(mirrors: readonly Mirror[], host: string, path: string): { host: string; path: string; from: string; to: string }[] {
  const out = [{ host, path, from: '/', to: '/' }];
  for (const m of mirrors) if (m.sourceHost === host && m.from && under(path, m.from)) out.push({ host: m.host, path: rebase(path, m.from, m.to), from: m.from, to: m.to });
  return out;
}

/** Every archived object under the chosen paths (relative to the remote's root), read recursively. */
async function coldObjectsOf(s: InternalSource, access: RcloneAccess, paths: readonly string[], ctx: FileContext): Promise<{ objects: string[]; storageClass?: string }> {
  const h = ctx.runner(s.source.host);
  const out = new Set<string>();
  let storageClass: string | undefined;
  for (const p of paths) {
    const rel = s.sourcePath(p);
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    const isDir = rel === '' || must(await listRemoteDirectory(h, access, { dir: parent }, { timeoutMs: 120_000 }), `listing ${parent || '/'} of ${access.remote}`).entries.find((e) => e.name === rel.slice(slash + 1))?.kind === 'dir';
    const r = must(await runParsed(h, () => ({ ...lsjsonDirCommand(access, rel), argv: [...lsjsonDirCommand(access, rel).argv.slice(0, 2), '-R', '--files-only', ...lsjsonDirCommand(access, rel).argv.slice(2)] }), parseLsjsonDir('/'), { timeoutMs: 300_000 }), `listing ${rel} of ${access.remote}`);
    for (const e of r.entries) {
      if (e.tier === undefined || !isArchivedClass(e.tier)) continue;
      out.add(isDir ? `${rel === '' ? '' : `${rel}/`}${e.path.slice(1)}` : rel);
      if (storageClass === undefined || /DEEP/i.test(e.tier)) storageClass = e.tier.toUpperCase();
    }
  }
  return { objects: [...out].sort(), ...(storageClass ? { storageClass } : {}) };
}

function withoutCold(s: FileSource): FileSource {
  const { cold: _cold, ...rest } = s;
  return rest;
}

export const rcloneFiles: FileRule<'rclone'> = {
  async sources(layer, { target: t, wanted, observation, mirrors }) {
    if (!layer.source) return [];
    const src = layer.source;
    let covers: string | undefined;
    // The host whose paths `covers` names: the asked one, or the replica's source.
    let owner = layer.host;
    if (t.kind === 'guest') return [];
    if (t.kind === 'dataset') {
      // A copy of a replica's mountpoint holds the dataset's files.
      const repl = mirrors.find((m) => (m.sourceDataset === t.dataset || m.dataset === t.dataset) && m.to === src);
      if (!repl) return [];
      covers = t.dataset === repl.sourceDataset && repl.from ? repl.from : src;
      if (t.dataset === repl.sourceDataset && repl.from) owner = repl.sourceHost;
    } else {
      owner = t.host;
      // Shown in the asked path's terms: the copy of /backup/data holds /tank/data's files.
      const hit = mirrorPaths(mirrors, t.host, t.path).find((p) => p.host === layer.host && (under(p.path, src) || under(src, p.path)));
      if (!hit) return [];
      covers = under(src, hit.to) ? rebase(src, hit.to, hit.from) : hit.from;
    }
    const start = t.kind === 'path' && under(t.path, covers) ? t.path : covers;
    const points = ownPoints(observation, () => true);
    if (points.length === 0) return [];
    const newest = points.reduce((a, b) => (b.timeSec > a.timeSec ? b : a));
    if (wanted.kind === 'at' && newest.timeSec > wanted.timeSec) return [];
    const base = covers;
    const rel = (p: string) => rebase(p, base, '/').replace(/^\/+/, '');
    const remoteRoot = layer.remote.replace(/\/+$/, '');
    const startRel = rel(start);
    const cold = points
      .filter((p) => p.storageTier !== undefined && COLD.test(p.storageTier))
      .map((p) => (p.ref.startsWith(`${remoteRoot}/`) ? p.ref.slice(remoteRoot.length + 1) : p.ref))
      .filter((o) => startRel === '' || o === startRel || o.startsWith(`${startRel}/`));
    const storageClass = points.find((p) => p.storageTier !== undefined && COLD.test(p.storageTier))?.storageTier;
    const size = points.reduce((n, p) => n + (p.sizeBytes ?? 0), 0);
    return [
      {
        kind: 'rclone',
        assetId: newest.assetId,
        point: { ...newest, ref: layer.remote, timeSec: newest.timeSec, ...(size > 0 ? { sizeBytes: size } : {}) },
        covers,
        start,
        methods: ['files'],
        filesLabel: 'rclone copy of the chosen paths, then rclone check --download',
        origin: { kind: 'rclone', dir: '', ...(owner !== layer.host ? { pathsOf: owner } : {}) },
        sourcePath: (p) => rel(p),
        ...(cold.length > 0 && storageClass ? { cold: { info: { storageClass: storageClass.toUpperCase(), tiers: thawTiers(storageClass) }, objects: cold } } : {}),
      },
    ];
  },

  async browse(layer, s, dir, ctx, opts) {
    const r = await listRemoteDirectory(ctx.runner(layer.host), accessOf(layer, (n) => ctx.lookupEnv(n)), { dir: s.sourcePath(dir) }, { timeoutMs: 120_000, ...(opts.signal ? { signal: opts.signal } : {}) });
    const l = must(r, `listing ${dir} in ${s.source.id}`);
    return { entries: l.entries, truncated: l.truncated };
  },

  async plan(layer, s, { request, paths }, ctx) {
    // Before the cold objects are read: a path outside the copy maps to some other remote path.
    checkPaths(s, paths);
    checkOriginal(s, request);
    const access = accessOf(layer, (n) => ctx.lookupEnv(n));
    const nowSec = ctx.nowSec();
    // The layer's points name only some objects: what the chosen paths hold is read, so no archived object is missed.
    const cold = await coldObjectsOf(s, access, paths, ctx);
    if (cold.objects.length === 0) return planRclone({ s: { ...s, source: withoutCold(s.source), coldObjects: [] }, access, request, paths, nowSec });
    const storageClass = s.source.cold?.storageClass ?? cold.storageClass ?? fail('unreadable', 'no storage class');
    const source = { ...s.source, cold: s.source.cold ?? { storageClass, tiers: thawTiers(storageClass) } };
    return planRclone({ s: { ...s, source, coldObjects: cold.objects }, access, request, paths, nowSec });
  },

};
