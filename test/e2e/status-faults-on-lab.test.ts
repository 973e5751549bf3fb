/**
 * Every fault the lab can inject, seen where the operator sees it: in
 * Strata's status. Whatever breaks, the affected layers are UNKNOWN or CRIT
 * with a reason, never OK; the untouched hosts stay OK.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory, type Inventory } from '../../src/domain/inventory.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import { readStatus } from '../../src/services/status-service.js';
import { composeServices } from '../../src/services/root.js';
import { startLab, type Fault, type Lab } from '../../src/lab/index.js';

let lab: Lab;
let inventory: Inventory;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  inventory = v.inventory;
});
afterAll(async () => {
  await lab?.stop();
});
afterEach(() => {
  for (const h of ['pve1', 'pbs1', 'docker1', 'nas1']) lab.clear(h);
});

/** A fresh session (fresh connections) per reading, as a new `strata status` run. */
async function status(probeTimeoutMs = 1500): Promise<StatusReport> {
  const session = composeServices({ inventory: inventory, configPath: lab.configPath, env: {} });
  try {
    return (await readStatus(inventory, session.collector, { probeTimeoutMs })).report;
  } finally {
    await session.close();
  }
}

const layersOn = (r: StatusReport, host: string) => r.layers.filter((l) => l.host === host);

function expectBrokenWithReason(r: StatusReport, host: string, pattern: RegExp) {
  const layers = layersOn(r, host);
  expect(layers.length).toBeGreaterThan(0);
  for (const l of layers) {
    expect(['unknown', 'crit']).toContain(l.health);
    expect(l.reasons.join(' ')).toMatch(pattern);
  }
  expect(r.overall).not.toBe('ok');
  // The other hosts are not dragged down by one broken host.
  expect(layersOn(r, 'docker1').every((l) => l.health === 'ok') || host === 'docker1').toBe(true);
}

describe('the status under each fault', () => {
  it('is all ok without faults (the baseline the cases below break)', async () => {
    const r = await status();
    expect(r.overall).toBe('ok');
  });

  const cases: [string, string, Fault, RegExp][] = [
    ['latency beyond the probe timeout', 'pbs1', { kind: 'latency', ms: 4000 }, /timed out/],
    ['a hang', 'pbs1', { kind: 'hang' }, /timed out/],
    ['a dropped connection mid-command', 'pbs1', { kind: 'drop' }, /connection|lost|closed/i],
    ['garbage output', 'pbs1', { kind: 'garbage' }, /JSON|parse|not|unexpected/i],
    ['auth failure', 'pbs1', { kind: 'auth-failure' }, /authentication/],
    ['a changed host key', 'pbs1', { kind: 'host-key-changed' }, /HOST KEY OF pbs1 HAS CHANGED.*SHA256:/],
    ['an unreachable host', 'pbs1', { kind: 'unreachable' }, /unreachable|ECONNREFUSED/],
  ];
  for (const [name, host, fault, reason] of cases) {
    it(`${name} on ${host}: its layers are unknown or crit with the reason, never ok`, async () => {
      lab.inject(host, fault);
      const r = await status();
      expectBrokenWithReason(r, host, reason);
      if (fault.kind !== 'garbage') {
        const h = r.hosts.find((x) => x.name === host)!;
        expect(h.health).not.toBe('ok');
      }
    });
  }

  it('a failing job: once the next vzdump run fails on the node, the layer is crit with the task status', async () => {
    lab.inject('pve1', { kind: 'failing-job', program: 'vzdump', message: 'unable to open dump file - No space left on device' });
    const session = composeServices({ inventory: inventory, configPath: lab.configPath, env: {} });
    try {
      // What PVE's scheduler would run: the job fails on the host, Strata sees it afterwards.
      const run = await session.pool
        .get('pve1')
        .run({ argv: ['vzdump', '100', '--storage', 'local-backup', '--mode', 'snapshot', '--compress', 'zstd'] });
      expect(run.exitCode).not.toBe(0);
    } finally {
      await session.close();
      lab.clear('pve1');
    }
    const r = await status();
    const dump = r.layers.find((l) => l.id === 'pve1-dump')!;
    expect(dump.health).toBe('crit');
    expect(dump.reasons.join(' ')).toMatch(/last vzdump job .* failed/);
  });
});
