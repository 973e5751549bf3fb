/**
 * A guest snapshot as a restore (restore-formats §1): a rollback of the
 * guest itself (destroys everything since the snapshot; on ZFS only the
 * newest snapshot, which preflight says before PVE refuses), or, the
 * non-destructive route, a new guest cloned from the snapshot (`qm clone
 * --snapname`; PVE cannot clone a VM from a ZFS snapshot, preflight says so
 * and points at the other routes; `pct clone` copies from any storage).
 */
import { listGuestSnapshots } from '../../adapters/pve/index.js';
import { cloneCommand, destroyCommand, rollbackCommand, startCommand } from '../../adapters/pve/guest-commands.js';
import type { PveNodeStorage } from '../../adapters/pve/storage-config.js';
import { isoTime } from '../../domain/format.js';
import { ok, type Result } from '../../domain/types.js';
import type { PlanStep } from '../action-types.js';
import { because, build, DEFAULT_PROBE_TIMEOUT_MS, type LayerOf } from '../planner-context.js';
import type { PreflightCheck, RestoreContext, RestoreDraft } from '../restore-types.js';
import { DEFAULT_AGENT_WAIT_MS, liveDiskKeys, nodeStorages, originalPreflight, resolveTarget, restoreChecks } from '../shared/guest/target.js';
import { cli, noun } from '../shared/guest/words.js';
import type { RestoreRule } from '../spec.js';

/** Storages that roll a volume back only to its newest snapshot (zfs rollback without -r). */
const NEWEST_ONLY = new Set(['zfspool', 'zfs']);
/** Storages that can copy or clone a VM disk from a snapshot (pve-storage volume_has_feature). */
const CLONES_VM_SNAPSHOTS = new Set(['lvmthin', 'rbd']);

const storageType = (storages: readonly PveNodeStorage[], id: string | undefined) => storages.find((s) => s.id === id)?.type;

export async function planSnapshotRestore(layer: LayerOf<'pve-snapshots'>, ctx: RestoreContext): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  if (ask.method === 'restore') return ok(unsupportedDraft(ctx, 'a guest snapshot is rolled back or cloned, not restored from an archive'));
  if (ask.targetHost !== layer.host) return because(`snapshots of ${layer.id}`, { ok: false, error: { kind: 'command-failed', message: `they live on ${layer.host}: restore onto ${layer.host}` } });
  if (!ask.live.exists) return because(`snapshot ${ask.point.ref}`, { ok: false, error: { kind: 'not-found', message: `${ask.assetId} no longer exists on ${ask.node}, and its snapshots went with it` } });
  const storages = await nodeStorages(ctx);
  if (!storages.ok) return storages;
  const list = await listGuestSnapshots(ctx.runnerFor(ask.targetHost), { node: ask.node, type: ask.type, vmid: ask.vmid }, { timeoutMs: ctx.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
  if (!list.ok) return because(`snapshots of ${ask.assetId}`, list);
  const snap = list.value.find((s) => s.name === ask.point.ref);
  const n = `${noun(ask.type)} ${ask.vmid}`;
  const exists: PreflightCheck = snap
    ? { id: 'snapshot', label: `snapshot ${ask.point.ref} exists`, state: snap.partial ? 'failed' : 'passed', detail: snap.partial ? 'the snapshot is incomplete (snapstate set): PVE refuses it' : `taken ${isoTime(snap.timeSec)}` }
    : { id: 'snapshot', label: `snapshot ${ask.point.ref} exists`, state: 'failed', detail: `${n} has no snapshot ${ask.point.ref} (any more)` };
  const diskStorages = (ask.live.disks ?? []).filter((d) => !d.key.startsWith('unused')).map((d) => ({ key: d.key, storage: d.storage, type: storageType(storages.value, d.storage) }));
  return ask.method === 'rollback' ? planRollback(ctx, layer.id, exists, snap ? list.value.filter((s) => s.timeSec > snap.timeSec && s.name !== snap.name).map((s) => s.name) : [], diskStorages) : planClone(ctx, layer.id, exists, diskStorages);
}

type DiskStorage = { readonly key: string; readonly storage?: string | undefined; readonly type?: string | undefined };

async function planRollback(ctx: RestoreContext, layerId: string, exists: PreflightCheck, newer: readonly string[], disks: readonly DiskStorage[]): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  const n = `${noun(ask.type)} ${ask.vmid}`;
  const preflight: PreflightCheck[] = [exists];
  if (ask.target.kind !== 'original' || ask.drill) {
    preflight.push({ id: 'target', label: 'a rollback changes the guest itself', state: 'failed', detail: `a rollback rewrites ${n}: choose the original as the target, or clone the snapshot to a new guest` });
  }
  const zfs = disks.filter((d) => d.type !== undefined && NEWEST_ONLY.has(d.type));
  if (newer.length > 0 && zfs.length > 0) {
    const cloneOk = ask.type === 'lxc' || disks.every((d) => d.type !== undefined && CLONES_VM_SNAPSHOTS.has(d.type));
    preflight.push({
      id: 'snapshot-newest',
      label: `${ask.point.ref} is the newest snapshot (ZFS rolls back only to the newest)`,
      state: 'failed',
      detail: `${newer.join(', ')} ${newer.length === 1 ? 'is' : 'are'} newer and ${zfs.map((d) => `${d.key} is on ${d.storage}`).join(', ')} (ZFS): PVE refuses this rollback. ${cloneOk ? `Clone the snapshot to a new guest instead (--method clone --to new): ${cli(ask.type)} clone ${ask.vmid} NEWID --snapname ${ask.point.ref}` : 'PVE cannot clone a VM from a ZFS snapshot either: restore a backup to a new guest instead'}.`,
    });
  } else {
    preflight.push({ id: 'snapshot-newest', label: 'the storage allows this rollback', state: 'passed', detail: zfs.length > 0 ? 'it is the newest snapshot' : `${[...new Set(disks.map((d) => d.type ?? '?'))].join(', ')} storage rolls back to any snapshot; newer ones are kept` });
  }
  preflight.push(...originalPreflight(ask.live, ask.type, ask.vmid).filter((c) => c.id !== 'guest-stopped'));
  const cmd = build(() => rollbackCommand(ask.type, ask.vmid, ask.point.ref, { start: ask.start ?? false }));
  if (!cmd.ok) return cmd;
  const steps: PlanStep[] = [{ host: ask.targetHost, command: cmd.value, description: `roll ${n} back to snapshot ${ask.point.ref}${ask.start ? ' and start it' : ''}`, streams: true, output: { kind: 'guest-task', what: `${cli(ask.type)} rollback ${ask.vmid} ${ask.point.ref}`, type: ask.type, vmid: ask.vmid }, measuresRestore: true }];
  const destroys = [
    `everything ${n} wrote since snapshot ${ask.point.ref} (${isoTime(ask.point.timeSec)}): its disks go back to that state`,
    ...(ask.live.status === 'running' ? [`${n} is running: PVE stops it hard first (no guest shutdown); unsaved work in it is lost`] : []),
    ...(newer.length > 0 ? [`newer snapshots (${newer.join(', ')}) stay in the list, but the current state is no longer after them`] : []),
  ];
  return ok({
    plan: {
      title: `Roll ${ask.assetId} back to snapshot ${ask.point.ref} (${layerId})`,
      steps,
      changesHost: true,
      affectedLayers: [layerId],
      checks: restoreChecks({ host: ask.targetHost, node: ask.node, type: ask.type, vmid: ask.vmid, disks: liveDiskKeys(ask.live), started: ask.start ?? false, agentWaitMs: ask.agentWaitMs ?? DEFAULT_AGENT_WAIT_MS }),
      notes: ['A rollback keeps every snapshot; it changes only the current state.'],
    },
    target: { host: ask.targetHost, node: ask.node, type: ask.type, vmid: ask.vmid, overwrites: true, storage: null, storageNote: 'the disks stay where they are', unique: false, uniqueNote: 'a rollback keeps the guest and its MAC addresses', start: ask.start ?? false },
    preflight,
    destroys,
    onFailure: `a refused rollback changes nothing; one that fails midway may leave ${n} locked (rollback): check it (${cli(ask.type)} config ${ask.vmid}) and unlock it (${cli(ask.type)} unlock ${ask.vmid}) before trying again`,
  });
}

async function planClone(ctx: RestoreContext, layerId: string, exists: PreflightCheck, disks: readonly DiskStorage[]): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  const target = await resolveTarget(ctx);
  if (!target.ok) return target;
  const { vmid } = target.value;
  const n = `${noun(ask.type)} ${vmid}`;
  const preflight: PreflightCheck[] = [exists, ...target.value.preflight];
  if (target.value.overwrites) preflight.push({ id: 'target', label: 'a clone makes a new guest', state: 'failed', detail: 'a clone never overwrites: choose a new VMID, or roll the original back' });
  if (ask.type === 'qemu') {
    const cannot = disks.filter((d) => d.type === undefined || !CLONES_VM_SNAPSHOTS.has(d.type));
    preflight.push(
      cannot.length === 0
        ? { id: 'clone-feature', label: 'the storage can clone from a snapshot', state: 'passed', detail: `${[...new Set(disks.map((d) => d.type))].join(', ')} copies a disk from a snapshot` }
        : {
            id: 'clone-feature',
            label: 'the storage can clone from a snapshot',
            state: 'failed',
            detail: `${cannot.map((d) => `${d.key} is on ${d.storage ?? '?'} (${d.type ?? 'unknown type'})`).join(', ')}: PVE cannot clone a VM from a snapshot there (ZFS offers no copy or clone from a snapshot). Roll back instead (only to the newest snapshot on ZFS), or restore a backup to a new guest`,
          },
    );
  } else {
    preflight.push({ id: 'clone-feature', label: 'the storage can clone from a snapshot', state: 'passed', detail: 'pct clone copies a container from a mounted snapshot on any storage' });
  }
  const cmd = build(() => cloneCommand(ask.type, ask.vmid, vmid, { snapshot: ask.point.ref, ...(ask.storage !== undefined ? { storage: ask.storage, full: true } : {}) }));
  if (!cmd.ok) return cmd;
  const steps: PlanStep[] = [{ host: ask.targetHost, command: cmd.value, description: `clone ${noun(ask.type)} ${ask.vmid} as it was at snapshot ${ask.point.ref} to a new ${n} (the original is untouched)`, streams: true, output: { kind: 'guest-task', what: `${cli(ask.type)} clone ${ask.vmid} ${vmid}`, type: ask.type, vmid }, measuresRestore: true }];
  if (ask.start) steps.push({ host: ask.targetHost, command: startCommand(ask.type, vmid), description: `start ${n}`, output: { kind: 'guest-task', what: `${cli(ask.type)} start ${vmid}`, type: ask.type, vmid } });
  const destroy = build(() => destroyCommand(ask.type, vmid, { purge: true }));
  if (!destroy.ok) return destroy;
  return ok({
    plan: {
      title: `Clone ${ask.assetId} at snapshot ${ask.point.ref} (${layerId}) to ${n}`,
      steps,
      changesHost: true,
      affectedLayers: [],
      cleanup: [{ host: ask.targetHost, command: destroy.value, description: `remove what a failed clone left of ${n}`, guard: { kind: 'guest-created', node: ask.node, type: ask.type, vmid, byStep: 0, stubOnly: true } }],
      checks: restoreChecks({ host: ask.targetHost, node: ask.node, type: ask.type, vmid, disks: liveDiskKeys(ask.live), started: ask.start ?? false, agentWaitMs: ask.agentWaitMs ?? DEFAULT_AGENT_WAIT_MS }),
      notes: ['A clone gets new MAC addresses; the original keeps running untouched.', ask.start ? `${n} is started after the clone: both guests are then on the network with the same addresses inside.` : `${n} is not started.`],
    },
    target: { host: ask.targetHost, node: ask.node, type: ask.type, vmid, overwrites: false, storage: ask.storage ?? null, storageNote: ask.storage ? `a full copy on ${ask.storage}` : 'each disk on the storage of the original disk', unique: true, uniqueNote: 'a clone always gets new MAC addresses', start: ask.start ?? false },
    preflight,
    destroys: [],
    onFailure: `a failed clone leaves at most an incomplete ${n}: the clean-up removes it (only if this clone created it); the original is untouched`,
  });
}

function unsupportedDraft(ctx: RestoreContext, why: string): RestoreDraft {
  const { ask } = ctx;
  return {
    plan: { title: `Restore ${ask.assetId}`, steps: [], changesHost: false, affectedLayers: [], blocked: why },
    target: { host: ask.targetHost, node: ask.node, type: ask.type, vmid: ask.vmid, overwrites: false, storage: null, storageNote: '', unique: false, uniqueNote: '', start: false },
    preflight: [{ id: 'method', label: 'the method fits the source', state: 'failed', detail: why }],
    destroys: [],
    onFailure: 'nothing runs',
  };
}

export const pveSnapshotsRestore: RestoreRule<'pve-snapshots'> = {
  methods: ['rollback', 'clone'],
  plan: planSnapshotRestore,
  blocker: (layer, where) => (where.targetHost !== undefined && layer.host !== where.targetHost ? { why: `the snapshots on ${layer.host} are of its own guests` } : undefined),
};
