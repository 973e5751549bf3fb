import { aboutCommand, lsjsonCommand } from '../../adapters/rclone/commands.js';
import { placeholders } from '../shared/secret-placeholders.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export function rcloneProbes(layer: LayerFileOf<'rclone'>): ProbeCommand[] {
  const secretEnv = placeholders(layer.secretEnv);
  const access = {
    remote: layer.remote,
    ...(layer.configFile ? { configFile: layer.configFile } : {}),
    ...(secretEnv ? { secretEnv } : {}),
  };
  return onHost(layer, [lsjsonCommand(access), aboutCommand(access)]);
}
