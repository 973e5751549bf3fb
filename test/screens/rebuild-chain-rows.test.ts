/**
 * The rebuild wizard's chains step lists each chain with its seven phases
 * (chain-commands.md 1-7): the ones done, the one it stopped at (and why),
 * the ones still to do; the snapshot it restores and a restore started again.
 */
import { describe, expect, it } from 'vitest';
import { chainLines } from '../../screens/rebuild/rows.js';
import type { ChainRun } from '../../src/store/index.js';

const chain: ChainRun = {
  id: 'restic-cloud:pbs-local',
  copyLayerId: 'restic-cloud',
  copyKind: 'restic',
  words: { tool: 'restic', source: "the copy's newest snapshot of the directory", restore: 'restic restore of the directory' },
  copyHost: 'docker1',
  cold: false,
  thaw: null,
  originLayerId: 'pbs-local',
  carriedPath: '/mnt/usb/pbs',
  host: 'pbs2',
  pbsLayerId: 'pbs-remote',
  name: 'usb-restored',
  dir: '/mnt/datastore/strata-pbs-local',
  store: '/mnt/datastore/strata-pbs-local/mnt/usb/pbs',
  restoredLayerId: 'pbs-local-restored',
  snapshot: { id: 'a1b2c3d4e5f6', timeSec: Date.parse('2026-01-30T05:40:00Z') / 1000 },
  reached: 'source',
  restoreRuns: 2,
  state: 'running',
  detail: 'restoring again (the last restore did not finish) snapshot a1b2c3d4 of restic-cloud into /mnt/datastore/strata-pbs-local on pbs2',
  guests: ['vm/111'],
};

describe('chainLines', () => {
  it('marks the phases done, the one running (a restore started again says so), and those to do', () => {
    const text = chainLines([chain], 200).map((l) => l.text);
    expect(text).toEqual(
      expect.arrayContaining([
        "restic-cloud → usb-restored on pbs2 (pbs-local's datastore, for vm/111): RUNNING",
        '  ✔ 1. restic installed on the PBS host',
        "  ✔ 2. the copy's newest snapshot of the directory a1b2c3d4 of 2026-01-30 05:40Z",
        '  ⟳ 3. restic restore of the directory (started 2 times)',
        "  · 4. owned by PBS's backup user",
        '  · 7. added to the new node',
      ]),
    );
  });

  it('a blocked chain shows where it stopped and what to do, in the bad tone', () => {
    const lines = chainLines([{ ...chain, reached: null, state: 'blocked', snapshot: null, restoreRuns: 0, detail: 'restic is not installed on pbs2: apt install restic there, then resume' }], 200);
    const first = lines.find((l) => l.text.includes('1. restic'))!;
    expect([first.text, first.tone]).toEqual(['  ▲ 1. restic installed on the PBS host', 'bad']);
    expect(lines.some((l) => l.text.includes('apt install restic there') && l.tone === 'bad')).toBe(true);
  });
});
