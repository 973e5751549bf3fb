/**
 * What disaster recovery asks of a layer by its kind (the DR card, the plan,
 * the rebuild), kept with the pure per-kind table so nothing else branches
 * on a kind's name: the role its host plays, where its copies are kept, the
 * secrets it is read with, and the typed views of the kinds a rebuild uses
 * (a PBS datastore to add, a config archive to fetch).
 */
import type { Layer } from '../inventory.js';
import type { SecretRef } from '../inventory-file.js';
import type { LayerOfKind } from './types.js';

export type PbsLayer = LayerOfKind<'pbs'>;
export type ConfigBackupLayer = LayerOfKind<'config-backup'>;

export const asPbs = (l: Layer | undefined): PbsLayer | null => (l?.kind === 'pbs' ? l : null);
export const asConfigBackup = (l: Layer | undefined): ConfigBackupLayer | null => (l?.kind === 'config-backup' ? l : null);

/** What a layer makes its host, for the card's "hosts and roles"; null when nothing beyond the node. */
export function hostRole(l: Layer): string | null {
  switch (l.kind) {
    case 'pbs':
      return 'PBS server';
    case 'restic':
      return 'restic client';
    case 'rclone':
      return 'rclone client';
    case 'zfs-snapshots':
    case 'zfs-replication':
      return 'ZFS host';
    case 'config-backup':
      return 'config archives';
    case 'vzdump':
    case 'pve-snapshots':
      return null;
  }
}

/** Where a layer keeps its copies, and how; null for snapshots, which are no copy elsewhere. */
export function keptAt(l: Layer): { readonly location: string; readonly detail: string } | null {
  const copy = l.copyOf?.length ? `; copy of ${l.copyOf.join(', ')}` : '';
  switch (l.kind) {
    case 'restic':
      return { location: l.repository, detail: `${l.paths?.length ? `paths ${l.paths.join(', ')}` : 'every path'}${copy}` };
    case 'rclone':
      return { location: l.remote, detail: `${l.source ? `from ${l.source}` : 'no source named'}${l.configFile ? `, config ${l.configFile}` : ''}${copy}` };
    case 'pbs':
      return { location: l.repository, detail: `datastore ${pbsDatastore(l)}${l.namespace ? `, namespace ${l.namespace}` : ''}${copy}` };
    case 'vzdump':
      return { location: `PVE storage ${l.storage}`, detail: `vzdump archives${copy}` };
    case 'zfs-replication':
      return { location: `${l.target.dataset} on ${l.host}`, detail: `replica of ${l.source.dataset} on ${l.source.host ?? l.host}` };
    case 'config-backup':
      return { location: `${l.directory} on ${l.host}`, detail: `archives of ${l.paths.join(', ')}` };
    case 'pve-snapshots':
    case 'zfs-snapshots':
      return null;
  }
}

/** `user@realm[!token]` of a PBS repository string, if it names one. */
export function pbsAuthId(repository: string): string | undefined {
  const at = repository.lastIndexOf('@');
  if (at < 0) return undefined;
  const id = repository.slice(0, at);
  return id.includes('@') ? id : undefined;
}

export function pbsDatastore(l: PbsLayer): string {
  if (l.datastore) return l.datastore;
  const i = l.repository.lastIndexOf(':');
  return i < 0 ? l.repository : l.repository.slice(i + 1);
}

/** The secrets a layer is read with: what each is for, and where it lives. */
export function layerSecrets(l: Layer): { readonly purpose: string; readonly ref: SecretRef }[] {
  const out: { purpose: string; ref: SecretRef }[] = [];
  if (l.kind === 'pbs' && l.secret) out.push({ purpose: `PBS password or token secret of ${pbsAuthId(l.repository) ?? 'the repository user'}`, ref: l.secret });
  if (l.kind === 'restic') out.push({ purpose: 'restic repository password', ref: l.secret });
  if (l.kind === 'restic' || l.kind === 'rclone') for (const [name, ref] of Object.entries(l.secretEnv ?? {})) out.push({ purpose: name, ref });
  return out;
}

/** The command that fetches one file of a copy onto a host, as the operator would type it; null for kinds Strata cannot name one for. */
export function fetchFileCommand(l: Layer, file: string, into: string): string | null {
  if (l.kind === 'rclone') return `rclone copy ${l.remote}/${file} ${into}/`;
  if (l.kind === 'restic') return `restic -r ${l.repository} restore latest --include ${file} --target ${into}`;
  return null;
}
