/**
 * The plan of a file restore from an rclone copy: `rclone copy` of the
 * chosen paths back, then `rclone check --download` reads every file on
 * both sides. Archived (Glacier) objects under them are thawed first: the
 * plan carries the thaw request, the engine saves it and copies later.
 */
import { mkdirCommand } from '../../adapters/files/commands.js';
import type { RcloneAccess } from '../../adapters/rclone/commands.js';
import { includeRule, rcloneCheckBackCommand, rcloneCopyBackCommand, rcloneThawCommand } from '../../adapters/rclone/restore.js';
import { describeCommand } from '../../transport/shell-script.js';
import type { PlanCheck, PlanStep } from '../action-types.js';
import type { InternalSource, PlanParts } from '../files-rule.js';
import type { FileRestoreRequest, ThawPlan, ThawPriority } from '../files-types.js';
import { RestoreError } from '../restore-types.js';
import { alternateDir, checkPaths } from '../shared/files/plan-parts.js';

export interface RclonePlanInput {
  readonly s: InternalSource;
  readonly access: RcloneAccess;
  readonly request: FileRestoreRequest;
  readonly paths: readonly string[];
  readonly nowSec: number;
}

/** Over the original only where the copy's host holds the original paths. */
export function checkOriginal(s: InternalSource, request: FileRestoreRequest): void {
  const owner = s.origin.kind === 'rclone' ? s.origin.pathsOf : undefined;
  if (request.target?.kind === 'original' && owner !== undefined) {
    throw new RestoreError('unsupported', `the copy is read on ${s.source.host} and ${s.source.covers} is ${owner}'s: restore to a directory on ${s.source.host} and copy the files over`);
  }
}

export function planRclone(i: RclonePlanInput): PlanParts {
  const { s, request, paths } = i;
  checkPaths(s, paths);
  checkOriginal(s, request);
  const host = s.source.host;
  const original = request.target?.kind === 'original';
  const dir = original ? s.source.covers : (request.target?.kind === 'alternate' && request.target.dir) || alternateDir(i.nowSec);
  const rels = paths.map((p) => s.sourcePath(p));
  const include = rels.flatMap((r) => (r === '' ? ['/**'] : [includeRule(r, false), includeRule(r, true)]));
  const steps: PlanStep[] = [
    ...(original ? [] : [{ host, command: mkdirCommand(dir), description: `create ${dir}` }]),
    { host, command: rcloneCopyBackCommand(i.access, { dir: '', local: dir, include }), description: `rclone copy of ${paths.join(', ')} from ${i.access.remote} to ${dir}`, streams: true, measuresRestore: true },
  ];
  const check: PlanCheck = {
    id: 'rclone-check',
    label: `rclone check --download: what came back to ${dir} read again on both sides`,
    host,
    command: rcloneCheckBackCommand(i.access, { dir: '', local: dir, include }),
    output: { kind: 'rclone-check-back' },
  };
  let thaw: ThawPlan | undefined;
  if (s.source.cold && s.coldObjects && s.coldObjects.length > 0) {
    const priority: ThawPriority = request.thaw?.priority ?? 'Standard';
    const tier = s.source.cold.tiers.find((t) => t.priority === priority);
    if (!tier?.available) throw new RestoreError('unsupported', `${priority} is not offered for ${s.source.cold.storageClass}`);
    const lifetimeDays = request.thaw?.lifetimeDays ?? 3;
    const cmd = rcloneThawCommand(i.access, { dir: '', include, priority, lifetimeDays });
    thaw = { priority, lifetimeDays, wait: tier.wait, cost: tier.cost, storageClass: s.source.cold.storageClass, objects: s.coldObjects, command: { host, command: describeCommand(cmd), description: `request a ${priority} thaw of ${s.coldObjects.length} object${s.coldObjects.length === 1 ? '' : 's'} (kept ${lifetimeDays} days)` } };
  }
  return {
    method: 'files',
    paths,
    target: { host, path: dir, overwrites: original },
    steps,
    checks: [check],
    cleanup: [],
    preflight: [],
    destroys: original ? [`rclone copy replaces every file at ${paths.join(', ')} that differs from the copy's`] : [],
    confirmWord: original ? host : null,
    progress: 'bytes',
    onFailure: `what was copied stays in ${dir}`,
    notes: thaw ? [`${thaw.storageClass} objects: a thaw (${thaw.priority}: ${thaw.wait}, cost ${thaw.cost}) comes first; Strata saves the restore and copies when every object is thawed (strata restore --resume ID)`] : [],
    ...(thaw ? { thaw } : {}),
    pollDir: dir,
  };
}
