import type { LayerFile } from '../domain/inventory-file.js';
import type { LayerObservation } from '../domain/types.js';
import type { Runner } from '../transport/runner.js';

/** What a reader needs from the collector for one refresh of one layer. */
export interface ReaderContext {
  /** The runner of the layer's own host. */
  readonly runner: Runner;
  /** The runner of another host (the source of a replication). */
  runnerFor(host: string): Runner;
  /** PVE node name of the layer's host. */
  readonly node: string;
  /** What `hostname` printed on the layer's host, when this round already asked. */
  readonly hostname?: string;
  /** Host clock, epoch seconds. */
  readonly nowSec: number;
  /** Per command. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** A variable of the Strata process, for `{env: NAME}` secrets. */
  lookupEnv(name: string): string | undefined;
}

/** Reads one layer. Never rejects: every failure is in `errors`. */
export type LayerReader = (ctx: ReaderContext, layer: LayerFile) => Promise<LayerObservation>;
