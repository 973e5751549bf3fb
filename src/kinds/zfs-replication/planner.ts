/**
 * zfs-replication: run = snapshot the source, send it to the target from the
 * newest common snapshot with every snapshot taken since (full when none),
 * then confirm with the target's own list that it arrived; verify = compare both sides' snapshot lists. Strata
 * pipes only within one host: across hosts the plan says so and names syncoid.
 */
import { strataSnapshotName, zfsSendRecvCommand, zfsSnapshotCommand } from '../../adapters/zfs/actions.js';
import { zfsGetSnapshotsCommand, zfsListSnapshotsCommand } from '../../adapters/zfs/commands.js';
import { applyParser } from '../../adapters/shared/run.js';
import { lacksParsableFlag, parseZfsGetSnapshots, parseZfsSnapshotList, type ZfsSnapshot } from '../../adapters/zfs/parse.js';
import { ok, type Result } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { because, build, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';
import type { PlanStep } from '../action-types.js';

export type ListingForm = 'list' | 'get';

export interface SideListing {
  readonly form: ListingForm;
  /** Null: the dataset does not exist. */
  readonly snapshots: ZfsSnapshot[] | null;
}

export const listingCommand = (form: ListingForm, dataset: string): Command =>
  form === 'list' ? zfsListSnapshotsCommand(dataset) : zfsGetSnapshotsCommand(dataset);

/** Lists one dataset's own snapshots, finding out on the way which listing the host's zfs understands. */
export async function readSide(ctx: PlannerContext, host: string, dataset: string): Promise<Result<SideListing>> {
  const first = await ctx.probeRaw(host, () => zfsListSnapshotsCommand(dataset));
  if (!first.ok) return because(`snapshots of ${dataset} on ${host}`, first);
  let form: ListingForm = 'list';
  let parsed = applyParser(parseZfsSnapshotList, first.value);
  if (lacksParsableFlag(first.value.stderr, first.value.exitCode)) {
    form = 'get';
    parsed = await ctx.probe(host, () => zfsGetSnapshotsCommand(dataset), parseZfsGetSnapshots);
  }
  if (!parsed.ok) {
    if (parsed.error.kind === 'not-found') return ok({ form, snapshots: null });
    return because(`snapshots of ${dataset} on ${host}`, parsed);
  }
  return ok({ form, snapshots: parsed.value.filter((s) => s.dataset === dataset).sort((a, b) => a.timeSec - b.timeSec) });
}

/** The newest snapshot of the source that the target holds too. */
export function newestCommon(source: readonly ZfsSnapshot[], target: readonly ZfsSnapshot[]): ZfsSnapshot | undefined {
  const onTarget = new Set(target.map((s) => s.snapshot));
  return [...source].sort((a, b) => b.timeSec - a.timeSec).find((s) => onTarget.has(s.snapshot));
}

export async function planZfsReplication(layer: LayerOf<'zfs-replication'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const sourceHost = layer.source.host ?? layer.host;
  const targetHost = layer.host;
  const src = layer.source.dataset;
  const dst = layer.target.dataset;

  if (ctx.request.kind === 'verify') {
    const [s, t] = await Promise.all([readSide(ctx, sourceHost, src), readSide(ctx, targetHost, dst)]);
    if (!s.ok) return s;
    if (!t.ok) return t;
    const steps: PlanStep[] = [];
    for (const [host, dataset, side, form] of [[sourceHost, src, 'source', s.value.form], [targetHost, dst, 'target', t.value.form]] as const) {
      const cmd = build(() => listingCommand(form, dataset));
      if (!cmd.ok) return cmd;
      steps.push({ host, command: cmd.value, description: `list the snapshots of ${dataset} on ${host} (${side})`, output: { kind: 'zfs-snapshots', dataset, side, form } });
    }
    return ok({
      title: `Compare snapshots of ${src} (${sourceHost}) and ${dst} (${targetHost})`,
      steps,
      changesHost: false,
      affectedLayers: [],
      compare: { kind: 'zfs-replication', source: src, target: dst, maxLagSeconds: layer.rpoSeconds },
      notes: ['Compares snapshot names and times on both sides; it does not read the data (a scrub of the target pool does).'],
    });
  }

  if (sourceHost !== targetHost) {
    return ok({
      title: `Replicate ${src} (${sourceHost}) to ${dst} (${targetHost})`,
      steps: [],
      changesHost: true,
      affectedLayers: [layer.id],
      blocked: `Strata cannot pipe zfs send on ${sourceHost} into zfs recv on ${targetHost} yet. Run syncoid on ${targetHost} instead: syncoid root@${sourceHost}:${src} ${dst}`,
    });
  }

  const [s, t] = await Promise.all([readSide(ctx, sourceHost, src), readSide(ctx, targetHost, dst)]);
  if (!s.ok) return s;
  if (!t.ok) return t;
  if (s.value.snapshots === null) return because(`source dataset ${src} on ${sourceHost}`, { ok: false, error: { kind: 'not-found', message: 'dataset does not exist' } });
  const common = t.value.snapshots ? newestCommon(s.value.snapshots, t.value.snapshots) : undefined;
  // A snapshot of the same second (a snapshot layer just ran) must not make `zfs snapshot` fail.
  const taken = new Set(s.value.snapshots.map((x) => x.snapshot));
  let name = strataSnapshotName(ctx.nowSec());
  for (let n = 2; taken.has(name); n++) name = `${strataSnapshotName(ctx.nowSec())}-${n}`;
  const snap = build(() => zfsSnapshotCommand(src, name));
  const send = build(() => zfsSendRecvCommand({ source: src, snapshot: name, target: dst, ...(common ? { from: common.snapshot } : {}) }));
  const confirm = build(() => listingCommand(t.value.form, dst));
  if (!snap.ok) return snap;
  if (!send.ok) return send;
  if (!confirm.ok) return confirm;
  if (!common && t.value.snapshots !== null) {
    // A full stream with -F onto an existing dataset replaces it: whatever it holds is gone.
    // That is a decision for the operator, by hand, not a side effect of "run".
    return ok({
      title: `Replicate ${src} to ${dst} on ${targetHost}`,
      steps: [],
      changesHost: true,
      affectedLayers: [layer.id],
      blocked:
        `${dst} exists but shares no snapshot with ${src}: a full send would replace it and everything on it. ` +
        `Rename or destroy ${dst} yourself if that is what you want, then run again; or restore a common snapshot.`,
    });
  }
  const notes: string[] = ['zfs recv -F first rolls the target back to its newest snapshot: changes made on the target are discarded.'];
  // The list is in creation order: what follows the common snapshot goes along with -I.
  const between = common ? s.value.snapshots.length - 1 - s.value.snapshots.findIndex((x) => x.snapshot === common.snapshot) : 0;
  return ok({
    title: `Replicate ${src} to ${dst} on ${targetHost} (${common ? `incremental from @${common.snapshot}` : 'full send'})`,
    steps: [
      { host: sourceHost, command: snap.value, description: `snapshot ${src} as @${name}` },
      {
        host: sourceHost,
        command: send.value,
        description: common
          ? `send the changes since @${common.snapshot} into ${dst}, with ${between === 0 ? 'no snapshot' : between === 1 ? 'the 1 snapshot' : `the ${between} snapshots`} taken since`
          : `send all of ${src}@${name} into ${dst} (no common snapshot)`,
        streams: true,
      },
      { host: targetHost, command: confirm.value, description: `confirm ${dst}@${name} arrived`, output: { kind: 'zfs-snapshots', dataset: dst, side: 'target', expect: name, form: t.value.form } },
    ],
    changesHost: true,
    affectedLayers: [layer.id],
    notes,
  });
}
