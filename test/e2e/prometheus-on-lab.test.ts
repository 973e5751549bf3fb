/**
 * `strata metrics --listen` against the degraded lab, scraped by the real
 * Prometheus (Debian's 2.42) every second with the example alerting rules
 * loaded: what Prometheus stores is what `strata status` says, and the rules
 * evaluate on it. The rules themselves are unit-tested with promtool below.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, type ListeningMetrics } from '../../src/cli/metrics.js';
import { validateInventory } from '../../src/domain/inventory.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { HEALTH_VALUE } from '../../src/services/metrics/status-metrics.js';
import { composeServices, type Services } from '../../src/services/root.js';
import { promtool, startPrometheus, type RunningPrometheus } from '../helpers/outputs/prometheus.js';
import { describeWithTools } from '../helpers/tools.js';

const RULES = resolve('examples/prometheus/strata-rules.yml');
const RULE_TESTS = ['strata-rules.test.yml', 'strata-rules-drills.test.yml'].map((f) => resolve('examples/prometheus', f));

describeWithTools(['prometheus'], 'Prometheus scraping strata metrics --listen on the lab', () => {
  let lab: Lab;
  let session: Services;
  let served: ListeningMetrics;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    lab = await startLab({ scenario: 'degraded' });
    const v = validateInventory(lab.config);
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const env = { ...process.env, STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-metrics-state-')) };
    session = composeServices({ inventory: v.inventory, configPath: lab.configPath, env, readOnly: true });
    served = await listen(session, { host: '127.0.0.1', port: 0 }, 1000);
    prometheus = await startPrometheus({ target: `127.0.0.1:${served.server.port}`, intervalSeconds: 1, ruleFiles: [RULES] });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await served?.close();
    await session?.close();
    await lab?.stop();
  });

  it('stores every host, layer and workload health as the status reports it', async () => {
    await prometheus.until('up{job="strata"} == 1 and on() strata_health', (r) => (r.length === 1 ? true : undefined));
    const reading = served.cache.reading!;
    const { report } = reading;
    const byLabel = async (expr: string, label: string) =>
      Object.fromEntries((await prometheus.query(expr)).map((s) => [s.metric[label], s.value]));
    const layers = await byLabel('strata_layer_health', 'layer');
    const hosts = await byLabel('strata_host_reachable', 'host');
    const assets = await byLabel('strata_asset_health', 'asset');
    // Later readings of the lab may differ by a minute's ages, never in health.
    expect(layers).toEqual(Object.fromEntries(report.layers.map((l) => [l.id, HEALTH_VALUE[l.health]])));
    expect(hosts).toEqual(Object.fromEntries(report.hosts.map((h) => [h.name, h.reachable ? 1 : 0])));
    expect(assets).toEqual(Object.fromEntries(report.assets.map((a) => [a.id, HEALTH_VALUE[a.health]])));
    // The degraded lab's own failures, as numbers.
    expect(layers['restic-usb']).toBe(HEALTH_VALUE.unknown);
    expect(assets['vm/111']).toBe(HEALTH_VALUE.crit);
    // 300 s, as measured: within a second either way (date +%s has whole seconds, the round trip is slow on a loaded machine).
    expect(Math.abs((await byLabel('strata_host_clock_skew_seconds', 'host')).docker1! - 300)).toBeLessThanOrEqual(1);
    const used = await byLabel('strata_layer_capacity_used_ratio', 'layer');
    expect(used['pbs-local']).toBeCloseTo(0.93, 2);
  });

  it('stores times in seconds and the age of the served reading', async () => {
    const [read] = await prometheus.query('strata_status_read_timestamp_seconds');
    expect(Math.abs(read!.value - Date.now() / 1000)).toBeLessThan(120);
    const [age] = await prometheus.query('strata_metrics_cache_age_seconds');
    expect(age!.value).toBeGreaterThanOrEqual(0);
    expect(age!.value).toBeLessThan(60);
    const sessions = await prometheus.query('strata_host_session_start_seconds');
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(s.value).toBeLessThan(10);
  });

  it('evaluates the example rules on what it scraped: the unprotected vm/111 is a pending critical alert', async () => {
    const pending = await prometheus.until('ALERTS{alertname="StrataWorkloadCritical"}', (r) => (r.some((s) => s.metric.asset === 'vm/111') ? r : undefined));
    expect(pending.find((s) => s.metric.asset === 'vm/111')!.metric).toMatchObject({ alertstate: 'pending', severity: 'critical' });
  });
});

describeWithTools(['prometheus'], 'the example alerting rules under promtool', () => {
  it('are valid rules, and each alert fires and stays quiet as its unit tests say', () => {
    const check = promtool(['check', 'rules', RULES]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const run = promtool(['test', 'rules', ...RULE_TESTS]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('fail their unit tests when a threshold changes (the tests can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-rules-'));
    cpSync(resolve('examples/prometheus'), dir, { recursive: true });
    const rules = join(dir, 'strata-rules.yml');
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('35 * 86400', '40 * 86400').replace('strata_asset_health == 2', 'strata_asset_health == 3'));
    const run = promtool(['test', 'rules', 'strata-rules.test.yml', 'strata-rules-drills.test.yml'], dir);
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('StrataDrillOverdue');
    expect(run.stdout + run.stderr).toContain('StrataWorkloadCritical');
  });
});
