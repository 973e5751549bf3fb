/**
 * Which storage entry of a PVE node reaches a PBS layer's datastore: a PBS
 * volid carries no server and no namespace, so the entry is found by its
 * server (any name the inventory knows the PBS host by), datastore and
 * namespace (restore-formats §2.1: another namespace needs another entry).
 * Never a guess: no entry that matches all three is no entry.
 */
import { datastoreOfRepository } from '../../adapters/pbs/commands.js';
import type { PveStorageEntry } from '../../adapters/pve/storage-config.js';
import type { HostFile, PbsLayerFile } from '../../domain/inventory-file.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** The server named in a repository string (`user@realm!token@server:port:datastore`), unless it is the host itself. */
export function repositoryServer(repository: string): string | undefined {
  const rest = repository.slice(0, Math.max(0, repository.lastIndexOf(':')));
  if (rest === '') return undefined;
  const afterUser = rest.slice(rest.lastIndexOf('@') + 1);
  const server = /^\[.*\]/.test(afterUser) ? afterUser.replace(/^(\[[^\]]*\]).*$/, '$1') : afterUser.replace(/:\d+$/, '');
  return server === '' || LOOPBACK.has(server) ? undefined : server;
}

/** Every name the PBS host of a layer goes by: its inventory name, address, the repository's server. */
export function namesOfPbsHost(layer: Pick<PbsLayerFile, 'host' | 'repository'>, hosts: readonly HostFile[]): Set<string> {
  const h = hosts.find((x) => x.name === layer.host);
  const names = [layer.host, h?.address, repositoryServer(layer.repository)].filter((n): n is string => n !== undefined && !LOOPBACK.has(n));
  return new Set(names.map((n) => n.toLowerCase()));
}

export interface PbsEntryMatch {
  readonly entry?: PveStorageEntry;
  /** Why none matched, naming what was seen. */
  readonly why?: string;
}

export function findPbsStorage(entries: readonly PveStorageEntry[], layer: Pick<PbsLayerFile, 'host' | 'repository' | 'datastore' | 'namespace'>, hosts: readonly HostFile[], node: string): PbsEntryMatch {
  const store = layer.datastore ?? datastoreOfRepository(layer.repository);
  const ns = layer.namespace ?? '';
  const names = namesOfPbsHost(layer, hosts);
  const pbs = entries.filter((e) => e.type === 'pbs');
  const match = pbs.filter(
    (e) => !e.disabled && (e.nodes === undefined || e.nodes.includes(node)) && e.datastore === store && (e.namespace ?? '') === ns && e.server !== undefined && names.has(e.server.toLowerCase()),
  );
  if (match.length > 0) return { entry: match[0]! };
  const seen = pbs.map((e) => `${e.id} (server ${e.server ?? '?'}, datastore ${e.datastore ?? '?'}${e.namespace ? `, namespace ${e.namespace}` : ''}${e.disabled ? ', disabled' : ''})`);
  return {
    why: `node ${node} has no PBS storage entry for datastore ${store}${ns ? ` namespace ${ns}` : ''} on ${[...names].join(' / ') || layer.host}${seen.length > 0 ? `; it has ${seen.join(', ')}` : ''}`,
  };
}

/** The command an operator runs to add the missing entry (secrets stay theirs to type). */
export function addPbsStorageHint(layer: Pick<PbsLayerFile, 'host' | 'repository' | 'datastore' | 'namespace' | 'fingerprint'>): string {
  const store = layer.datastore ?? datastoreOfRepository(layer.repository);
  const server = repositoryServer(layer.repository) ?? layer.host;
  return `pvesm add pbs ${layer.host} --server ${server} --datastore ${store}${layer.namespace ? ` --namespace ${layer.namespace}` : ''} --username USER@REALM --password${layer.fingerprint ? ` --fingerprint ${layer.fingerprint}` : ' --fingerprint FP'}`;
}
