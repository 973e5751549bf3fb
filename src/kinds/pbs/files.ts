/**
 * Files from a PBS datastore: the pxar archives of a host or container
 * backup (`etc.pxar` holds `/etc`, browsed from the snapshot's catalog) and
 * a VM's disk images (browsed and extracted with proxmox-file-restore, in
 * the images' own paths). The archives a snapshot holds come from the
 * snapshot list's manifests.
 */
import { catalog, clientVersion, fileRestoreList, listSnapshots as listPbsSnapshots, pbsClientFeatures, type PbsFileAccess } from '../../adapters/pbs/index.js';
import { resolveSecret } from '../../adapters/secrets.js';
import type { FileTree } from '../../adapters/shared/file-tree.js';
import { parseUtcOffset } from '../../adapters/shared/local-time.js';
import { isoTime } from '../../domain/format.js';
import { pointFor } from '../../domain/restore/rank.js';
import { ok } from '../../domain/types.js';
import type { FileContext, FileRule, InternalSource } from '../files-rule.js';
import type { FileTarget } from '../files-types.js';
import type { LayerOf } from '../planner-context.js';
import { fail, must } from '../shared/files/must.js';
import { rebase, under } from '../shared/files/paths.js';
import { ownPoints } from '../shared/files/points.js';
import { planPbsFiles, planPbsImage } from './files-plan.js';

const MAX_TREE = 2_000_000;

function accessOf(layer: LayerOf<'pbs'>, ctx: FileContext): PbsFileAccess {
  const lookup = (n: string) => ctx.lookupEnv(n);
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

/** An archive's restore name to the host path it holds: `root.pxar.didx` is `/`, `etc.pxar.didx` is `/etc`. */
export function archiveRoot(archive: string): string {
  const name = archive.replace(/\.pxar\.didx$/, '');
  return name === 'root' ? '/' : `/${name}`;
}

/** The backup group a target's files are in: `host/pve1`, `vm/100`, `ct/102`. */
function groupOf(t: FileTarget): { type: string; id: string } | undefined {
  if (t.kind === 'path') return { type: 'host', id: t.host };
  if (t.kind === 'guest') return { type: t.assetId.split('/')[0]!, id: t.assetId.split('/')[1]! };
  return undefined;
}

/**
 * The pxar archives of the group's snapshots, from the snapshot list's
 * manifests: ref -> `etc.pxar.didx`... Unread, the layer is unreadable: it
 * may hold the path or not.
 */
async function archivesOf(layer: LayerOf<'pbs'>, group: { type: string; id: string }, ref: string, ctx: FileContext): Promise<Map<string, readonly string[]>> {
  const out = new Map<string, readonly string[]>();
  const r = await listPbsSnapshots(ctx.runner(layer.host), accessOf(layer, ctx), { timeoutMs: 30_000 });
  if (!r.ok) fail('unreadable', `the archives of ${ref}: ${r.error.message}`);
  for (const s of r.value) {
    if (s.type !== group.type || s.id !== group.id) continue;
    out.set(`${s.type}/${s.id}/${isoTime(s.timeSec).replace(/\.\d+Z$/, 'Z')}`, [...s.files]);
  }
  return out;
}

/** A pxar archive's whole catalog, read once per source. */
function treeOf(layer: LayerOf<'pbs'>, s: InternalSource, ctx: FileContext, signal?: AbortSignal) {
  const snapshot = s.origin.kind === 'pbs-archive' ? s.origin.snapshot : fail('invalid', 'not a PBS archive');
  const runner = ctx.runner(layer.host);
  return ctx.tree(s.source.id, async () => {
    const zone = await runner.run({ argv: ['date', '+%z'] }).then((r) => parseUtcOffset(r.stdout.trim())).catch(() => undefined);
    const r = await catalog(runner, accessOf(layer, ctx), { snapshot, zone: { utcOffsetSec: zone ?? 0 }, maxEntries: MAX_TREE }, { timeoutMs: 300_000, ...(signal ? { signal } : {}) });
    return r.ok ? ok<FileTree>(r.value.tree) : r;
  });
}

export const pbsFiles: FileRule<'pbs'> = {
  guestFiles: true,

  async sources(layer, { target: t, wanted, observation }, ctx) {
    const group = groupOf(t);
    if (t.kind === 'dataset' || !group) return [];
    const assetId = t.kind === 'guest' ? t.assetId : `host/${t.host}`;
    const point = pointFor(ownPoints(observation, (id) => id === assetId), wanted);
    if (!point) return [];
    if (t.kind === 'guest' && assetId.startsWith('vm/')) {
      // A VM's files are inside its disk images: browsed in the images' own paths.
      const how = 'proxmox-file-restore extract of the chosen paths from the VM image';
      return [{ kind: 'pbs-image', assetId, point, covers: '/', start: t.path.startsWith('/drive-') ? t.path : '/', methods: ['files'], filesLabel: how, origin: { kind: 'pbs-image', snapshot: point.ref }, sourcePath: (p) => p }];
    }
    const archives = (await archivesOf(layer, group, point.ref, ctx)).get(point.ref) ?? [];
    const archive = archives
      .filter((a) => a.endsWith('.pxar.didx'))
      .map((a) => ({ a, root: archiveRoot(a) }))
      .filter((x) => under(t.path, x.root) || under(x.root, t.path))
      .sort((a, b) => b.root.length - a.root.length)[0];
    if (!archive) return [];
    const root = archive.root;
    return [
      {
        kind: 'pbs-archive',
        assetId,
        point,
        covers: root,
        start: under(t.path, root) ? t.path : root,
        methods: ['files'],
        filesLabel: 'proxmox-backup-client restore of the chosen paths',
        origin: { kind: 'pbs-archive', snapshot: point.ref, archive: archive.a },
        sourcePath: (p) => rebase(p, root, '/'),
      },
    ];
  },

  async browse(layer, s, dir, ctx, opts) {
    if (s.origin.kind === 'pbs-image') {
      const r = await fileRestoreList(ctx.runner(layer.host), accessOf(layer, ctx), { snapshot: s.origin.snapshot, path: dir, timeoutSec: 120 }, { timeoutMs: 300_000, ...(opts.signal ? { signal: opts.signal } : {}) });
      return { entries: must(r, `listing ${dir} in ${s.source.id}`).entries, truncated: false };
    }
    if (s.origin.kind !== 'pbs-archive') fail('invalid', 'not a PBS source');
    const tree = must(await treeOf(layer, s, ctx, opts.signal), `reading ${s.source.id}`);
    const inArchive = rebase(dir, s.source.covers, '/');
    const inner = `/${s.origin.archive}${inArchive === '/' ? '' : inArchive}`;
    return { entries: tree.list(inner) ?? fail('no-source', `${dir} is not in ${s.source.id}`), truncated: false };
  },

  async plan(layer, s, { request, paths }, ctx) {
    const nowSec = ctx.nowSec();
    const access = accessOf(layer, ctx);
    const runner = ctx.runner(layer.host);
    if (s.origin.kind === 'pbs-image') {
      const snapshot = s.origin.snapshot;
      return planPbsImage({ s, access, request, paths, nowSec, list: async (dir) => must(await fileRestoreList(runner, access, { snapshot, path: dir, timeoutSec: 120 }, { timeoutMs: 300_000 }), `listing ${dir} in ${s.source.id}`).entries });
    }
    const v = await clientVersion(runner, { timeoutMs: 20_000 });
    const tree = must(await treeOf(layer, s, ctx), `reading ${s.source.id}`);
    return planPbsFiles({ s, access, hasPattern: v.ok && pbsClientFeatures(v.value).restorePattern, tree, request, paths, nowSec });
  },
};
