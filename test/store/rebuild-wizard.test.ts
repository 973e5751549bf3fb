import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/store/line-buffer.js';
import { guestCounts, previousPhase, stepKindOf, stepLabel, type RebuildPhase, type RebuildWizard } from '../../src/store/rebuild-wizard.js';
import type { GuestRun } from '../../src/services/dr/api.js';

const wizard = (phase: RebuildPhase): RebuildWizard => ({
  state: null,
  opening: { state: 'ready', value: 'started' },
  stepId: 'node',
  phase,
  hostKey: null,
  progress: {},
  refused: null,
  report: null,
  log: new LineBuffer(10),
  revision: 0,
  showLog: false,
});

const guest = (assetId: string, state: GuestRun['state']): GuestRun => ({ assetId, vmid: 100, type: 'qemu', sourceId: null, pointTimeSec: null, state, detail: '', storage: 'local-lvm', attempts: 1 });

describe('the rebuild wizard as data', () => {
  it('knows every engine step by its id, tiers by their prefix, and nothing else', () => {
    expect(['node', 'identity', 'network', 'host-config', 'storage', 'chains', 'tier:tier0', 'report'].map(stepKindOf)).toEqual(['node', 'identity', 'network', 'host-config', 'storage', 'chains', 'tier', 'report']);
    expect(stepKindOf('reboot')).toBeNull();
    expect(stepLabel('tier:databases')).toBe('Tier databases');
    expect(stepLabel('host-config')).toBe('Host config');
  });

  it('Esc: from the typed fingerprint back to the step, from a step out of the wizard, during a run a question', () => {
    expect(previousPhase(wizard({ kind: 'trust', typed: 'SHA256:x', rejected: false }))).toEqual({ kind: 'review', scroll: 0 });
    expect(previousPhase(wizard({ kind: 'review', scroll: 3 }))).toBe('leave');
    expect(previousPhase(wizard({ kind: 'checking' }))).toBe('leave');
    expect(previousPhase(wizard({ kind: 'outcome', scroll: 0 }))).toBe('leave');
    expect(previousPhase(wizard({ kind: 'running', askingCancel: false, cancelling: false, scroll: 0 }))).toBe('ask');
  });

  it('sums a tier up: up counts what is checked or already there, failures in capitals', () => {
    expect(guestCounts([guest('vm/100', 'checked'), guest('vm/101', 'already-there'), guest('ct/102', 'restoring'), guest('vm/103', 'pending')])).toBe('2 of 4 up · 1 restoring');
    expect(guestCounts([guest('vm/100', 'check-failed'), guest('vm/101', 'no-source')])).toBe('0 of 2 up · 2 FAILED');
  });
});
