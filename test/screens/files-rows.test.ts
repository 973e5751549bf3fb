/** What the file wizard's progress and thaw views say, from the engine's events (pure rows). */
import { describe, expect, it } from 'vitest';
import { LineBuffer, type FileRestorePlan, type FilesRun } from '../../src/store/index.js';
import { filesProgress, thawLines } from '../../screens/files/rows.js';

const run = (progress: FilesRun['progress']): FilesRun => ({
  startedAtMs: 0,
  step: { index: 0, of: 2, description: 'restic restore' },
  progress,
  elapsedMs: 0,
  etaSeconds: null,
  checks: [],
  cleanup: [],
  result: null,
  refused: null,
  cancelling: false,
  askingCancel: false,
  log: new LineBuffer(10),
  revision: 0,
});
const plan = { target: { host: 'docker1', path: '/restore/a1', overwrites: false } } as unknown as FileRestorePlan;

describe('progress of a file restore', () => {
  it('a percent where restic --json gives one: the bar and the bytes read', () => {
    const p = filesProgress(run({ step: 0, format: 'restic', percent: 42.5, scope: 'whole', disksDone: 0, bytesRead: 3 * 1024 ** 2, totalBytes: 8 * 1024 ** 2 }), plan, 75_000);
    expect(p.percent).toBe(42.5);
    expect(p.lines).toEqual(['Step 1 of 2: restic restore', 'Elapsed 1m 15s', 'Read 3.0 MiB of 8.0 MiB']);
  });

  it('no percent (restic 0.14, pxar, cp, rclone): elapsed time and the bytes measured under the target, no bar', () => {
    const p = filesProgress(run({ step: 0, format: 'files', percent: null, scope: 'none', disksDone: 0, bytesRead: 5 * 1024 ** 3 }), plan, 9_000);
    expect(p.percent).toBeNull();
    expect(p.lines).toEqual(['Step 1 of 2: restic restore', 'Elapsed 9s', 'Written 5.0 GiB under /restore/a1 · the tool gives no percent here: elapsed time and bytes only']);
  });
});

describe('a thaw being waited for', () => {
  it('counts thawed, thawing, not requested and failed, and says whether Enter copies now', () => {
    const t = { id: 'thaw-1', counts: { thawed: 3, thawing: 5, notRequested: 1, failed: 1 }, ready: false, readBy: 'copy-attempt' as const, requestedAtSec: 1_764_000_000, wait: '3-5 hours', detail: '' };
    const lines = thawLines(t);
    expect(lines[0]).toBe('Thawed 3 of 10 · thawing 5 · not requested 1 · FAILED 1');
    expect(lines[1]).toContain('expected wait 3-5 hours · read by a copy attempt (rclone before 1.64)');
    expect(lines.at(-1)).toContain('r reads the state again; q leaves');
    expect(thawLines({ ...t, ready: true, counts: { thawed: 10, thawing: 0, notRequested: 0, failed: 0 } }).at(-1)).toBe('Every object is thawed: Enter copies them back and checks them.');
  });
});
