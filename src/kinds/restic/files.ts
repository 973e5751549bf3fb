/**
 * Files from a restic repository: the snapshots of a path on its host
 * (`files/HOST:/path` workloads), browsed from one `restic ls` of the
 * snapshot, restored with `restic restore --include` and read back against
 * that listing.
 */
import { posix } from 'node:path';
import { mkdirCommand } from '../../adapters/files/commands.js';
import { listSnapshotFiles, resticFeatures, resticRestoreCommand, version as resticVersion, type ResticAccess, type ResticFeatures } from '../../adapters/restic/index.js';
import { ok, type RecoveryPoint } from '../../domain/types.js';
import { pointFor } from '../../domain/restore/rank.js';
import type { FileTree } from '../../adapters/shared/file-tree.js';
import type { PlanStep } from '../action-types.js';
import type { FileContext, FileDraft, FileRule, InternalSource, PlanParts } from '../files-rule.js';
import type { FileRestoreRequest } from '../files-types.js';
import type { LayerOf } from '../planner-context.js';
import { RestoreError } from '../restore-types.js';
import { fail, must } from '../shared/files/must.js';
import { rebase, relOf, under } from '../shared/files/paths.js';
import { alternateDir, checkPaths, collectTree, emptyExpected, filesMatch, type Expected } from '../shared/files/plan-parts.js';
import { ownPoints } from '../shared/files/points.js';
import { resticAccess } from './planner.js';

const MAX_TREE = 2_000_000;

const accessOf = (layer: LayerOf<'restic'>, ctx: FileContext): ResticAccess => must(resticAccess(layer, (n) => ctx.lookupEnv(n)), 'restic access');

/** The whole snapshot, listed once per source. */
function treeOf(layer: LayerOf<'restic'>, s: InternalSource, ctx: FileContext, signal?: AbortSignal) {
  const snapshot = s.origin.kind === 'restic' ? s.origin.snapshot : fail('invalid', 'not a restic snapshot');
  return ctx.tree(s.source.id, () =>
    listSnapshotFiles(ctx.runner(layer.host), accessOf(layer, ctx), { snapshot, maxEntries: MAX_TREE }, { timeoutMs: 300_000, ...(signal ? { signal } : {}) }).then((r) => (r.ok ? ok<FileTree>(r.value.tree) : r)),
  );
}

export const resticFiles: FileRule<'restic'> = {
  async sources(layer, { target: t, wanted, observation }) {
    if (t.kind !== 'path') return [];
    const prefix = `files/${t.host}:`;
    const byAsset = new Map<string, RecoveryPoint[]>();
    for (const p of ownPoints(observation, (id) => id.startsWith(prefix))) {
      const root = p.assetId.slice(prefix.length);
      if (under(t.path, root) || under(root, t.path)) byAsset.set(p.assetId, [...(byAsset.get(p.assetId) ?? []), p]);
    }
    const out: FileDraft[] = [];
    for (const [assetId, points] of byAsset) {
      const point = pointFor(points, wanted);
      if (!point) continue;
      const root = assetId.slice(prefix.length);
      out.push({ kind: 'restic', assetId, point, covers: root, start: under(t.path, root) ? t.path : root, methods: ['files'], filesLabel: 'restic restore of the chosen paths', origin: { kind: 'restic', snapshot: point.ref }, sourcePath: (p) => p });
    }
    return out;
  },

  async browse(layer, s, dir, ctx, opts) {
    const tree = must(await treeOf(layer, s, ctx, opts.signal), `reading ${s.source.id}`);
    return { entries: tree.list(dir) ?? fail('no-source', `${dir} is not in ${s.source.id}`), truncated: false };
  },

  async plan(layer, s, { request, paths }, ctx) {
    const v = must(await resticVersion(ctx.runner(layer.host), { timeoutMs: 20_000 }), 'restic version');
    const tree = must(await treeOf(layer, s, ctx), `reading ${s.source.id}`);
    return planResticFiles({ s, access: accessOf(layer, ctx), features: resticFeatures(v), tree, request, paths, nowSec: ctx.nowSec() });
  },
};

interface ResticPlanInput {
  readonly s: InternalSource;
  readonly access: ResticAccess;
  readonly features: ResticFeatures;
  readonly tree: FileTree;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
}

function planResticFiles(i: ResticPlanInput): PlanParts {
  const { s, request, paths } = i;
  checkPaths(s, paths);
  const host = s.source.host;
  const snapshot = s.origin.kind === 'restic' ? s.origin.snapshot : fail('invalid', 'not a restic snapshot');
  const original = request.target?.kind === 'original';
  const dir = original ? '/' : (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  if (!dir.startsWith('/')) throw new RestoreError('invalid', `the target directory must be absolute: ${dir}`);
  const verify = request.verify ?? true;
  const overwrite = original && request.target?.kind === 'original' ? request.target.overwrite : undefined;
  const notes: string[] = [];
  const destroys: string[] = [];
  if (original) {
    if (i.features.overwrite) {
      if (overwrite === undefined) throw new RestoreError('invalid', 'over the original files restic 0.17+ needs an overwrite policy: always, if-changed, if-newer or never');
      if (overwrite !== 'never') destroys.push(`restic --overwrite ${overwrite} replaces ${overwrite === 'always' ? 'every' : overwrite === 'if-newer' ? 'every older' : 'every changed'} file at ${paths.join(', ')} with the snapshot's`);
    } else {
      if (overwrite !== undefined) notes.push(`this restic (${i.features.overwrite ? '' : 'before 0.17'}) has no --overwrite: it always overwrites`);
      destroys.push(`restic before 0.17 always overwrites: every file at ${paths.join(', ')} that the snapshot holds is replaced, files the snapshot lacks stay`);
    }
  }
  const expected: Expected[] = paths.map(() => emptyExpected());
  // Over the original a file is checked in its directory (which holds other files too): only what was restored is compared.
  const roots = paths.map((p) => (original && i.tree.kindOf(p) === 'file' ? posix.dirname(p) : p));
  paths.forEach((p, k) => {
    if (!collectTree(i.tree, p, (x) => relOf(original ? rebase(x, roots[k]!, '/') : x), expected[k]!)) throw new RestoreError('invalid', `${p} is not in snapshot ${snapshot.slice(0, 8)}`);
  });
  const steps: PlanStep[] = [];
  if (!original) steps.push({ host, command: mkdirCommand(dir), description: `create ${dir}` });
  const cmd = resticRestoreCommand(i.access, { snapshot, target: dir, include: paths, verify, ...(overwrite !== undefined && i.features.overwrite ? { overwrite } : {}), ...(original ? { overOriginal: true } : {}) }, i.features);
  steps.push({ host, command: cmd, description: `restic restore of ${paths.join(', ')} from snapshot ${snapshot.slice(0, 8)} to ${dir}`, streams: true, output: { kind: 'restic-restore' }, measuresRestore: true });
  const total = expected.reduce((a, x) => ({ files: a.files + x.files, bytes: a.bytes + x.bytes, sizes: { ...a.sizes, ...x.sizes } }), emptyExpected());
  const checks = original ? paths.map((p, k) => filesMatch(host, roots[k]!, expected[k]!, `${p} read back: files and sizes as in the snapshot`, false)) : [filesMatch(host, dir, total, `${dir} read back: files and sizes as in the snapshot`)];
  if (!i.features.jsonRestoreProgress) notes.push('this restic prints no progress: elapsed time and the bytes under the target are shown instead');
  if (verify) notes.push('--verify: restic reads every restored file back against the snapshot');
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: original },
    steps,
    checks,
    cleanup: [],
    preflight: [],
    destroys,
    confirmWord: destroys.length > 0 ? host : null,
    progress: i.features.jsonRestoreProgress ? 'percent' : 'bytes',
    onFailure: original ? 'files restored before the failure stay in place; the rest are as they were' : `what was restored stays in ${dir}; remove it with rm -r when done`,
    notes,
    ...(!i.features.jsonRestoreProgress ? { pollDir: dir } : {}),
  };
}
