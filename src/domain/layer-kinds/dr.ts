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
export type RcloneLayer = LayerOfKind<'rclone'>;

export const asPbs = (l: Layer | undefined): PbsLayer | null => (l?.kind === 'pbs' ? l : null);
export const asRclone = (l: Layer | undefined): RcloneLayer | null => (l?.kind === 'rclone' ? l : null);
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

/** rclone's own config file when a layer names none: the one of the user it runs as, on the layer's host. */
export const RCLONE_DEFAULT_CONFIG = '~/.config/rclone/rclone.conf';

/** `name:bucket/path` as its remote's name and the path within it; a plain local path has no remote (name ''). */
export function rcloneRemoteParts(remote: string): { readonly name: string; readonly path: string } {
  const colon = remote.indexOf(':');
  // `/mnt/x` and `./a:b` are local paths to rclone, not remotes.
  if (colon <= 0 || remote.slice(0, colon).includes('/')) return { name: '', path: remote };
  return { name: remote.slice(0, colon), path: remote.slice(colon + 1) };
}

const SECRET_ENV_PURPOSE: Readonly<Record<string, string>> = {
  RCLONE_CONFIG_PASS: 'RCLONE_CONFIG_PASS, the password the rclone config is encrypted with',
};

/** A secret a layer needs: by reference (as the inventory names it), or only as the place it is kept (a tool's config, a key file). */
export type LayerSecret =
  | { readonly purpose: string; readonly ref: SecretRef }
  | { readonly purpose: string; readonly where: string };

/** The secrets a layer is read with, by reference: what each is for, and where it lives (the plan checks each). */
export function layerSecrets(l: Layer): { readonly purpose: string; readonly ref: SecretRef }[] {
  const out: { purpose: string; ref: SecretRef }[] = [];
  if (l.kind === 'pbs' && l.secret) out.push({ purpose: `PBS password or token secret of ${pbsAuthId(l.repository) ?? 'the repository user'}`, ref: l.secret });
  if (l.kind === 'restic') out.push({ purpose: 'restic repository password', ref: l.secret });
  if (l.kind === 'restic' || l.kind === 'rclone') for (const [name, ref] of Object.entries(l.secretEnv ?? {})) out.push({ purpose: name, ref });
  return out;
}

/** Whether an archived path holds /etc/pve/priv: it, a directory above it, or pmxcfs's database, which holds all of /etc/pve. */
function holdsPvePriv(path: string): boolean {
  const p = path.replace(/\/+$/, '') || '/';
  const priv = '/etc/pve/priv';
  return p === '/' || p === priv || p.startsWith(`${priv}/`) || priv.startsWith(`${p}/`) || p === '/var/lib/pve-cluster' || p === '/var/lib/pve-cluster/config.db';
}

/**
 * Every secret a layer's copies need after a disaster, for the DR card: its
 * references, and the secrets the inventory names only as a place (a tool's
 * own config file, a key file, an SSH key, archives that hold keys).
 */
export function secretPlaces(l: Layer): LayerSecret[] {
  const out: LayerSecret[] = [];
  const env = (secretEnv: Readonly<Record<string, SecretRef>> | undefined) => {
    for (const [name, ref] of Object.entries(secretEnv ?? {})) out.push({ purpose: SECRET_ENV_PURPOSE[name] ?? name, ref });
  };
  switch (l.kind) {
    case 'pbs':
      if (l.secret) out.push({ purpose: `PBS password or token secret of ${pbsAuthId(l.repository) ?? 'the repository user'}`, ref: l.secret });
      if (l.keyfile) out.push({ purpose: 'PBS encryption key (--keyfile)', where: `file ${l.keyfile} on ${l.host}` });
      if (l.keySecret) out.push({ purpose: 'passphrase of the PBS encryption key', ref: l.keySecret });
      break;
    case 'restic':
      out.push({ purpose: 'restic repository password', ref: l.secret });
      env(l.secretEnv);
      break;
    case 'rclone': {
      const { name } = rcloneRemoteParts(l.remote);
      if (name !== '') out.push({ purpose: `keys and settings of rclone remote ${name}`, where: `rclone config ${l.configFile ?? `${RCLONE_DEFAULT_CONFIG} (rclone's default)`} on ${l.host} (remote ${name})` });
      env(l.secretEnv);
      break;
    }
    case 'zfs-replication':
      // Across hosts syncoid on the target logs in to the source with its user's SSH key.
      if (l.source.host && l.source.host !== l.host) out.push({ purpose: `SSH key syncoid on ${l.host} logs in to ${l.source.host} with`, where: `~/.ssh of the user running syncoid on ${l.host}` });
      break;
    case 'config-backup':
      if (l.paths.some(holdsPvePriv)) {
        out.push({ purpose: 'the archives hold /etc/pve/priv (the node\'s keys and tokens)', where: `the archives in ${l.directory} on ${l.host} and every copy of them: keep them as secret as what they hold` });
      }
      break;
    case 'vzdump':
    case 'pve-snapshots':
    case 'zfs-snapshots':
      break;
  }
  return out;
}

/** The command that fetches one file of a copy onto a host, as the operator would type it; null for kinds Strata cannot name one for. */
export function fetchFileCommand(l: Layer, file: string, into: string): string | null {
  if (l.kind === 'rclone') return `rclone copy ${l.remote}/${file} ${into}/`;
  if (l.kind === 'restic') return `restic -r ${l.repository} restore latest --include ${file} --target ${into}`;
  return null;
}
