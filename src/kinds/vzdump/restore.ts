/**
 * A vzdump archive restores on the node whose storage holds it: the volid
 * goes to qmrestore or pct restore as it is (a PBS-backed storage's volid
 * too). The storage must be active on that node.
 */
import { getStorageStatus } from '../../adapters/pve/index.js';
import { err, type Result } from '../../domain/types.js';
import { DEFAULT_PROBE_TIMEOUT_MS, type LayerOf } from '../planner-context.js';
import type { PreflightCheck, RestoreContext, RestoreDraft } from '../restore-types.js';
import { planArchiveRestore } from '../shared/guest/restore-plan.js';
import type { RestoreRule } from '../spec.js';

export async function planVzdumpRestore(layer: LayerOf<'vzdump'>, ctx: RestoreContext): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  if (ask.method !== 'restore') return err('command-failed', `a vzdump archive is restored, not ${ask.method === 'rollback' ? 'rolled back' : 'cloned'}`);
  if (ask.targetHost !== layer.host) return err('command-failed', `the archives of ${layer.id} are on storage ${layer.storage} of ${layer.host}: restore onto ${layer.host}`);
  const flavour = /vzdump-(qemu|lxc)-\d+-/.exec(ask.point.ref)?.[1];
  if (flavour !== undefined && flavour !== ask.type) return err('command-failed', `${ask.point.ref} is a ${flavour === 'lxc' ? 'container' : 'VM'} archive, not one of ${ask.assetId}`);
  const status = await getStorageStatus(ctx.runnerFor(ask.targetHost), { node: ask.node, storage: layer.storage }, { timeoutMs: ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
  const label = `storage ${layer.storage} is active on ${ask.node}`;
  const active: PreflightCheck = status.ok
    ? status.value.active
      ? { id: 'source-storage', label, state: 'passed', detail: 'the archive can be read' }
      : { id: 'source-storage', label, state: 'failed', detail: `storage ${layer.storage} is not active (not mounted or unreachable)` }
    : { id: 'source-storage', label, state: 'failed', detail: `its status could not be read: ${status.error.message}` };
  return planArchiveRestore(ctx, { archive: ask.point.ref, label: `vzdump archive ${ask.point.ref}`, layerId: layer.id, preflight: [active] });
}

export const vzdumpRestore: RestoreRule<'vzdump'> = {
  methods: ['restore'],
  plan: planVzdumpRestore,
  blocker: (layer, where) => (where.targetHost !== undefined && layer.host !== where.targetHost ? { why: `the archives are on ${layer.host}, the guest is restored onto ${where.targetHost}` } : undefined),
};
