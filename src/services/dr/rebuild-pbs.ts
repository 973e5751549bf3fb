/**
 * Adding a PBS datastore to the new node as a storage (the storage step's
 * surviving PBS, a chain's restored datastore).
 */
import { pbsAuthId, pbsDatastore, type PbsLayer } from '../../domain/layer-kinds/dr.js';
import { repositoryServer } from '../../kinds/pbs/storage-entry.js';
import type { Command } from '../../transport/command.js';

export type { PbsLayer };
export const authIdOf = pbsAuthId;

/** What a PVE node connects to: the repository's server, else the PBS host's inventory name (a loopback address means nothing from another machine). */
export function pbsServerFor(layer: PbsLayer): string {
  return repositoryServer(layer.repository) ?? layer.host;
}

export const datastoreOf = pbsDatastore;

/**
 * `pvesm add pbs` takes the password only as an argument (it cannot read
 * stdin; without a value it asks on a terminal): the value travels in the
 * SSH channel as PBS_PASSWORD and the node's own shell puts it on pvesm's
 * argument list, so no argument list Strata sends carries it.
 */
export function addPbsCommand(o: { id: string; server: string; datastore: string; username: string; fingerprint: string; namespace?: string; keyFile?: string; password: string }): Command {
  const args = ['sh', o.id, o.server, o.datastore, o.username, o.fingerprint];
  let script = 'pvesm add pbs "$1" --server "$2" --datastore "$3" --username "$4" --fingerprint "$5" --password "$PBS_PASSWORD"';
  if (o.namespace !== undefined) {
    args.push(o.namespace);
    script += ` --namespace "$${args.length - 1}"`;
  }
  if (o.keyFile !== undefined) {
    args.push(o.keyFile);
    script += ` --encryption-key "$${args.length - 1}"`;
  }
  return { argv: ['sh', '-c', script, ...args], secrets: { PBS_PASSWORD: o.password } };
}
