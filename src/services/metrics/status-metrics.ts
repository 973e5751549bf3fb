/**
 * The status as Prometheus metrics: the same report the panel and `strata
 * status --json` show (one composition root), in base units. Health is a
 * gauge as Nagios counts it: 0 ok, 1 warn, 2 crit, 3 unknown. A value the
 * report does not have (no point yet, no RPO, never verified) is left out
 * rather than written as 0 or NaN, so `absent()` and `unless` see it.
 */
import type { AssetStatus, HostStatus, LayerStatus, StatusReport } from '../../domain/status-report.js';
import type { Health } from '../../domain/types.js';
import type { MetricFamily, MetricType, Sample } from './exposition.js';

export const HEALTH_VALUE: Readonly<Record<Health, number>> = { ok: 0, warn: 1, crit: 2, unknown: 3 };

/** One reading of the estate, as the store holds it. */
export interface MetricsReading {
  readonly report: StatusReport;
  /** Local epoch ms when the status was read. */
  readonly readAtMs: number;
  /** How long the whole reading took. */
  readonly readDurationMs?: number;
  /** How long each layer's and host's probes took at that reading. */
  readonly layerReadMs?: Readonly<Record<string, number>>;
  readonly hostReadMs?: Readonly<Record<string, number>>;
}

/** About the serving process (`--listen`): how old the served reading is, how reads went. */
export interface ServingFigures {
  readonly cacheAgeSeconds: number;
  readonly reads: number;
  readonly readFailures: number;
  readonly lastReadFailed: boolean;
}

const epochSec = (iso: string | null | undefined): number | undefined => {
  if (iso === null || iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
};

/** A family built row by row: `add` skips an undefined value. */
class Family<R> {
  readonly samples: Sample[] = [];
  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly help: string,
    private readonly value: (row: R) => number | null | undefined,
  ) {}
  add(row: R, labels: Record<string, string>): void {
    const v = this.value(row);
    if (v === undefined || v === null || !Number.isFinite(v)) return;
    this.samples.push({ labels, value: v });
  }
}

const bool = (b: boolean) => (b ? 1 : 0);

function layerFamilies(layers: readonly LayerStatus[], readMs: Readonly<Record<string, number>> | undefined): MetricFamily[] {
  const g = (name: string, help: string, value: (l: LayerStatus) => number | null | undefined) => new Family<LayerStatus>(name, 'gauge', help, value);
  const families = [
    g('strata_layer_health', 'Health of the layer: 0 ok, 1 warn, 2 crit, 3 unknown.', (l) => HEALTH_VALUE[l.health]),
    g('strata_layer_newest_point_timestamp_seconds', 'When the newest finished recovery point on the layer was taken.', (l) => epochSec(l.lastPointAt)),
    g('strata_layer_rpo_seconds', 'How old the newest point may be before the layer is WARN.', (l) => l.rpoSeconds),
    g('strata_layer_points', 'Finished recovery points read on the layer.', (l) => l.points),
    g('strata_layer_offsite', 'Whether the layer keeps its copies off-site (1) or not (0).', (l) => bool(l.offsite)),
    g('strata_layer_capacity_bytes', 'Size of the datastore, storage, pool or remote holding the layer.', (l) => l.capacity?.totalBytes),
    g('strata_layer_capacity_used_bytes', 'Bytes used of it.', (l) => l.capacity?.usedBytes),
    g('strata_layer_capacity_used_ratio', 'Share of it used, 0 to 1.', (l) => (l.capacity ? l.capacity.usedPercent / 100 : undefined)),
    g('strata_layer_verification_failed', 'Whether the newest point failed its verification (1) or not (0).', (l) => (l.verification ? bool(l.verification.newestState === 'failed') : undefined)),
    g('strata_layer_newest_verified_timestamp_seconds', 'When the newest point was last verified.', (l) => epochSec(l.verification?.newestVerifiedAt)),
    g('strata_layer_last_job_failed', 'Whether the layer\'s last job failed (1) or not (0).', (l) => (l.lastJob ? bool(l.lastJob.state === 'failed') : undefined)),
    g('strata_layer_last_job_end_timestamp_seconds', 'When the layer\'s last job ended.', (l) => epochSec(l.lastJob?.endedAt)),
    g('strata_layer_probe_errors', 'Probes of the layer that failed at the last reading (each makes it UNKNOWN).', (l) => l.errors.length),
    g('strata_layer_read_duration_seconds', 'How long reading the layer took at the last reading.', (l) => (readMs?.[l.id] === undefined ? undefined : readMs[l.id]! / 1000)),
  ];
  for (const l of layers) {
    const labels = { layer: l.id, kind: l.kind, host: l.host };
    for (const f of families) f.add(l, labels);
  }
  const pools = new Family<NonNullable<LayerStatus['pools']>[number]>('strata_pool_healthy', 'gauge', 'Whether the ZFS pool under the layer is ONLINE and `zpool status -x` is clean (1) or not (0).', (p) => bool(p.healthy));
  for (const l of layers) for (const p of l.pools ?? []) pools.add(p, { layer: l.id, host: l.host, pool: p.name });
  return [...families, pools];
}

function assetFamilies(assets: readonly AssetStatus[]): MetricFamily[] {
  const g = (name: string, help: string, value: (a: AssetStatus) => number | null | undefined) => new Family<AssetStatus>(name, 'gauge', help, value);
  const info = new Family<AssetStatus>('strata_asset_info', 'gauge', 'A workload and its tier (tier="" is the default tier); always 1, for joins.', () => 1);
  const families = [
    g('strata_asset_health', 'Health of the workload: 0 ok, 1 warn, 2 crit, 3 unknown.', (a) => HEALTH_VALUE[a.health]),
    g('strata_asset_copies', 'Fresh copies of the workload, the live data included.', (a) => a.copies),
    g('strata_asset_media', 'Distinct media among its fresh copies.', (a) => a.media),
    g('strata_asset_offsite_copies', 'Fresh copies on off-site layers.', (a) => a.offsite),
    g('strata_asset_required_copies', 'Copies its tier requires.', (a) => a.required.copies),
    g('strata_asset_required_media', 'Media its tier requires.', (a) => a.required.media),
    g('strata_asset_required_offsite_copies', 'Off-site copies its tier requires.', (a) => a.required.offsite),
    g('strata_asset_rpo_seconds', 'How old its newest copy may be (its tier\'s RPO).', (a) => a.required.rpoSeconds),
    g('strata_asset_restore_proven_timestamp_seconds', 'When a copy of it was last proven restorable (a verify, a drill or a restore in the journal).', (a) => epochSec(a.lastProvenRestorableAt)),
    g('strata_asset_last_drill_timestamp_seconds', 'When it was last restored in a drill.', (a) => epochSec(a.lastDrillAt)),
    g('strata_asset_restore_duration_seconds', 'How long its last measured restore (drill or restore) took.', (a) => a.measuredRestoreSeconds),
  ];
  const newest = new Family<string>('strata_asset_newest_point_timestamp_seconds', 'gauge', 'When its newest usable point on each layer was taken (direct or through a copy chain).', (iso) => epochSec(iso));
  for (const a of assets) {
    info.add(a, { asset: a.id, name: a.name, kind: a.kind ?? '', host: a.host ?? '', tier: a.tier ?? '' });
    const labels = { asset: a.id };
    for (const f of families) f.add(a, labels);
    for (const l of a.layers) if (l.newestAt) newest.add(l.newestAt, { asset: a.id, layer: l.layerId });
  }
  return [info, ...families, newest];
}

function hostFamilies(hosts: readonly HostStatus[], readMs: Readonly<Record<string, number>> | undefined): MetricFamily[] {
  const g = (name: string, help: string, value: (h: HostStatus) => number | null | undefined) => new Family<HostStatus>(name, 'gauge', help, value);
  const families = [
    g('strata_host_health', 'Health of the host itself (reachable, clock): 0 ok, 1 warn, 2 crit, 3 unknown.', (h) => HEALTH_VALUE[h.health]),
    g('strata_host_reachable', 'Whether the host answered at the last reading (1) or not (0).', (h) => bool(h.reachable)),
    g('strata_host_clock_skew_seconds', 'The host\'s clock minus the management host\'s.', (h) => h.clockSkewSeconds),
    g('strata_host_session_start_seconds', 'How long an SSH session takes to start on the host (a slow login shell shows here).', (h) => (h.sessionStartMs === null ? undefined : h.sessionStartMs / 1000)),
    g('strata_host_read_duration_seconds', 'How long reading the host\'s clock took at the last reading.', (h) => (readMs?.[h.name] === undefined ? undefined : readMs[h.name]! / 1000)),
  ];
  for (const h of hosts) for (const f of families) f.add(h, { host: h.name });
  return families;
}

const single = (name: string, type: MetricType, help: string, value: number | undefined): MetricFamily => ({
  name,
  type,
  help,
  samples: value === undefined || !Number.isFinite(value) ? [] : [{ value }],
});

/** The families of one reading of the estate. */
export function readingMetrics(reading: MetricsReading): MetricFamily[] {
  const { report } = reading;
  return [
    single('strata_health', 'gauge', 'Overall health of the estate, the worst of all: 0 ok, 1 warn, 2 crit, 3 unknown.', HEALTH_VALUE[report.overall]),
    single('strata_status_read_timestamp_seconds', 'gauge', 'When the status was read.', reading.readAtMs / 1000),
    single('strata_status_read_duration_seconds', 'gauge', 'How long reading every host and layer took.', reading.readDurationMs === undefined ? undefined : reading.readDurationMs / 1000),
    ...hostFamilies(report.hosts, reading.hostReadMs),
    ...layerFamilies(report.layers, reading.layerReadMs),
    ...assetFamilies(report.assets),
  ];
}

/** The families about the serving process (`--listen`). */
export function servingMetrics(serving: ServingFigures): MetricFamily[] {
  return [
    single('strata_metrics_cache_age_seconds', 'gauge', 'Age of the reading this page was served from.', serving.cacheAgeSeconds),
    single('strata_metrics_reads_total', 'counter', 'Readings of the estate started since this process began.', serving.reads),
    single('strata_metrics_read_failures_total', 'counter', 'Readings that failed as a whole since this process began.', serving.readFailures),
    single('strata_metrics_last_read_failed', 'gauge', 'Whether the last reading failed as a whole (1); the page then shows the one before.', bool(serving.lastReadFailed)),
  ];
}

/** Every family of one reading, and of the serving process when there is one. */
export function statusMetrics(reading: MetricsReading, serving?: ServingFigures): MetricFamily[] {
  return [...(serving ? servingMetrics(serving) : []), ...readingMetrics(reading)];
}
