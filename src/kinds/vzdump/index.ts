/** vzdump archives on a PVE storage: run the storage's backup jobs; verify tests the newest archives. */
import type { KindSpec } from '../spec.js';
import { vzdumpRestore } from './restore.js';
import { planVzdump } from './planner.js';
import { vzdumpProbes } from './probes.js';
import { readVzdump } from './reader.js';

export const vzdump: KindSpec<'vzdump'> = {
  read: readVzdump,
  probes: vzdumpProbes,
  actions: {
    run: { label: 'run vzdump', changesHost: true },
    verify: { label: 'test the newest archives', changesHost: false },
  },
  plan: planVzdump,
  restore: vzdumpRestore,
};
