/**
 * pbs: run = the sync job feeding a copy layer (one with `copyOf`), or the
 * datastore's verify job; verify = `proxmox-backup-manager verify STORE`,
 * followed in text mode. Both are server tasks: a cancel also stops the task.
 */
import { datastoreOfRepository, snapshotListCommand, type PbsAccess } from '../../adapters/pbs/commands.js';
import { resolveSecret } from '../../adapters/secrets.js';
import {
  parseSyncJobs,
  parseVerifyJobs,
  syncJobListCommand,
  syncJobRunCommand,
  verifyDatastoreCommand,
  verifyJobListCommand,
  verifyJobRunCommand,
} from '../../adapters/pbs/jobs.js';
import { ok, type Result } from '../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../planner-context.js';
import type { PlanStep } from '../action-types.js';

/** The plan says what a cancel does beyond ending the CLI. */
const CANCEL_NOTE =
  'The task runs in the PBS server: if you cancel, Strata also stops it (proxmox-backup-manager task stop UPID, for the task of this job or datastore that this run started).';

export const storeOf = (layer: LayerOf<'pbs'>) => layer.datastore ?? datastoreOfRepository(layer.repository);

/** The client's access to the datastore, for reading back verify states. */
function clientAccess(layer: LayerOf<'pbs'>, ctx: PlannerContext): Result<PbsAccess> {
  const secret = layer.secret ? resolveSecret(layer.secret, (n) => ctx.lookupEnv(n)) : undefined;
  if (secret && !secret.ok) return because('PBS password', secret);
  return ok({
    repository: layer.repository,
    ...(layer.namespace ? { namespace: layer.namespace } : {}),
    ...(layer.fingerprint ? { fingerprint: layer.fingerprint } : {}),
    ...(secret?.ok ? { password: secret.value } : {}),
  });
}

/** After a verify: every snapshot's state, read back with the client. */
function verifyStatesStep(layer: LayerOf<'pbs'>, ctx: PlannerContext, store: string): Result<PlanStep> {
  const access = clientAccess(layer, ctx);
  if (!access.ok) return access;
  const cmd = build(() => snapshotListCommand(access.value));
  if (!cmd.ok) return cmd;
  return ok({ host: layer.host, command: cmd.value, description: `read back the verify state of every snapshot in ${store}`, output: { kind: 'pbs-verify-states', store } });
}

export async function planPbs(layer: LayerOf<'pbs'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const store = storeOf(layer);
  if (ctx.request.kind === 'verify') {
    const states = verifyStatesStep(layer, ctx, store);
    if (!states.ok) return states;
    const days = layer.verifyMaxAgeSeconds ? Math.max(1, Math.ceil(layer.verifyMaxAgeSeconds / 86_400)) : undefined;
    const cmd = build(() => verifyDatastoreCommand(store, { ...(layer.namespace ? { namespace: layer.namespace } : {}), ...(days ? { outdatedAfterDays: days } : {}) }));
    if (!cmd.ok) return cmd;
    return ok({
      title: `Verify PBS datastore ${store} of ${layer.id}`,
      steps: [
        {
          host: layer.host,
          command: cmd.value,
          description: `read every chunk of the snapshots due for verification in ${store}${days ? ` (never verified, or not within ${days} days)` : ' (those never verified)'}`,
          streams: true,
          output: { kind: 'pbs-task', verify: true },
          onCancel: { kind: 'pbs-task', workerType: 'verify', workerIdSegment: store },
        },
        states.value,
      ],
      changesHost: true,
      affectedLayers: [layer.id],
      notes: [
        CANCEL_NOTE,
        'PBS records the result in each snapshot (its verify state) and moves corrupt chunks aside as .bad.',
        'PBS skips snapshots verified before (a failed one stays failed): the states read back afterwards decide.',
        ...(ctx.request.assetId ? [`proxmox-backup-manager cannot limit a verify to one group: the whole datastore ${store} is verified.`] : []),
      ],
    });
  }

  if (layer.copyOf && layer.copyOf.length > 0) {
    const jobs = await ctx.probe(layer.host, syncJobListCommand, parseSyncJobs);
    if (!jobs.ok) return because('sync jobs', jobs);
    const sources = new Set(
      layer.copyOf.flatMap((id) => {
        const l = ctx.inventory.layers.find((x) => x.id === id);
        return l?.kind === 'pbs' ? [storeOf(l)] : [];
      }),
    );
    const here = jobs.value.filter((j) => j.store === store);
    const feeding = here.filter((j) => j.remoteStore !== undefined && sources.has(j.remoteStore));
    const chosen = feeding.length > 0 ? feeding : here;
    if (chosen.length === 0) return planError(`no sync job pulls into datastore ${store} on ${layer.host}`, 'not-found');
    const steps: PlanStep[] = [];
    for (const j of chosen) {
      const cmd = build(() => syncJobRunCommand(j.id));
      if (!cmd.ok) return cmd;
      steps.push({
        host: layer.host,
        command: cmd.value,
        description: `sync job ${j.id}: pull ${j.remote ?? '?'}:${j.remoteStore ?? '?'} into ${store}`,
        streams: true,
        output: { kind: 'pbs-task', verify: false },
        onCancel: { kind: 'pbs-task', workerType: 'syncjob', workerIdSegment: j.id },
      });
    }
    return ok({
      title: `Run sync job${steps.length > 1 ? 's' : ''} ${chosen.map((j) => j.id).join(', ')} into ${layer.id}`,
      steps,
      changesHost: true,
      affectedLayers: [layer.id],
      notes: [CANCEL_NOTE],
    });
  }

  const jobs = await ctx.probe(layer.host, verifyJobListCommand, parseVerifyJobs);
  if (!jobs.ok) return because('verify jobs', jobs);
  const chosen = jobs.value.filter((j) => j.store === store);
  if (chosen.length === 0) {
    return planError(`datastore ${store} has no sync job feeding it (no copyOf) and no verify job: backups reach it from vzdump; verify it instead`, 'not-found');
  }
  const steps: PlanStep[] = [];
  for (const j of chosen) {
    const cmd = build(() => verifyJobRunCommand(j.id));
    if (!cmd.ok) return cmd;
    steps.push({
      host: layer.host,
      command: cmd.value,
      description: `verify job ${j.id} on ${store}`,
      streams: true,
      output: { kind: 'pbs-task', verify: true },
      onCancel: { kind: 'pbs-task', workerType: 'verificationjob', workerIdSegment: j.id },
    });
  }
  const states = verifyStatesStep(layer, ctx, store);
  if (!states.ok) return states;
  steps.push(states.value);
  return ok({
    title: `Run verify job${steps.length > 2 ? 's' : ''} ${chosen.map((j) => j.id).join(', ')} of ${layer.id}`,
    steps,
    changesHost: true,
    affectedLayers: [layer.id],
    notes: [CANCEL_NOTE],
  });
}
