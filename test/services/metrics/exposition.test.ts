import { describe, expect, it } from 'vitest';
import { escapeLabelValue, exposition, formatValue } from '../../../src/services/metrics/exposition.js';
import { HEALTH_VALUE, readingMetrics, statusMetrics } from '../../../src/services/metrics/status-metrics.js';
import { describeWithTools } from '../../helpers/tools.js';
import { nastyStrings } from '../../helpers/nasty-strings.js';
import { asset, host, layer, report } from '../../helpers/outputs/reports.js';
import { promtoolCheckMetrics } from '../../helpers/outputs/prometheus.js';

/** The value of one sample on a page, by its exact series text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const READ_AT_MS = Date.parse('2026-01-31T02:00:00Z');

describe('the exposition format', () => {
  it('escapes backslash, double quote and line feed in label values, and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
  });

  it('writes one HELP and one TYPE per family with all its samples together, and leaves out a family without samples', () => {
    const text = exposition([
      { name: 'strata_a', type: 'gauge', help: 'A.\nwith \\ a line break', samples: [{ labels: { x: '1' }, value: 1 }, { labels: { x: '2' }, value: 2.5 }] },
      { name: 'strata_empty', type: 'gauge', help: 'nothing', samples: [] },
      { name: 'strata_b_total', type: 'counter', help: 'B.', samples: [{ value: 3 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP strata_a A.\\nwith \\\\ a line break',
        '# TYPE strata_a gauge',
        'strata_a{x="1"} 1',
        'strata_a{x="2"} 2.5',
        '# HELP strata_b_total B.',
        '# TYPE strata_b_total counter',
        'strata_b_total 3',
        '',
      ].join('\n'),
    );
  });

  it('refuses _total on a gauge and a label name the format cannot carry', () => {
    expect(() => exposition([{ name: 'strata_x_total', type: 'gauge', help: '', samples: [{ value: 1 }] }])).toThrow(/counters only/);
    expect(() => exposition([{ name: 'strata_x', type: 'gauge', help: '', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] }])).toThrow(/label name/);
  });

  it('writes special values as Prometheus reads them', () => {
    expect([NaN, Infinity, -Infinity, 0.5, 1e21].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0.5', '1e+21']);
  });
});

describe('the status as metrics', () => {
  const r = report({
    hosts: [host('pve1', { sessionStartMs: 850, clockSkewSeconds: -3 }), host('pbs1', { reachable: false, error: 'connect ECONNREFUSED', health: 'unknown' })],
    layers: [
      layer('dump', { kind: 'vzdump', host: 'pve1', health: 'warn', lastPointAt: '2026-01-30T00:00:00Z', capacity: { totalBytes: 1000, usedBytes: 850, availBytes: 150, usedPercent: 85 } }),
      layer('pbs-local', { kind: 'pbs', host: 'pbs1', health: 'unknown', lastPointAt: null, ageSeconds: null, points: 0, errors: ['host pbs1 is unreachable'], verification: { newestState: 'failed', newestVerifiedAt: '2026-01-29T00:00:00Z' } }),
      layer('snap', { kind: 'zfs-snapshots', host: 'pve1', health: 'crit', rpoSeconds: null, pools: [{ name: 'tank', state: 'DEGRADED', healthy: false, usedPercent: 10, detail: null }] }),
    ],
    assets: [
      asset('vm/100', { name: 'web01', tier: 'tier0', kind: 'vm', host: 'pve1', health: 'crit', copies: 2, offsite: 0, required: { copies: 3, media: 2, offsite: 1, rpoSeconds: 93_600, rtoSeconds: null }, lastProvenRestorableAt: '2026-01-20T00:00:00Z', layers: [{ layerId: 'dump', newestAt: '2026-01-30T00:00:00Z', via: [], hopLagSeconds: [], fresh: true, countsAsCopy: true, media: 'hdd', offsite: false }] }),
      asset('ct/101', { lastDrillAt: '2026-01-15T00:00:00Z', measuredRestoreSeconds: 312 }),
    ],
  });
  const text = exposition(statusMetrics({ report: r, readAtMs: READ_AT_MS, readDurationMs: 1250, layerReadMs: { dump: 420 }, hostReadMs: { pve1: 80 } }));

  it('gives health as 0 ok, 1 warn, 2 crit, 3 unknown for the estate, each host, layer and workload', () => {
    expect(HEALTH_VALUE).toEqual({ ok: 0, warn: 1, crit: 2, unknown: 3 });
    expect(sample(text, 'strata_health')).toBe(2);
    expect(sample(text, 'strata_host_health{host="pbs1"}')).toBe(3);
    expect(sample(text, 'strata_layer_health{layer="dump",kind="vzdump",host="pve1"}')).toBe(1);
    expect(sample(text, 'strata_layer_health{layer="pbs-local",kind="pbs",host="pbs1"}')).toBe(3);
    expect(sample(text, 'strata_layer_health{layer="snap",kind="zfs-snapshots",host="pve1"}')).toBe(2);
    expect(sample(text, 'strata_asset_health{asset="vm/100"}')).toBe(2);
  });

  it('gives times as epoch seconds and durations in seconds, the session start of hosts among them', () => {
    expect(sample(text, 'strata_status_read_timestamp_seconds')).toBe(READ_AT_MS / 1000);
    expect(sample(text, 'strata_status_read_duration_seconds')).toBe(1.25);
    expect(sample(text, 'strata_host_session_start_seconds{host="pve1"}')).toBe(0.85);
    expect(sample(text, 'strata_host_clock_skew_seconds{host="pve1"}')).toBe(-3);
    expect(sample(text, 'strata_host_read_duration_seconds{host="pve1"}')).toBe(0.08);
    expect(sample(text, 'strata_layer_read_duration_seconds{layer="dump",kind="vzdump",host="pve1"}')).toBe(0.42);
    expect(sample(text, 'strata_layer_newest_point_timestamp_seconds{layer="dump",kind="vzdump",host="pve1"}')).toBe(Date.parse('2026-01-30T00:00:00Z') / 1000);
    expect(sample(text, 'strata_layer_rpo_seconds{layer="dump",kind="vzdump",host="pve1"}')).toBe(86_400);
    expect(sample(text, 'strata_asset_restore_proven_timestamp_seconds{asset="vm/100"}')).toBe(Date.parse('2026-01-20T00:00:00Z') / 1000);
    expect(sample(text, 'strata_asset_last_drill_timestamp_seconds{asset="ct/101"}')).toBe(Date.parse('2026-01-15T00:00:00Z') / 1000);
    expect(sample(text, 'strata_asset_restore_duration_seconds{asset="ct/101"}')).toBe(312);
  });

  it('gives capacity in bytes and as a ratio, pools, verification, probe errors, and copies against the tier', () => {
    expect(sample(text, 'strata_layer_capacity_bytes{layer="dump",kind="vzdump",host="pve1"}')).toBe(1000);
    expect(sample(text, 'strata_layer_capacity_used_bytes{layer="dump",kind="vzdump",host="pve1"}')).toBe(850);
    expect(sample(text, 'strata_layer_capacity_used_ratio{layer="dump",kind="vzdump",host="pve1"}')).toBe(0.85);
    expect(sample(text, 'strata_pool_healthy{layer="snap",host="pve1",pool="tank"}')).toBe(0);
    expect(sample(text, 'strata_layer_verification_failed{layer="pbs-local",kind="pbs",host="pbs1"}')).toBe(1);
    expect(sample(text, 'strata_layer_probe_errors{layer="pbs-local",kind="pbs",host="pbs1"}')).toBe(1);
    expect(sample(text, 'strata_asset_copies{asset="vm/100"}')).toBe(2);
    expect(sample(text, 'strata_asset_required_copies{asset="vm/100"}')).toBe(3);
    expect(sample(text, 'strata_asset_offsite_copies{asset="vm/100"}')).toBe(0);
    expect(sample(text, 'strata_asset_required_offsite_copies{asset="vm/100"}')).toBe(1);
    expect(sample(text, 'strata_asset_info{asset="vm/100",name="web01",kind="vm",host="pve1",tier="tier0"}')).toBe(1);
    expect(sample(text, 'strata_asset_newest_point_timestamp_seconds{asset="vm/100",layer="dump"}')).toBe(Date.parse('2026-01-30T00:00:00Z') / 1000);
  });

  it('leaves out what the report does not know instead of writing 0: no point, no RPO, never drilled', () => {
    expect(sample(text, 'strata_layer_newest_point_timestamp_seconds{layer="pbs-local",kind="pbs",host="pbs1"}')).toBeUndefined();
    expect(sample(text, 'strata_layer_rpo_seconds{layer="snap",kind="zfs-snapshots",host="pve1"}')).toBeUndefined();
    expect(sample(text, 'strata_host_session_start_seconds{host="pbs1"}')).toBeUndefined();
    expect(sample(text, 'strata_asset_last_drill_timestamp_seconds{asset="vm/100"}')).toBeUndefined();
    expect(sample(text, 'strata_layer_capacity_bytes{layer="pbs-local",kind="pbs",host="pbs1"}')).toBeUndefined();
  });

  it('names metrics by the conventions: strata_ prefix, base units, _total only on counters', () => {
    const names = readingMetrics({ report: r, readAtMs: READ_AT_MS }).map((f) => f.name);
    for (const n of names) {
      expect(n).toMatch(/^strata_[a-z_]+$/);
      expect(n).not.toMatch(/_(ms|milliseconds|minutes|hours|days|percent|kb|mb|gb)(_|$)/);
      expect(n.endsWith('_total')).toBe(false);
    }
  });
});

describeWithTools(['prometheus'], 'the metrics page checked by promtool', () => {
  it('passes `promtool check metrics`, with hostile names and errors in label values', () => {
    const nasty = nastyStrings(40, 7);
    const r = report({
      hosts: nasty.map((s, i) => host(`h${i}`, { error: s, reachable: i % 2 === 0, health: 'unknown' })),
      layers: nasty.map((s, i) => layer(`l${i}${s.replace(/[^A-Za-z0-9]/g, '')}`, { host: `h${i}`, reasons: [s] })),
      assets: nasty.map((s, i) => asset(`files/h${i}:/srv/${s}`, { name: s })),
    });
    const text = exposition(statusMetrics({ report: r, readAtMs: READ_AT_MS }, { cacheAgeSeconds: 1.5, reads: 3, readFailures: 1, lastReadFailed: false }));
    const check = promtoolCheckMetrics(text);
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
  });

  it('is caught by promtool when a family is split (the check can fail)', () => {
    const bad = '# HELP strata_a a\n# TYPE strata_a gauge\nstrata_a 1\n# HELP strata_b b\n# TYPE strata_b gauge\nstrata_b 1\nstrata_a{x="1"} 2\n';
    expect(promtoolCheckMetrics(bad).status).not.toBe(0);
  });
});
