/**
 * pbs: run = the sync job feeding a copy layer (one with `copyOf`), or the
 * datastore's verify job; verify = `proxmox-backup-manager verify STORE`,
 * followed in text mode. Both are server tasks: a cancel also stops the task.
 */
import { datastoreOfRepository } from '../../../adapters/pbs/commands.js';
import {
  parseSyncJobs,
  parseVerifyJobs,
  syncJobListCommand,
  syncJobRunCommand,
  verifyDatastoreCommand,
  verifyJobListCommand,
  verifyJobRunCommand,
} from '../../../adapters/pbs/jobs.js';
import { ok, type Result } from '../../../domain/types.js';
import { because, build, planError, type LayerOf, type PlanDraft, type PlannerContext } from '../context.js';
import type { PlanStep } from '../types.js';

export const storeOf = (layer: LayerOf<'pbs'>) => layer.datastore ?? datastoreOfRepository(layer.repository);

export async function planPbs(layer: LayerOf<'pbs'>, ctx: PlannerContext): Promise<Result<PlanDraft>> {
  const store = storeOf(layer);
  if (ctx.request.kind === 'verify') {
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
          onCancel: { kind: 'pbs-task', workerType: 'verify', workerIdIncludes: store },
        },
      ],
      changesHost: true,
      affectedLayers: [layer.id],
      notes: [
        'PBS records the result in each snapshot (its verify state) and moves corrupt chunks aside as .bad.',
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
        onCancel: { kind: 'pbs-task', workerType: 'syncjob', workerIdIncludes: j.id },
      });
    }
    return ok({ title: `Run sync job${steps.length > 1 ? 's' : ''} ${chosen.map((j) => j.id).join(', ')} into ${layer.id}`, steps, changesHost: true, affectedLayers: [layer.id] });
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
      onCancel: { kind: 'pbs-task', workerType: 'verificationjob', workerIdIncludes: j.id },
    });
  }
  return ok({ title: `Run verify job${steps.length > 1 ? 's' : ''} ${chosen.map((j) => j.id).join(', ')} of ${layer.id}`, steps, changesHost: true, affectedLayers: [layer.id] });
}
