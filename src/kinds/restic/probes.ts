import { HOSTNAME_COMMAND } from '../../adapters/host/commands.js';
import { snapshotsCommand } from '../../adapters/restic/commands.js';
import { placeholder, placeholders } from '../shared/secret-placeholders.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export function resticProbes(layer: LayerFileOf<'restic'>): ProbeCommand[] {
  const secretEnv = placeholders(layer.secretEnv);
  return onHost(layer, [
    snapshotsCommand({
      repository: layer.repository,
      password: placeholder(layer.secret),
      ...(layer.env ? { env: layer.env } : {}),
      ...(secretEnv ? { secretEnv } : {}),
    }),
    // Which recorded client names are this host's own (reader.ts).
    HOSTNAME_COMMAND,
  ]);
}
