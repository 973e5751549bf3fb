/**
 * A PBS datastore: run starts its sync or verify job; verify rewrites each
 * snapshot's manifest (its verify state) and renames corrupt chunks, so it
 * changes the host.
 */
import type { KindSpec } from '../spec.js';
import { pbsRestore } from './restore.js';
import { planPbs } from './planner.js';
import { pbsProbes } from './probes.js';
import { readPbs } from './reader.js';
import { pbsFiles } from './files.js';

export const pbs: KindSpec<'pbs'> = {
  read: readPbs,
  probes: pbsProbes,
  actions: {
    run: { label: 'run the sync/verify job', changesHost: true },
    verify: { label: 'verify the datastore', changesHost: true },
  },
  plan: planPbs,
  restore: pbsRestore,
  files: pbsFiles,
};
