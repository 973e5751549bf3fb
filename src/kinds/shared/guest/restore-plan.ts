/**
 * The plan of a guest restore from an archive (a vzdump file or a PBS
 * snapshot through the node's PBS storage): target and storage preflight,
 * `qmrestore` / `pct restore` with the options the operator chose (each
 * tool's default stated), what `--force` destroys, the checks after, and a
 * clean-up that removes only the stub this plan's own restore left. A drill
 * adds `--unique`, cuts every NIC's link before `start`, checks, and always
 * tears its scratch copy down.
 */
import { destroyCommand, guestConfigCommand, startCommand } from '../../../adapters/pve/guest-commands.js';
import { pctRestoreCommand, qmrestoreCommand } from '../../../adapters/pve/restore.js';
import { stopCommand } from '../../../adapters/pve/storage-config.js';
import { isoTime } from '../../../domain/format.js';
import { ok, type Result } from '../../../domain/types.js';
import type { PlanStep } from '../../action-types.js';
import { build } from '../../planner-context.js';
import type { PreflightCheck, RestoreContext, RestoreDraft } from '../../restore-types.js';
import { DEFAULT_AGENT_WAIT_MS, liveDiskKeys, nodeStorages, resolveTarget, restoreChecks, storageCheck, suitable } from './target.js';
import { cli, noun } from './words.js';

export interface ArchiveSource {
  /** What qmrestore / pct restore take: a volid. */
  readonly archive: string;
  /** "vzdump archive local-backup:backup/vzdump-qemu-100-….vma.zst". */
  readonly label: string;
  /** The layer the point is on (for the title). */
  readonly layerId: string;
  /** Checks of the source itself (a PBS storage reachable from the node). */
  readonly preflight: readonly PreflightCheck[];
}

/** Restores take as long as their data: bounded only so a hung task is not waited on forever. */
const RESTORE_TIMEOUT_MS = 24 * 3600 * 1000;

export async function planArchiveRestore(ctx: RestoreContext, src: ArchiveSource): Promise<Result<RestoreDraft>> {
  const { ask } = ctx;
  const { type } = ask;
  const target = await resolveTarget(ctx);
  if (!target.ok) return target;
  const { vmid, overwrites } = target.value;
  const storages = await nodeStorages(ctx);
  if (!storages.ok) return storages;
  const n = `${noun(type)} ${vmid}`;
  const live = ask.live;
  const liveStorage = live.disks?.find((d) => d.key === 'rootfs' || /^(scsi|virtio|sata|ide)0$/.test(d.key))?.storage;

  // A drill must run unattended: without a storage it uses the one the original lives on (said so).
  const storage = ask.storage ?? (ask.drill && type === 'lxc' ? liveStorage : undefined);
  const preflight: PreflightCheck[] = [...target.value.preflight, ...src.preflight];
  let storageNote: string;
  if (storage !== undefined) {
    const why = ask.storage !== undefined ? 'chosen' : `where ${ask.assetId} lives now`;
    storageNote = `every volume on ${storage} (${why})`;
    preflight.push(storageCheck(storages.value, storage, type, why));
  } else if (type === 'lxc') {
    storageNote = 'pct restore puts every volume on `local` unless a storage is given (its default, whatever the backup said)';
    preflight.push(storageCheck(storages.value, 'local', type, "pct restore's default"));
  } else {
    storageNote = 'qmrestore puts each disk back on the storage named in the backup (`local` if none)';
    for (const id of new Set((live.disks ?? []).map((d) => d.storage).filter((s): s is string => s !== undefined))) {
      preflight.push(storageCheck(storages.value, id, type, `named by ${ask.assetId}'s disks now, so most likely by the backup`));
    }
  }

  const unique = ask.drill ? true : (ask.unique ?? (!overwrites && live.exists));
  const uniqueNote = ask.drill
    ? '--unique: the scratch copy gets new MAC addresses (and its links are cut before it starts)'
    : unique
      ? `--unique: new MAC addresses, because the original ${ask.assetId} still exists and may run`
      : overwrites
        ? 'no --unique: the restored guest replaces the original and keeps its MAC addresses'
        : 'no --unique: the original does not exist, so the restored guest keeps its MAC addresses';
  const start = ask.drill ? false : (ask.start ?? false);

  const restoreStep = build(() =>
    type === 'lxc'
      ? pctRestoreCommand({ vmid, archive: src.archive, ...(storage !== undefined ? { storage } : {}), force: overwrites, unique, start })
      : qmrestoreCommand({ archive: src.archive, vmid, ...(storage !== undefined ? { storage } : {}), force: overwrites, unique, start }),
  );
  if (!restoreStep.ok) return restoreStep;
  const steps: PlanStep[] = [
    {
      host: ask.targetHost,
      command: { ...restoreStep.value, timeoutMs: RESTORE_TIMEOUT_MS },
      description: `${type === 'lxc' ? 'pct restore' : 'qmrestore'} ${src.label} to ${n}${overwrites ? ' over the existing guest (--force)' : ''}`,
      streams: true,
      output: { kind: 'guest-restore', type, vmid, overwrites, assetId: ask.assetId },
      measuresRestore: true,
      onCancel: { kind: 'pve-restore', node: ask.node, type, vmid },
    },
  ];
  if (ask.drill) {
    steps.push(
      {
        host: ask.targetHost,
        command: guestConfigCommand(ask.node, type, vmid),
        description: `read the NICs of ${n}; then ${cli(type)} set ${vmid} --netN <its value>,link_down=1 for each, so the copy cannot reach the network`,
        output: { kind: 'guest-links-down', host: ask.targetHost, type, vmid },
      },
      { host: ask.targetHost, command: startCommand(type, vmid), description: `start ${n} (links down)`, output: { kind: 'guest-task', what: `${cli(type)} start ${vmid}`, type, vmid } },
    );
  }
  const started = ask.drill || start;
  const checks = restoreChecks({ host: ask.targetHost, node: ask.node, type, vmid, disks: liveDiskKeys(live), started, agentWaitMs: ask.agentWaitMs ?? DEFAULT_AGENT_WAIT_MS });

  const guard = { kind: 'guest-created' as const, node: ask.node, type, vmid, byStep: 0 };
  const destroy = build(() => destroyCommand(type, vmid, { purge: true }));
  if (!destroy.ok) return destroy;
  const cleanup: PlanStep[] =
    overwrites || ask.drill
      ? []
      : [{ host: ask.targetHost, command: destroy.value, description: `remove the stub config a failed restore leaves of ${n}`, guard: { ...guard, stubOnly: true } }];
  const teardown: PlanStep[] = ask.drill
    ? [
        { host: ask.targetHost, command: stopCommand(type, vmid), description: `stop the scratch ${n}`, guard: { ...guard, runningOnly: true } },
        { host: ask.targetHost, command: destroy.value, description: `destroy the scratch ${n} and its disks`, guard },
      ]
    : [];

  const destroys = overwrites ? destroysOfForce(ask.assetId, type, vmid, live) : [];
  const onFailure = ask.drill
    ? `the scratch ${n} is destroyed whatever happens (only if this drill created it); the original ${ask.assetId} is never touched`
    : overwrites
      ? type === 'lxc'
        ? `pct restore --force destroys the old volumes before extracting; if extraction fails the container is removed: ${n} is then gone until restored again from another point`
        : `if the restore fails or is cancelled after it began, ${n} is left as a stub config (memory 128, no disks): the disks the backup held are already freed. Restore again from a good point, or remove the stub (qm destroy ${vmid})`
      : `a failed or cancelled restore leaves at most a stub config of ${n}: the clean-up removes it (only a stub this restore created); the original is untouched`;
  const when = isoTime(ask.point.timeSec);
  return ok({
    plan: {
      title: `${ask.drill ? 'Drill' : 'Restore'} ${ask.assetId} from ${src.layerId} (${when}) to ${n} on ${ask.node}`,
      steps,
      changesHost: true,
      affectedLayers: [],
      cleanup,
      teardown,
      checks,
      notes: [
        `Storage: ${storageNote}.`,
        `MAC addresses: ${uniqueNote}.`,
        ...(ask.drill ? [] : [start ? `${n} is started after the restore (--start).` : `${n} is not started (give --start to start it and check that it answers).`]),
        ...(type === 'lxc' && storage === undefined && !suitable(storages.value, type).includes('local') ? [`Storages here that hold containers: ${suitable(storages.value, type).join(', ') || 'none'}.`] : []),
      ],
    },
    target: { host: ask.targetHost, node: ask.node, type, vmid, overwrites, storage: storage ?? null, storageNote, unique, uniqueNote, start: started },
    preflight,
    destroys,
    onFailure,
  });
}

/** What `--force` removes before it writes (restore-formats §2.3), in words for the confirmation. */
export function destroysOfForce(assetId: string, type: 'qemu' | 'lxc', vmid: number, live: RestoreContext['ask']['live']): string[] {
  const disks = (live.disks ?? []).filter((d) => !d.key.startsWith('unused'));
  const list = disks.map((d) => `${d.key}${d.storage ? ` on ${d.storage}` : ''}`).join(', ') || 'its disks';
  if (type === 'lxc') {
    return [
      `every volume of CT ${vmid} (${list}) is destroyed before the backup is extracted`,
      `if the extraction fails, CT ${vmid} (${assetId}) is removed entirely`,
      'everything written to it since the backup is lost',
    ];
  }
  return [
    `the disks of VM ${vmid} that the backup also holds (${list}) are freed before any data is written; everything written since the backup is lost`,
    `its snapshots are deleted, its config is replaced by the backup's; disks not in the backup stay as unusedN`,
    `if the restore then fails, VM ${vmid} is a stub config with no disks`,
  ];
}
