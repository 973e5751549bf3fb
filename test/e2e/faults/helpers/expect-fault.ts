/**
 * What every case of the fault matrix holds the status to: the process ends
 * normally with the JSON contract and no stack trace; the broken host's
 * layers are UNKNOWN with the reason, every other layer as healthy as
 * before; every workload of the last (healthy) reading is still listed, and
 * one that any broken layer held is UNKNOWN, never OK and never CRIT.
 */
import { expect } from 'vitest';
import { exitCodeFor, type StatusReport } from '../../../../src/domain/status-report.js';
import { saveStatus } from '../../../../src/services/status-cache.js';
import { LAYER_HOSTS, type Estate, type EstateHostName, type StatusRun } from './estate.js';

/** Ended by itself, with a Nagios code that matches its JSON, and without a stack trace. */
export function expectNormalEnd(run: StatusRun): StatusReport {
  expect(run.stderr).not.toMatch(/^ {4}at /m);
  expect(run.stderr).not.toMatch(/internal error/);
  const report = run.report();
  expect(run.code).toBe(exitCodeFor(report));
  return report;
}

export interface FaultExpectation {
  readonly broken: EstateHostName;
  /** What each layer of the broken host says. */
  readonly reason: RegExp;
  /** What the host itself says; undefined when it was reached (a probe broke, not the host). */
  readonly hostReason?: RegExp;
}

export function expectFault(run: StatusRun, baseline: StatusReport, f: FaultExpectation): StatusReport {
  const report = expectNormalEnd(run);
  const brokenLayers = new Set(Object.entries(LAYER_HOSTS).flatMap(([id, h]) => (h === f.broken ? [id] : [])));

  for (const l of report.layers) {
    if (brokenLayers.has(l.id)) {
      expect([l.id, l.health]).toEqual([l.id, 'unknown']);
      expect(l.reasons.join(' ')).toMatch(f.reason);
    } else {
      expect([l.id, l.health, l.reasons]).toEqual([l.id, 'ok', []]);
    }
  }
  for (const h of report.hosts) {
    if (h.name === f.broken && f.hostReason) {
      expect([h.name, h.health, h.reachable]).toEqual([h.name, 'unknown', false]);
      expect(h.reasons.join(' ')).toMatch(f.hostReason);
    } else {
      expect([h.name, h.health, h.reasons]).toEqual([h.name, 'ok', []]);
    }
  }
  const listed = new Map(report.assets.map((a) => [a.id, a]));
  for (const known of baseline.assets) {
    const a = listed.get(known.id);
    expect(a, `${known.id} is no longer listed`).toBeDefined();
    const broken = known.seenOn.filter((l) => brokenLayers.has(l));
    if (broken.length === known.seenOn.length && broken.length > 0) {
      // Nothing that held it can be read: nothing is known ("cannot tell", or "copies not known"
      // where a layer that was read could hold it too but does not).
      expect([a!.id, a!.health]).toEqual([known.id, 'unknown']);
      expect(a!.reasons.join(' ')).toMatch(/(cannot tell: layers? |copies not known: ).* could not be read/);
    } else if (broken.length > 0) {
      // What was read may prove its tier met (OK); short of that it is UNKNOWN, never a verdict.
      expect([known.id, 'ok', 'unknown']).toContain(a!.health);
      if (a!.health === 'unknown') expect(a!.reasons.join(' ')).toMatch(/could not be read/);
    } else {
      expect([a!.id, a!.health]).toEqual([known.id, 'ok']);
    }
  }
  expect(report.overall).toBe('unknown');
  expect(run.code).toBe(3);
  return report;
}

/** Gives a case's state directory the healthy reading as its last one, as if `strata status` had run before the fault. */
export async function seedLastReading(config: string, stateDir: string, baseline: StatusReport): Promise<void> {
  await saveStatus(config, { report: baseline, readAtMs: Date.now() }, { STRATA_STATE_DIR: stateDir });
}

/** The healthy estate, read through the real CLI: the reading every case starts from. */
export async function healthyReading(estate: Estate): Promise<StatusReport> {
  const run = await estate.status(estate.writeInventory('healthy', estate.inventory()), { stateDir: estate.stateDir() });
  const report = expectNormalEnd(run);
  const unhealthy = [...report.hosts, ...report.layers, ...report.assets].filter((x) => x.health !== 'ok');
  expect(unhealthy.map((x) => [('id' in x ? x.id : x.name), x.reasons])).toEqual([]);
  expect(run.code).toBe(0);
  return report;
}
