/**
 * Reading a layer of any kind, and the commands doing so may run on a host
 * (`strata commands` prints them so an operator can restrict Strata's key).
 */
import { listArchivesCommand } from '../../adapters/config-backup/commands.js';
import { datastoreStatusCommand, snapshotListCommand, taskListCommand } from '../../adapters/pbs/commands.js';
import {
  backupJobsCommand,
  clusterResourcesCommand,
  guestSnapshotsTemplate,
  notBackedUpCommand,
  storageContentCommand,
  storageStatusCommand,
  vzdumpTasksCommand,
  taskLogHeadTemplate,
} from '../../adapters/pve/commands.js';
import { aboutCommand, lsjsonCommand } from '../../adapters/rclone/commands.js';
import { snapshotsCommand } from '../../adapters/restic/commands.js';
import type { ResolvedSecret } from '../../adapters/secrets.js';
import {
  zfsGetSnapshotsCommand,
  zfsListSnapshotsCommand,
  zpoolListCommand,
  zpoolListHumanCommand,
  zpoolStatusCommand,
} from '../../adapters/zfs/commands.js';
import type { LayerFile, SecretRef } from '../../domain/inventory-file.js';
import type { LayerObservation } from '../../domain/types.js';
import type { Command } from '../../transport/command.js';
import { HOSTNAME_COMMAND } from '../host-probe.js';
import { readConfigBackup } from './config-backup.js';
import { observation } from './observation.js';
import { readPbs } from './pbs.js';
import { readPveSnapshots } from './pve-snapshots.js';
import { readRclone } from './rclone.js';
import { readRestic } from './restic.js';
import type { ReaderContext } from './types.js';
import { readVzdump } from './vzdump.js';
import { readZfsReplication } from './zfs-replication.js';
import { readZfsSnapshots } from './zfs-snapshots.js';

export type { LayerReader, ReaderContext } from './types.js';
export { readConfigBackup, readPbs, readPveSnapshots, readRclone, readRestic, readVzdump, readZfsReplication, readZfsSnapshots };

function dispatch(ctx: ReaderContext, layer: LayerFile): Promise<LayerObservation> {
  switch (layer.kind) {
    case 'pve-snapshots':
      return readPveSnapshots(ctx, layer);
    case 'vzdump':
      return readVzdump(ctx, layer);
    case 'pbs':
      return readPbs(ctx, layer);
    case 'zfs-snapshots':
      return readZfsSnapshots(ctx, layer);
    case 'zfs-replication':
      return readZfsReplication(ctx, layer);
    case 'restic':
      return readRestic(ctx, layer);
    case 'rclone':
      return readRclone(ctx, layer);
    case 'config-backup':
      return readConfigBackup(ctx, layer);
    default: {
      const unknown: { kind?: unknown } = layer;
      return Promise.resolve(
        observation(ctx, layer, { errors: [{ kind: 'parse', message: `unknown layer kind ${JSON.stringify(unknown.kind)}` }] }),
      );
    }
  }
}

/** Reads one layer. Never rejects: anything unexpected becomes an error in the observation. */
export async function readLayer(ctx: ReaderContext, layer: LayerFile): Promise<LayerObservation> {
  try {
    return await dispatch(ctx, layer);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return observation(ctx, layer, { errors: [{ kind: 'parse', message: `reading layer ${layer.id} failed unexpectedly: ${why}` }] });
  }
}

/** A probe and the host it runs on (a replication also reads its source host). */
export interface ProbeCommand extends Command {
  readonly host: string;
}

/** A secret as it would be placed, without looking up `{env}` values (those show only as names). */
function placeholder(ref: SecretRef): ResolvedSecret {
  return 'env' in ref ? { value: `<value of ${ref.env}>` } : ref;
}

function placeholders(refs: Readonly<Record<string, SecretRef>> | undefined): Record<string, ResolvedSecret> | undefined {
  if (!refs) return undefined;
  return Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, placeholder(v)]));
}

function commandsOf(layer: LayerFile, node: string): Command[] {
  switch (layer.kind) {
    case 'pve-snapshots':
      return [clusterResourcesCommand(), guestSnapshotsTemplate(node, 'qemu'), guestSnapshotsTemplate(node, 'lxc')];
    case 'vzdump':
      return [
        storageContentCommand(node, layer.storage),
        backupJobsCommand(),
        vzdumpTasksCommand(node),
        notBackedUpCommand(),
        storageStatusCommand(node, layer.storage),
        taskLogHeadTemplate(node),
      ];
    case 'pbs': {
      const access = {
        repository: layer.repository,
        ...(layer.namespace ? { namespace: layer.namespace } : {}),
        ...(layer.fingerprint ? { fingerprint: layer.fingerprint } : {}),
        ...(layer.secret ? { password: placeholder(layer.secret) } : {}),
      };
      return [snapshotListCommand(access), datastoreStatusCommand(access), taskListCommand()];
    }
    case 'zfs-snapshots':
      return [
        ...layer.datasets.flatMap((d) => [zfsListSnapshotsCommand(d), zfsGetSnapshotsCommand(d)]),
        zpoolListCommand(),
        zpoolListHumanCommand(),
        zpoolStatusCommand(),
      ];
    case 'zfs-replication':
      // The target's pools hold the copies: their health and capacity are read too.
      return [
        zfsListSnapshotsCommand(layer.target.dataset),
        zfsGetSnapshotsCommand(layer.target.dataset),
        zpoolListCommand(),
        zpoolListHumanCommand(),
        zpoolStatusCommand(),
      ];
    case 'restic': {
      const secretEnv = placeholders(layer.secretEnv);
      return [
        snapshotsCommand({
          repository: layer.repository,
          password: placeholder(layer.secret),
          ...(layer.env ? { env: layer.env } : {}),
          ...(secretEnv ? { secretEnv } : {}),
        }),
        // Which recorded client names are this host's own (readers/restic.ts).
        HOSTNAME_COMMAND,
      ];
    }
    case 'rclone': {
      const secretEnv = placeholders(layer.secretEnv);
      const access = {
        remote: layer.remote,
        ...(layer.configFile ? { configFile: layer.configFile } : {}),
        ...(secretEnv ? { secretEnv } : {}),
      };
      return [lsjsonCommand(access), aboutCommand(access)];
    }
    case 'config-backup':
      return [listArchivesCommand(layer.directory)];
    default:
      return [];
  }
}

/**
 * Every command the reader of `layer` may run, with `{vmid}` where the argv
 * depends on guests found at run time. Fallbacks for zfs-fuse are included.
 * A layer whose values no command can be built from yields nothing.
 */
export function probeCommands(layer: LayerFile, opts: { node: string }): ProbeCommand[] {
  try {
    const own = commandsOf(layer, opts.node).map((c) => ({ ...c, host: layer.host }));
    if (layer.kind !== 'zfs-replication') return own;
    const sourceHost = layer.source.host ?? layer.host;
    const source = [zfsListSnapshotsCommand(layer.source.dataset), zfsGetSnapshotsCommand(layer.source.dataset)];
    return [...source.map((c) => ({ ...c, host: sourceHost })), ...own];
  } catch {
    return [];
  }
}
