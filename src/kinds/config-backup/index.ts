/** Archives of a host's configuration that Strata writes with tar; verify reads the newest back. */
import type { KindSpec } from '../spec.js';
import { planConfigBackup } from './planner.js';
import { configBackupProbes } from './probes.js';
import { readConfigBackup } from './reader.js';

export const configBackup: KindSpec<'config-backup'> = {
  read: readConfigBackup,
  probes: configBackupProbes,
  actions: {
    run: { label: 'archive the configuration', changesHost: true },
    verify: { label: 'check the newest archive', changesHost: false },
  },
  plan: planConfigBackup,
};
