/** An rclone copy of a local path: run syncs it (then marks it whole); check compares both sides. */
import { rcloneChain } from './chain.js';
import type { KindSpec } from '../spec.js';
import { planRclone } from './planner.js';
import { rcloneProbes } from './probes.js';
import { readRclone } from './reader.js';
import { rcloneFiles } from './files.js';
import { rcloneCold } from './thaw.js';

const noSource = (layer: { readonly source?: string }) => (layer.source ? null : 'the layer has no source');

export const rclone: KindSpec<'rclone'> = {
  read: readRclone,
  probes: rcloneProbes,
  actions: {
    run: { label: 'run rclone sync', changesHost: true, notOffered: noSource },
    verify: { label: 'run rclone check', changesHost: false, notOffered: noSource },
  },
  plan: planRclone,
  files: { ...rcloneFiles, cold: rcloneCold },
  chain: rcloneChain,
};
