/** Restores and drills in the journal: evidence about the workload, never a job of the layer they read. */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/services/journal/entry.js';
import { foldRestoreRun, restoreRunList, type NewestRestoreRuns } from '../../../src/services/journal/restore-runs.js';
import { strataRuns } from '../../../src/services/journal/strata-runs.js';

const end = (kind: string, at: string, o: Partial<Extract<JournalEntry, { type: 'action-end' }>> = {}): JournalEntry => ({
  v: 1,
  type: 'action-end',
  at,
  operator: 'alice',
  actionId: `${kind}-${at}`,
  title: kind,
  request: { kind: kind as 'restore', layerId: 'pbs-local', assetId: 'vm/100' },
  state: 'ok',
  exitCode: 0,
  summary: 'done',
  durationMs: 60_000,
  ...o,
});

describe('restore runs', () => {
  it('keep the newest restore and drill per workload and layer, with the measured time and whether the checks proved it', () => {
    const newest: NewestRestoreRuns = new Map();
    for (const e of [
      end('drill', '2026-01-01T00:00:00Z', { verified: 'ok', restoreSeconds: 300 }),
      end('drill', '2026-01-08T00:00:00Z', { state: 'warn', verified: 'failed', restoreSeconds: 280 }),
      end('restore', '2026-01-05T00:00:00Z', { verified: 'ok', restoreSeconds: 200 }),
      end('drill', '2026-01-09T00:00:00Z', { state: 'cancelled' }),
      end('verify', '2026-01-10T00:00:00Z', { verified: 'ok' }),
    ]) foldRestoreRun(newest, e);
    expect(restoreRunList(newest).map((r) => [r.kind, r.atSec, r.proven, r.restoreSeconds])).toEqual([
      ['drill', Date.parse('2026-01-08T00:00:00Z') / 1000, false, 280],
      ['restore', Date.parse('2026-01-05T00:00:00Z') / 1000, true, 200],
    ]);
  });

  it('are not jobs of the layer they restored from: a failed drill does not make the PBS layer critical', () => {
    expect(strataRuns([end('drill', '2026-01-08T00:00:00Z', { state: 'failed' }), end('restore', '2026-01-08T00:00:00Z', { state: 'failed' })])).toEqual([]);
    expect(strataRuns([end('verify', '2026-01-08T00:00:00Z', { state: 'failed' })])).toHaveLength(1);
  });
});
