/**
 * One refresh of every layer. Hosts are read concurrently and independently: a
 * slow or dead host never delays the others. Within a host, the probes of all
 * its layers run concurrently over the host's pooled connection (the runner
 * bounds how many at once). The host's clock and time zone are read in the
 * same round; the layers of an unreachable host become observations with an
 * error, which the health rules turn into UNKNOWN.
 */
import type { Inventory } from '../domain/inventory.js';
import { hostsOfLayer, infoOf } from '../domain/layer-kinds/index.js';
import type { LayerFile } from '../domain/inventory-file.js';
import type { HostObservation, LayerObservation } from '../domain/types.js';
import type { Runner } from '../transport/runner.js';
import { probeHost } from './host-probe.js';
import type { ReaderContext } from '../kinds/reader-context.js';
import { errorText } from '../domain/error-text.js';

export interface CollectorDeps {
  runnerFor(host: string): Runner;
  readLayer(ctx: ReaderContext, layer: LayerFile): Promise<LayerObservation>;
  /** Local clock, epoch seconds (fractional). */
  localNowSec(): number;
  lookupEnv(name: string): string | undefined;
}

export interface CollectOptions {
  /** Only these hosts (and the layers on them). */
  readonly hosts?: readonly string[];
  /** Only these layers (and their hosts). */
  readonly layers?: readonly string[];
  /** Per-probe timeout; default the inventory's probeTimeoutSeconds. */
  readonly probeTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called as each layer's observation arrives, for live screens. */
  readonly onLayer?: (obs: LayerObservation) => void;
  readonly onHost?: (obs: HostObservation) => void;
}

export interface Collection {
  readonly hosts: HostObservation[];
  readonly layers: LayerObservation[];
  /** Local epoch seconds when the round finished. */
  readonly finishedAtSec: number;
}

/** The layers a refresh reads, in inventory order. */
export function selectLayers(inventory: Inventory, opts: Pick<CollectOptions, 'hosts' | 'layers'>): LayerFile[] {
  return inventory.layers.filter(
    (l) => (!opts.hosts || opts.hosts.includes(l.host)) && (!opts.layers || opts.layers.includes(l.id)),
  );
}

export async function collect(inventory: Inventory, deps: CollectorDeps, opts: CollectOptions = {}): Promise<Collection> {
  const timeoutMs = opts.probeTimeoutMs ?? inventory.probeTimeoutSeconds * 1000;
  const layers = selectLayers(inventory, opts);
  const hostNames = new Set<string>(opts.hosts ?? []);
  for (const l of layers) for (const h of hostsOfLayer(l)) hostNames.add(h);
  const hosts = inventory.hosts.filter((h) => hostNames.has(h.name));

  const hostObs = new Map<string, HostObservation>();
  const layerObs: LayerObservation[] = [];

  await Promise.all(
    hosts.map(async (host) => {
      const runner = deps.runnerFor(host.name);
      const onThisHost = layers.filter((l) => l.host === host.name);
      const needsNode = !host.node && onThisHost.some((l) => infoOf(l).onPveNode);
      const probeStartedMs = performance.now();
      const probe = await probeHost(runner, {
        needHostname: needsNode,
        timeoutMs,
        localNow: deps.localNowSec,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const readAt = probe.hostNowSec ?? Math.floor(deps.localNowSec());
      const obs: HostObservation = {
        name: host.name,
        reachable: probe.reachable,
        error: probe.error,
        clockSkewSeconds: probe.clockSkewSeconds,
        ...(probe.utcOffset ? { utcOffset: probe.utcOffset } : {}),
        ...(host.node || probe.hostname ? { pveNode: host.node ?? probe.hostname! } : {}),
        ...(runner.sessionStartMs !== undefined ? { sessionStartMs: runner.sessionStartMs } : {}),
        readAtSec: readAt,
        readDurationMs: performance.now() - probeStartedMs,
      };
      hostObs.set(host.name, obs);
      opts.onHost?.(obs);

      await Promise.all(
        onThisHost.map(async (layer) => {
          const unreachable = hostsOfLayer(layer)
            .map((h) => hostObs.get(h))
            .find((h) => h && !h.reachable);
          let result: LayerObservation;
          if (unreachable) {
            result = unreadable(layer.id, readAt, unreachable.error ?? `host ${unreachable.name} is unreachable`);
          } else {
            const readStartedMs = performance.now();
            const ctx: ReaderContext = {
              runner,
              runnerFor: deps.runnerFor,
              node: host.node ?? probe.hostname ?? host.name,
              ...(probe.hostname ? { hostname: probe.hostname } : {}),
              // Ages are computed in the host's time: a point "written now" on a fast clock is not in the future.
              nowSec: readAt,
              timeoutMs,
              lookupEnv: deps.lookupEnv,
              ...(opts.signal ? { signal: opts.signal } : {}),
            };
            result = await deps.readLayer(ctx, layer).catch((e: unknown) =>
              unreadable(layer.id, readAt, `reading the layer failed: ${errorText(e)}`),
            );
            result = { ...result, readDurationMs: performance.now() - readStartedMs };
          }
          layerObs.push(result);
          opts.onLayer?.(result);
        }),
      );
    }),
  );

  const order = new Map(layers.map((l, i) => [l.id, i]));
  layerObs.sort((a, b) => (order.get(a.layerId) ?? 0) - (order.get(b.layerId) ?? 0));
  return {
    hosts: hosts.map((h) => hostObs.get(h.name)!),
    layers: layerObs,
    finishedAtSec: deps.localNowSec(),
  };
}

function unreadable(layerId: string, readAt: number, message: string): LayerObservation {
  return { layerId, readAtSec: readAt, points: [], jobs: [], assets: [], errors: [{ kind: 'transport', message }] };
}
