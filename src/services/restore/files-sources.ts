/**
 * Where a path or a dataset can come back from, as candidates for the part 1
 * ranking: restic snapshots of a path on its host, the pxar archives of PBS
 * host backups (`etc.pxar` holds `/etc`), ZFS snapshots of the dataset the
 * path is on, the replica of a replication layer (the same files under the
 * replica's mountpoint), and rclone copies of a directory (cold objects:
 * thaw first). Pure: the engine reads the layers and the mountpoints.
 */
import { estimateRestore, type MeasuredRestore } from '../../domain/restore/estimate.js';
import { locationOf, pointFor, rankSources } from '../../domain/restore/rank.js';
import type { SourceCandidate, WantedPoint } from '../../domain/restore/types.js';
import type { Inventory, Layer } from '../../domain/inventory.js';
import type { LayerObservation, RecoveryPoint } from '../../domain/types.js';
import type { ColdInfo, FileMethod, FileSource, FileSourceKind, FileSourceStep, FileTarget, ThawTier } from './files-api.js';

/** What browsing and planning need beyond the public source. */
export type SourceOrigin =
  | { readonly kind: 'restic'; readonly snapshot: string }
  /** `archive`: `etc.pxar.didx`; `inner` of `covers` is the archive's root. */
  | { readonly kind: 'pbs-archive'; readonly snapshot: string; readonly archive: string }
  | { readonly kind: 'pbs-image'; readonly snapshot: string }
  /** `mountpoint` of the dataset whose snapshot this is (for a replica: the replica's). */
  | { readonly kind: 'zfs-snapshot' | 'zfs-replica'; readonly dataset: string; readonly snapshot: string; readonly mountpoint: string; readonly original?: { readonly dataset: string; readonly mountpoint: string; readonly host: string } }
  /** `dir`: below the remote's root, the directory `covers` maps to. */
  | { readonly kind: 'rclone'; readonly dir: string };

export interface InternalSource {
  readonly source: FileSource;
  readonly origin: SourceOrigin;
  /** The path as the source itself names it, for a host path under `covers`. */
  readonly sourcePath: (hostPath: string) => string;
  /** Cold objects of the copy below `covers` (relative to the remote's root). */
  readonly coldObjects?: readonly string[];
}

/** Mountpoints read from the hosts: `host\0dataset` -> path (absent: none or unreadable). */
export type Mountpoints = ReadonlyMap<string, string>;
export const mountKey = (host: string, dataset: string) => `${host}\u0000${dataset}`;

/** A PBS host snapshot's pxar archives, read from its manifest: ref -> `etc.pxar.didx`... */
export type PbsArchives = ReadonlyMap<string, readonly string[]>;

export interface FileCandidateInput {
  readonly inventory: Inventory;
  readonly target: FileTarget;
  readonly wanted: WantedPoint;
  readonly layers: readonly Layer[];
  readonly observations: Readonly<Record<string, LayerObservation>>;
  readonly mountpoints: Mountpoints;
  readonly pbsArchives: PbsArchives;
  readonly measured: readonly MeasuredRestore[];
  readonly proven: (layerId: string) => number | null;
  readonly nowSec: number;
}

/** `/a/b` is `/a` or below it. */
export function under(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

/** `path` moved from under `from` to under `to`. */
export function rebase(path: string, from: string, to: string): string {
  const rest = from === '/' ? path : path.slice(from.length);
  const joined = `${to === '/' ? '' : to}${rest}`;
  return joined === '' ? '/' : joined;
}

/** An archive's restore name to the host path it holds: `root.pxar.didx` is `/`, `etc.pxar.didx` is `/etc`. */
export function archiveRoot(archive: string): string {
  const name = archive.replace(/\.pxar\.didx$/, '');
  return name === 'root' ? '/' : `/${name}`;
}

const COLD = /^(GLACIER|DEEP_ARCHIVE)$/i;

export function thawTiers(storageClass: string): ThawTier[] {
  const deep = /DEEP/i.test(storageClass);
  return deep
    ? [
        { priority: 'Expedited', wait: 'not offered for Deep Archive', cost: 'n/a', available: false },
        { priority: 'Standard', wait: 'within 12 hours', cost: 'standard', available: true },
        { priority: 'Bulk', wait: 'within 48 hours', cost: 'lowest', available: true },
      ]
    : [
        { priority: 'Expedited', wait: '1-5 minutes', cost: 'highest (per GB and per request)', available: true },
        { priority: 'Standard', wait: '3-5 hours', cost: 'standard', available: true },
        { priority: 'Bulk', wait: '5-12 hours', cost: 'lowest', available: true },
      ];
}

interface Draft {
  layer: Layer;
  kind: FileSourceKind;
  assetId: string;
  point: RecoveryPoint;
  covers: string;
  start: string;
  methods: FileMethod[];
  origin: SourceOrigin;
  sourcePath: (hostPath: string) => string;
  cold?: { info: ColdInfo; objects: string[] };
  whyNot?: string;
}

/** Equivalent host paths: the asked one, and the same path under each replica's mountpoint. */
function replicaPaths(input: FileCandidateInput, host: string, path: string): { host: string; path: string; from: string; to: string }[] {
  const out = [{ host, path, from: '/', to: '/' }];
  for (const l of input.inventory.layers) {
    if (l.kind !== 'zfs-replication') continue;
    const srcHost = l.source.host ?? l.host;
    const srcMount = input.mountpoints.get(mountKey(srcHost, l.source.dataset));
    const dstMount = input.mountpoints.get(mountKey(l.host, l.target.dataset));
    if (srcHost === host && srcMount && dstMount && under(path, srcMount)) out.push({ host: l.host, path: rebase(path, srcMount, dstMount), from: srcMount, to: dstMount });
  }
  return out;
}

function drafts(input: FileCandidateInput): Draft[] {
  const out: Draft[] = [];
  const t = input.target;
  const own = (layer: Layer, asset: (id: string) => boolean) => (input.observations[layer.id]?.points ?? []).filter((p) => !p.partial && asset(p.assetId));
  for (const layer of input.layers) {
    switch (layer.kind) {
      case 'restic': {
        if (t.kind !== 'path') break;
        const byAsset = new Map<string, RecoveryPoint[]>();
        for (const p of own(layer, (id) => id.startsWith(`files/${t.host}:`))) {
          const root = p.assetId.slice(`files/${t.host}:`.length);
          if (under(t.path, root) || under(root, t.path)) byAsset.set(p.assetId, [...(byAsset.get(p.assetId) ?? []), p]);
        }
        for (const [assetId, points] of byAsset) {
          const point = pointFor(points, input.wanted);
          if (!point) continue;
          const root = assetId.slice(`files/${t.host}:`.length);
          out.push({ layer, kind: 'restic', assetId, point, covers: root, start: under(t.path, root) ? t.path : root, methods: ['files'], origin: { kind: 'restic', snapshot: point.ref }, sourcePath: (p) => p });
        }
        break;
      }
      case 'pbs': {
        if (t.kind === 'dataset') break;
        const assetId = t.kind === 'guest' ? t.assetId : `host/${t.host}`;
        const point = pointFor(own(layer, (id) => id === assetId), input.wanted);
        if (!point) break;
        const archives = input.pbsArchives.get(`${layer.id}\u0000${point.ref}`) ?? [];
        if (t.kind === 'guest' && assetId.startsWith('vm/')) {
          // A VM's files are inside its disk images: browsed in the images' own paths.
          out.push({ layer, kind: 'pbs-image', assetId, point, covers: '/', start: t.path.startsWith('/drive-') ? t.path : '/', methods: ['files'], origin: { kind: 'pbs-image', snapshot: point.ref }, sourcePath: (p) => p });
          break;
        }
        const archive = archives
          .filter((a) => a.endsWith('.pxar.didx'))
          .map((a) => ({ a, root: archiveRoot(a) }))
          .filter((x) => under(t.path, x.root) || under(x.root, t.path))
          .sort((a, b) => b.root.length - a.root.length)[0];
        if (!archive) break;
        const root = archive.root;
        out.push({
          layer,
          kind: 'pbs-archive',
          assetId,
          point,
          covers: root,
          start: under(t.path, root) ? t.path : root,
          methods: ['files'],
          origin: { kind: 'pbs-archive', snapshot: point.ref, archive: archive.a },
          sourcePath: (p) => rebase(p, root, '/'),
        });
        break;
      }
      case 'zfs-snapshots': {
        for (const dataset of layer.datasets) {
          const mount = input.mountpoints.get(mountKey(layer.host, dataset));
          const asked = t.kind === 'dataset' ? t.dataset === dataset : t.kind === 'path' && mount !== undefined && t.host === layer.host && (under(t.path, mount) || under(mount, t.path));
          if (!asked || !mount) continue;
          const point = pointFor(own(layer, (id) => id === `dataset/${dataset}`), input.wanted);
          if (!point) continue;
          const snapshot = point.ref.slice(point.ref.indexOf('@') + 1);
          out.push({
            layer,
            kind: 'zfs-snapshot',
            assetId: `dataset/${dataset}`,
            point,
            covers: mount,
            start: t.kind === 'path' && under(t.path, mount) ? t.path : mount,
            methods: t.kind === 'dataset' ? ['clone', 'rollback', 'files'] : ['files'],
            origin: { kind: 'zfs-snapshot', dataset, snapshot, mountpoint: mount },
            sourcePath: (p) => rebase(p, mount, '/'),
          });
        }
        break;
      }
      case 'zfs-replication': {
        const srcHost = layer.source.host ?? layer.host;
        const srcMount = input.mountpoints.get(mountKey(srcHost, layer.source.dataset));
        const dstMount = input.mountpoints.get(mountKey(layer.host, layer.target.dataset));
        if (!dstMount) break;
        let covers: string | undefined;
        let start: string | undefined;
        if (t.kind === 'dataset') {
          if (t.dataset !== layer.source.dataset && t.dataset !== layer.target.dataset) break;
          covers = t.dataset === layer.source.dataset && srcMount ? srcMount : dstMount;
          start = covers;
        } else if (t.kind === 'guest') {
          break;
        } else if (srcMount && t.host === srcHost && (under(t.path, srcMount) || under(srcMount, t.path))) {
          covers = srcMount;
          start = under(t.path, srcMount) ? t.path : srcMount;
        } else if (t.host === layer.host && (under(t.path, dstMount) || under(dstMount, t.path))) {
          covers = dstMount;
          start = under(t.path, dstMount) ? t.path : dstMount;
        }
        if (covers === undefined || start === undefined) break;
        const point = pointFor(own(layer, (id) => id === `dataset/${layer.source.dataset}`), input.wanted);
        if (!point) break;
        const snapshot = point.ref.slice(point.ref.indexOf('@') + 1);
        const base = covers;
        const receive = t.kind === 'dataset' && t.dataset === layer.source.dataset && srcHost === layer.host;
        out.push({
          layer,
          kind: 'zfs-replica',
          assetId: `dataset/${layer.source.dataset}`,
          point,
          covers,
          start,
          methods: receive ? ['receive', 'files'] : ['files'],
          origin: { kind: 'zfs-replica', dataset: layer.target.dataset, snapshot, mountpoint: dstMount, ...(srcMount ? { original: { dataset: layer.source.dataset, mountpoint: srcMount, host: srcHost } } : {}) },
          sourcePath: (p) => rebase(p, base, '/'),
        });
        break;
      }
      case 'rclone': {
        if (!layer.source) break;
        const src = layer.source;
        let covers: string | undefined;
        if (t.kind === 'guest') break;
        if (t.kind === 'dataset') {
          // A copy of a replica's mountpoint holds the dataset's files.
          const repl = input.inventory.layers.find((l) => l.kind === 'zfs-replication' && (l.source.dataset === t.dataset || l.target.dataset === t.dataset) && input.mountpoints.get(mountKey(l.host, l.target.dataset)) === src);
          if (!repl || repl.kind !== 'zfs-replication') break;
          const srcMount = input.mountpoints.get(mountKey(repl.source.host ?? repl.host, repl.source.dataset));
          covers = t.dataset === repl.source.dataset && srcMount ? srcMount : src;
        } else {
          // Shown in the asked path's terms: the copy of /backup/data holds /tank/data's files.
          const hit = replicaPaths(input, t.host, t.path).find((p) => p.host === layer.host && (under(p.path, src) || under(src, p.path)));
          if (!hit) break;
          covers = under(src, hit.to) ? rebase(src, hit.to, hit.from) : hit.from;
        }
        const start = t.kind === 'path' && under(t.path, covers) ? t.path : covers;
        const points = own(layer, () => true);
        if (points.length === 0) break;
        const newest = points.reduce((a, b) => (b.timeSec > a.timeSec ? b : a));
        if (input.wanted.kind === 'at' && newest.timeSec > input.wanted.timeSec) break;
        const base = covers;
        const rel = (p: string) => rebase(p, base, '/').replace(/^\/+/, '');
        const remoteRoot = layer.remote.replace(/\/+$/, '');
        const startRel = rel(start);
        const cold = points.filter((p) => p.storageTier !== undefined && COLD.test(p.storageTier)).map((p) => p.ref.startsWith(`${remoteRoot}/`) ? p.ref.slice(remoteRoot.length + 1) : p.ref).filter((o) => startRel === '' || o === startRel || o.startsWith(`${startRel}/`));
        const storageClass = points.find((p) => p.storageTier !== undefined && COLD.test(p.storageTier))?.storageTier;
        const size = points.reduce((n, p) => n + (p.sizeBytes ?? 0), 0);
        out.push({
          layer,
          kind: 'rclone',
          assetId: newest.assetId,
          point: { ...newest, ref: layer.remote, timeSec: newest.timeSec, ...(size > 0 ? { sizeBytes: size } : {}) },
          covers,
          start,
          methods: ['files'],
          origin: { kind: 'rclone', dir: '' },
          sourcePath: (p) => rel(p),
          ...(cold.length > 0 && storageClass ? { cold: { info: { storageClass: storageClass.toUpperCase(), tiers: thawTiers(storageClass) }, objects: cold } } : {}),
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function stepsOf(d: Draft): FileSourceStep[] {
  const steps: FileSourceStep[] = [];
  if (d.cold) steps.push({ kind: 'thaw', label: `thaw ${d.cold.objects.length} ${d.cold.info.storageClass} object${d.cold.objects.length === 1 ? '' : 's'} first (Standard: ${d.cold.info.tiers.find((x) => x.priority === 'Standard')?.wait})`, planned: true });
  const m = d.methods[0]!;
  const label: Record<FileMethod, string> = {
    files: d.kind === 'restic' ? 'restic restore of the chosen paths' : d.kind === 'pbs-archive' ? 'proxmox-backup-client restore of the chosen paths' : d.kind === 'pbs-image' ? 'proxmox-file-restore extract of the chosen paths from the VM image' : d.kind === 'rclone' ? 'rclone copy of the chosen paths, then rclone check --download' : 'copy of the chosen paths out of the snapshot directory',
    clone: 'zfs clone of the snapshot to a new dataset (nothing destroyed)',
    rollback: 'zfs rollback -r (destroys every newer snapshot)',
    receive: 'zfs send -I | zfs recv from the replica',
  };
  steps.push({ kind: m === 'files' ? 'restore' : m, label: label[m], planned: true });
  return steps;
}

/** The sources of a path or dataset, ranked with the guest ranking. */
export function fileCandidates(input: FileCandidateInput): InternalSource[] {
  const list = drafts(input);
  const byId = new Map<string, Draft>();
  const cands: SourceCandidate[] = list.map((d) => {
    const id = `${d.layer.id}@${d.point.ref}`;
    byId.set(id, d);
    const method = d.methods[0] === 'rollback' || d.methods[0] === 'clone' ? 'clone' : 'restore';
    const base = d.kind === 'zfs-snapshot' && d.methods[0] !== 'files' ? { seconds: 10, basis: 'snapshot' as const, text: 'seconds (a snapshot clone)' } : estimateRestore({ method, layerId: d.layer.id, ...(d.point.sizeBytes !== undefined ? { sizeBytes: d.point.sizeBytes } : {}), measured: input.measured.filter((m) => m.layerId === d.layer.id) });
    const standard = d.cold?.info.tiers.find((x) => x.priority === 'Standard');
    const estimate = d.cold ? { ...base, text: `${base.text}, after a thaw of ${standard?.wait ?? 'hours'} (Standard)` } : base;
    return {
      id,
      layerId: d.layer.id,
      layerKind: d.layer.kind,
      host: d.layer.host,
      assetId: d.assetId,
      point: { ref: d.point.ref, timeSec: d.point.timeSec, ...(d.point.sizeBytes !== undefined ? { sizeBytes: d.point.sizeBytes } : {}) },
      ageSeconds: Math.max(0, Math.round(input.nowSec - d.point.timeSec)),
      location: locationOf(d.layer, input.target.kind === 'path' ? input.target.host : d.layer.host),
      via: [],
      steps: [],
      methods: [],
      plannable: d.whyNot === undefined,
      ...(d.whyNot ? { whyNot: d.whyNot } : {}),
      estimate,
      provenAtSec: input.proven(d.layer.id),
    };
  });
  return rankSources(cands, input.wanted).map((r) => {
    const d = byId.get(r.id)!;
    const source: FileSource = {
      id: r.id,
      layerId: r.layerId,
      layerKind: r.layerKind,
      kind: d.kind,
      host: r.host,
      assetId: r.assetId,
      point: r.point,
      ageSeconds: r.ageSeconds,
      location: r.location,
      covers: d.covers,
      start: d.start,
      steps: stepsOf(d),
      methods: d.methods,
      plannable: r.plannable,
      ...(r.whyNot ? { whyNot: r.whyNot } : {}),
      estimate: r.estimate,
      provenAtSec: r.provenAtSec,
      ...(d.cold ? { cold: d.cold.info } : {}),
      rank: r.rank,
    };
    return { source, origin: d.origin, sourcePath: d.sourcePath, ...(d.cold ? { coldObjects: d.cold.objects } : {}) };
  });
}
