import {
  backupJobsCommand,
  notBackedUpCommand,
  storageContentCommand,
  storageStatusCommand,
  taskLogHeadTemplate,
  vzdumpTasksCommand,
} from '../../adapters/pve/commands.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export const vzdumpProbes = (layer: LayerFileOf<'vzdump'>, node: string): ProbeCommand[] =>
  onHost(layer, [
    storageContentCommand(node, layer.storage),
    backupJobsCommand(),
    vzdumpTasksCommand(node),
    notBackedUpCommand(),
    storageStatusCommand(node, layer.storage),
    taskLogHeadTemplate(node),
  ]);
