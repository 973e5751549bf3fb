import { describe, expect, it } from 'vitest';
import { lastVerified, newestVerifications, type JournalEntry } from '../../../src/services/journal/index.js';

let n = 0;
const end = (at: string, layerId: string, extra: Partial<Extract<JournalEntry, { type: 'action-end' }>> & { assetId?: string; kind?: 'run' | 'verify' } = {}): JournalEntry => {
  const { assetId, kind, ...rest } = extra;
  return {
    v: 1,
    type: 'action-end',
    at,
    operator: 'alice',
    actionId: `a${++n}`,
    title: 't',
    request: { kind: kind ?? 'verify', layerId, ...(assetId ? { assetId } : {}) },
    state: 'ok',
    exitCode: 0,
    summary: `s${n}`,
    verified: 'ok',
    durationMs: 1,
    ...rest,
  };
};

describe('newestVerifications', () => {
  const entries: JournalEntry[] = [
    end('2026-01-10T00:00:00Z', 'pbs-local'),
    end('2026-01-20T00:00:00Z', 'pbs-local'),
    end('2026-01-25T00:00:00Z', 'pbs-local', { state: 'failed', verified: 'failed' }),
    end('2026-01-26T00:00:00Z', 'pbs-local', { verified: undefined, state: 'cancelled' }),
    end('2026-01-15T00:00:00Z', 'pve1-dump', { assetId: 'vm/100' }),
    end('2026-01-12T00:00:00Z', 'pve1-dump', { assetId: 'vm/101' }),
    end('2026-01-30T00:00:00Z', 'nas-snap', { provenAt: '2026-01-02T00:00:00Z' }),
    { v: 1, type: 'command', at: '2026-01-31T00:00:00Z', operator: 'a', host: 'h', command: 'c', exitCode: 0, durationMs: 1 },
  ];

  it('keeps the newest successful verify per layer and asset, never a failed or cancelled one', () => {
    const recs = newestVerifications(entries);
    expect(recs.map((r) => [r.layerId, r.assetId, new Date(r.atSec * 1000).toISOString().slice(0, 10)])).toEqual([
      ['pbs-local', null, '2026-01-20'],
      ['pve1-dump', 'vm/100', '2026-01-15'],
      ['pve1-dump', 'vm/101', '2026-01-12'],
      ['nas-snap', null, '2026-01-02'],
    ]);
  });

  it('dates a verify by the evidence it read (a scrub), not by when it was read', () => {
    expect(lastVerified(newestVerifications(entries), 'nas-snap')?.atSec).toBe(Date.parse('2026-01-02T00:00:00Z') / 1000);
  });

  it('answers for an asset with its own verify or a verify of the whole layer, whichever is newer', () => {
    const recs = newestVerifications([...entries, end('2026-01-13T00:00:00Z', 'pve1-dump')]);
    expect(lastVerified(recs, 'pve1-dump', 'vm/100')?.summary).toBe('s5');
    expect(lastVerified(recs, 'pve1-dump', 'vm/101')?.atSec).toBe(Date.parse('2026-01-13T00:00:00Z') / 1000);
    expect(lastVerified(recs, 'pbs-local', 'vm/100')?.layerId).toBe('pbs-local');
    expect(lastVerified(recs, 'nothing')).toBeUndefined();
  });
});
