import { zpoolListCommand, zpoolListHumanCommand, zpoolStatusCommand } from '../../adapters/zfs/commands.js';
import type { Command } from '../../transport/command.js';

/** A host's pools: capacity (with the zfs-fuse fallback that has no -p) and health. */
export const poolProbes = (): Command[] => [zpoolListCommand(), zpoolListHumanCommand(), zpoolStatusCommand()];
