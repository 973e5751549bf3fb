/** A restic repository: run backs up the layer's paths; check only locks and caches, so it changes nothing stored. */
import { resticChain } from './chain.js';
import type { KindSpec } from '../spec.js';
import { planRestic } from './planner.js';
import { resticProbes } from './probes.js';
import { readRestic } from './reader.js';
import { resticFiles } from './files.js';

export const restic: KindSpec<'restic'> = {
  read: readRestic,
  probes: resticProbes,
  actions: {
    run: { label: 'run restic backup', changesHost: true },
    verify: { label: 'run restic check', changesHost: false },
  },
  plan: planRestic,
  files: resticFiles,
  chain: resticChain,
};
