/**
 * Reading a layer of any kind, and the commands doing so may run on a host
 * (`strata commands` prints them so an operator can restrict Strata's key).
 */
import type { LayerFile } from '../domain/inventory-file.js';
import type { LayerObservation } from '../domain/types.js';
import type { ReaderContext } from './reader-context.js';
import { specOf } from './registry.js';
import { observation } from './shared/observation.js';
import type { ProbeCommand } from './spec.js';
import { errorText } from '../domain/error-text.js';

export type { LayerReader, ReaderContext } from './reader-context.js';
export type { ProbeCommand } from './spec.js';

/** Reads one layer. Never rejects: anything unexpected becomes an error in the observation. */
export async function readLayer(ctx: ReaderContext, layer: LayerFile): Promise<LayerObservation> {
  const spec = specOf(layer.kind);
  if (!spec) return observation(ctx, layer, { errors: [{ kind: 'parse', message: `unknown layer kind ${JSON.stringify(layer.kind)}` }] });
  try {
    return await spec.read(ctx, layer);
  } catch (e) {
    const why = errorText(e);
    return observation(ctx, layer, { errors: [{ kind: 'parse', message: `reading layer ${layer.id} failed unexpectedly: ${why}` }] });
  }
}

/**
 * Every command the reader of `layer` may run, with `{vmid}` where the argv
 * depends on guests found at run time. Fallbacks for zfs-fuse are included.
 * A layer whose values no command can be built from yields nothing.
 */
export function probeCommands(layer: LayerFile, opts: { node: string }): ProbeCommand[] {
  try {
    return specOf(layer.kind)?.probes(layer, opts.node) ?? [];
  } catch {
    return [];
  }
}
