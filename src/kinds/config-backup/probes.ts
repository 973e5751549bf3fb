import { listArchivesCommand } from '../../adapters/config-backup/commands.js';
import { onHost, type LayerFileOf, type ProbeCommand } from '../spec.js';

export const configBackupProbes = (layer: LayerFileOf<'config-backup'>): ProbeCommand[] => onHost(layer, [listArchivesCommand(layer.directory)]);
