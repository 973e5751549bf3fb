/** Restore time: measured beats size, said as an estimate; a snapshot takes seconds; the ETA from a percent. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THROUGHPUT_BYTES_PER_SEC, estimateRestore, etaSeconds } from '../../../src/domain/restore/estimate.js';

const GiB = 2 ** 30;

describe('estimateRestore', () => {
  it('uses the newest measurement from the same layer, naming the drill it came from', () => {
    const e = estimateRestore({ method: 'restore', layerId: 'pbs-local', sizeBytes: 32 * GiB, measured: [{ seconds: 400, atSec: 1_700_000_000, kind: 'drill', layerId: 'pbs-local' }, { seconds: 240, atSec: 1_700_100_000, kind: 'drill', layerId: 'pbs-local' }, { seconds: 50, atSec: 1_700_200_000, kind: 'restore', layerId: 'pve1-dump' }] });
    expect(e).toMatchObject({ seconds: 240, basis: 'measured' });
    expect(e.text).toContain('measured by the drill of 2023-11-16');
  });

  it('falls back to another layer’s measurement, saying which', () => {
    expect(estimateRestore({ method: 'restore', layerId: 'pbs-remote', measured: [{ seconds: 90, atSec: 1_700_000_000, kind: 'restore', layerId: 'pbs-local' }] }).text).toContain('from pbs-local');
  });

  it('without a measurement, divides the size by the default throughput and says it is an estimate', () => {
    const e = estimateRestore({ method: 'restore', layerId: 'x', sizeBytes: 60 * DEFAULT_THROUGHPUT_BYTES_PER_SEC, measured: [] });
    expect(e).toMatchObject({ seconds: 60, basis: 'size' });
    expect(e.text).toMatch(/^about 1 min \(estimate from .* at 100\.0 MiB\/s\)$/);
  });

  it('with neither, says it does not know', () => {
    expect(estimateRestore({ method: 'restore', layerId: 'x', measured: [] })).toMatchObject({ seconds: null, basis: 'unknown' });
  });

  it('a rollback takes seconds whatever the size', () => {
    expect(estimateRestore({ method: 'rollback', layerId: 'snap', sizeBytes: 500 * GiB, measured: [] })).toMatchObject({ basis: 'snapshot', seconds: 10 });
  });
});

describe('etaSeconds', () => {
  it('is linear in a whole-archive percent', () => {
    expect(etaSeconds({ percent: 25, elapsedMs: 60_000 })).toBe(180);
  });
  it('counts the disks done for a per-disk percent', () => {
    // Disk 2 of 2 at 50 %: three quarters done in 90 s.
    expect(etaSeconds({ percent: 50, elapsedMs: 90_000, disk: { index: 2, count: 2 } })).toBe(30);
  });
  it('is unknown without a percent or a disk count', () => {
    expect(etaSeconds({ percent: null, elapsedMs: 5000 })).toBeNull();
    expect(etaSeconds({ percent: 10, elapsedMs: 5000, disk: { index: 1 } })).toBeNull();
  });
});
