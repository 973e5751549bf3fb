import { datastoreStatusCommand, snapshotListCommand, taskListCommand } from '../../adapters/pbs/commands.js';
import { placeholder } from '../shared/secret-placeholders.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export function pbsProbes(layer: LayerFileOf<'pbs'>): ProbeCommand[] {
  const access = {
    repository: layer.repository,
    ...(layer.namespace ? { namespace: layer.namespace } : {}),
    ...(layer.fingerprint ? { fingerprint: layer.fingerprint } : {}),
    ...(layer.secret ? { password: placeholder(layer.secret) } : {}),
  };
  return onHost(layer, [snapshotListCommand(access), datastoreStatusCommand(access), taskListCommand()]);
}
