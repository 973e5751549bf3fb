/**
 * A PBS snapshot restores to a PVE node through that node's storage entry
 * for the datastore (found by server, datastore and namespace); the entry
 * must be reachable from the node. The volid is `STORE:backup/<type>/<id>/<time>`.
 */
import { getStorageStatus } from '../../adapters/pve/index.js';
import { parseStorageConfig, storageConfigCommand } from '../../adapters/pve/storage-config.js';
import { err, type Result } from '../../domain/types.js';
import { because, DEFAULT_PROBE_TIMEOUT_MS, type LayerOf } from '../planner-context.js';
import type { PreflightCheck, RestoreContext, RestoreDraft } from '../restore-types.js';
import { planArchiveRestore } from '../shared/guest/restore-plan.js';
import { addPbsStorageHint, findPbsStorage } from './storage-entry.js';
import type { RestoreRule } from '../spec.js';

export async function planPbsRestore(layer: LayerOf<'pbs'>, ctx: RestoreContext): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  if (ask.method !== 'restore') return err('command-failed', `a PBS snapshot is restored, not ${ask.method === 'rollback' ? 'rolled back' : 'cloned'}`);
  const kind = ask.type === 'lxc' ? 'ct' : 'vm';
  if (!ask.point.ref.startsWith(`${kind}/${ask.vmid}/`)) return err('command-failed', `PBS snapshot ${ask.point.ref} is not a backup of ${ask.assetId}`);
  const cfg = await ctx.probe(ask.targetHost, storageConfigCommand, parseStorageConfig);
  if (!cfg.ok) return because(`storage.cfg of ${ask.node} (pvesh get /storage)`, cfg);
  const found = findPbsStorage(cfg.value, layer, ctx.inventory.hosts, ask.node);
  if (!found.entry) return err('not-found', `${found.why}: add one first (${addPbsStorageHint(layer)})`);
  const id = found.entry.id;
  const status = await getStorageStatus(ctx.runnerFor(ask.targetHost), { node: ask.node, storage: id }, { timeoutMs: ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
  const label = `PBS storage ${id} is reachable from ${ask.node}`;
  const reach: PreflightCheck = status.ok
    ? status.value.active
      ? { id: 'pbs-storage', label, state: 'passed', detail: `storage ${id} (server ${found.entry.server}, datastore ${found.entry.datastore}${found.entry.namespace ? `, namespace ${found.entry.namespace}` : ''}) is active` }
      : { id: 'pbs-storage', label, state: 'failed', detail: `storage ${id} is not active on ${ask.node}: the node cannot reach ${layer.host} (check the PBS host, its certificate fingerprint and the entry's credentials)` }
    : { id: 'pbs-storage', label, state: 'failed', detail: `the status of storage ${id} could not be read: ${status.error.message}` };
  return planArchiveRestore(ctx, { archive: `${id}:backup/${ask.point.ref}`, label: `PBS snapshot ${ask.point.ref} (storage ${id})`, layerId: layer.id, preflight: [reach] });
}

export const pbsRestore: RestoreRule<'pbs'> = {
  methods: ['restore'],
  plan: planPbsRestore,
  blocker(layer, where) {
    if (!where.storageConfig || where.node === undefined) return { why: 'no PVE node to restore onto answered' };
    if (!where.storageConfig.ok) return { why: `the storages of ${where.node} could not be read: ${where.storageConfig.error.message}` };
    const found = findPbsStorage(where.storageConfig.value, layer, where.hosts, where.node);
    if (found.entry) return undefined;
    return { why: `${found.why}: add one (${addPbsStorageHint(layer)})`, step: { kind: 'add-storage', label: `add a PBS storage entry for ${layer.id} on ${where.node}`, planned: false } };
  },
};
