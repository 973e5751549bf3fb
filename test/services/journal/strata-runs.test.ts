import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/evaluate.js';
import { strataRuns, withStrataRuns, type JournalEntry } from '../../../src/services/journal/index.js';
import { H, NOW, hostUp, inventoryOf, layerObs, point } from '../../helpers/observations.js';

const homelab = inventoryOf(JSON.parse(readFileSync(new URL('../../../examples/homelab.json', import.meta.url), 'utf8')) as Record<string, unknown>);

let n = 0;
const end = (hoursAgo: number, layerId: string, state: 'ok' | 'warn' | 'failed' | 'cancelled', kind: 'run' | 'verify' = 'run', summary = 's'): JournalEntry => ({
  v: 1,
  type: 'action-end',
  at: new Date((NOW - hoursAgo * H) * 1000).toISOString(),
  operator: 'alice',
  actionId: `a${++n}`,
  title: 't',
  request: { kind, layerId },
  state,
  exitCode: state === 'ok' ? 0 : 1,
  summary,
  durationMs: 60_000,
});

function layerHealth(entries: JournalEntry[], points: number[]) {
  const layers = homelab.layers.map((l) => layerObs(l.id, l.id === 'restic-usb' ? points.map((h) => point('restic-usb', 'files/docker1:/srv/app', h)) : []));
  const report = evaluate(homelab, { hosts: homelab.hosts.map((h) => hostUp(h.name)), layers: withStrataRuns(layers, strataRuns(entries)) }, NOW);
  return report.layers.find((l) => l.id === 'restic-usb')!;
}

describe("Strata's own runs from the journal, judged like a host's jobs", () => {
  it('a restic backup Strata ran that failed makes the layer critical, with its summary', () => {
    const l = layerHealth([end(1, 'restic-usb', 'failed', 'run', 'restic backup: Fatal: unable to save snapshot')], [3]);
    expect(l.health).toBe('crit');
    expect(l.reasons.join(' ')).toMatch(/last strata run job .* failed: restic backup: Fatal: unable to save snapshot/);
  });

  it('a backup that ended with warnings (restic exit 3) makes it warn', () => {
    expect(layerHealth([end(1, 'restic-usb', 'warn', 'run', 'restic backup: 2 files could not be read')], [1]).health).toBe('warn');
  });

  it('a failed run is history once the layer holds a newer point (the job succeeded since)', () => {
    expect(layerHealth([end(5, 'restic-usb', 'failed')], [2]).health).toBe('ok');
  });

  it('a failed verify is critical until a later verify succeeds', () => {
    expect(layerHealth([end(3, 'restic-usb', 'failed', 'verify', 'restic check: repository contains errors')], [1]).health).toBe('crit');
    expect(layerHealth([end(3, 'restic-usb', 'failed', 'verify'), end(1, 'restic-usb', 'ok', 'verify')], [1]).health).toBe('ok');
  });

  it('a cancelled action proves nothing either way', () => {
    expect(strataRuns([end(1, 'restic-usb', 'cancelled')])).toEqual([]);
  });
});
