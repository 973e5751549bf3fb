/**
 * The guest restore steps judged on recorded output: a refusal is a refusal
 * (nothing to clean up) with the tool's words and what to do; a failed
 * --force says what it left; a restore reports its progress; the NIC read of
 * a drill yields one link_down step per NIC still linked, keeping its value.
 */
import { describe, expect, it } from 'vitest';
import type { StepOutput } from '../../../src/kinds/action-types.js';
import { readerFor } from '../../../src/kinds/step-readers.js';
import { judgeCheck } from '../../../src/kinds/plan-hooks.js';
import { fixture } from '../../helpers/fixtures.js';

function judge(output: StepOutput, name: string) {
  const f = fixture('pve', name);
  const reader = readerFor(output, { argv: ['qmrestore'] }, () => 0);
  const progress: unknown[] = [];
  for (const l of f.stdout.split('\n').filter((x) => x !== '')) {
    reader.line('stdout', l);
    const p = reader.progress?.();
    if (p && progress.at(-1) !== p) progress.push(p);
  }
  for (const l of f.stderr.split('\n').filter((x) => x !== '')) reader.line('stderr', l);
  return { verdict: reader.finish({ stdout: '', stderr: '', exitCode: f.exitCode, durationMs: 1 } as never), progress };
}

const restore = (overwrites: boolean): StepOutput => ({ kind: 'guest-restore', type: 'qemu', vmid: 100, overwrites, assetId: 'vm/100' });

describe('a guest restore step', () => {
  it('is ok after a whole VMA restore, with a whole-archive percent as it goes', () => {
    const { verdict, progress } = judge(restore(false), 'qmrestore-vma-two-disks');
    expect(verdict).toMatchObject({ state: 'ok', summary: expect.stringContaining('VM 100 restored') });
    expect(progress.at(-1)).toMatchObject({ format: 'vma', scope: 'whole', percent: 100 });
  });

  it('reports a PBS restore per disk, the percent restarting', () => {
    const { progress } = judge(restore(false), 'qmrestore-pbs-two-disks');
    const disks = (progress as { disk?: { index: number } }[]).map((p) => p.disk?.index).filter((i) => i !== undefined);
    expect(new Set(disks)).toEqual(new Set([1, 2]));
    expect(progress).toContainEqual(expect.objectContaining({ scope: 'disk', percent: 1, disk: expect.objectContaining({ index: 2 }) }));
  });

  it('has no percent for a container, only bytes', () => {
    const { verdict, progress } = judge({ kind: 'guest-restore', type: 'lxc', vmid: 101, overwrites: false, assetId: 'ct/101' }, 'pct-restore-tar-normal');
    expect(verdict.state).toBe('ok');
    expect(progress.every((p) => (p as { percent: unknown }).percent === null)).toBe(true);
  });

  it('is a refusal when the guest runs: the tool’s words, what to do, and nothing to clean up', () => {
    const { verdict } = judge(restore(true), 'qmrestore-running');
    expect(verdict).toMatchObject({ state: 'failed', refused: true });
    expect(verdict.summary).toContain('unable to restore VM 100 - vm is running');
    expect(verdict.summary).toContain('stop it first (qm stop 100)');
  });

  it('reads protection and locks as refusals too', () => {
    expect(judge(restore(true), 'qmrestore-protected').verdict).toMatchObject({ refused: true, summary: expect.stringContaining('--protection 0') });
    expect(judge(restore(true), 'qmrestore-locked').verdict).toMatchObject({ refused: true, summary: expect.stringContaining('is locked') });
  });

  it('a failed --force says that a stub config is left and what to do', () => {
    const { verdict } = judge(restore(true), 'qmrestore-pbs-force-corrupt');
    expect(verdict).toMatchObject({ state: 'failed' });
    expect(verdict.refused).toBeUndefined();
    expect(verdict.leftover).toMatch(/VM 100 is now a stub config .*freed the disks .*strata restore --asset vm\/100 --to original/);
  });
});

describe('the NIC read of a drill', () => {
  it('yields one link_down step per NIC still linked, every other property kept', () => {
    const f = fixture('pve', 'guest-config-qemu');
    const reader = readerFor({ kind: 'guest-links-down', host: 'pve1', type: 'qemu', vmid: 950 }, { argv: ['pvesh'] }, () => 0);
    for (const l of f.stdout.split('\n')) reader.line('stdout', l);
    const v = reader.finish({ stdout: '', stderr: '', exitCode: 0, durationMs: 1 } as never);
    expect(v.state).toBe('ok');
    expect(v.followUp?.map((s) => s.command.argv)).toEqual([['qm', 'set', '950', '--net0', 'virtio=BC:24:11:01:7A:01,bridge=vmbr0,firewall=1,link_down=1']]);
    expect(v.summary).toContain('1 already down');
  });
});

describe('checks after a restore', () => {
  const agent = (name: string) => {
    const f = fixture('pve', name);
    return judgeCheck({ kind: 'agent-ping' }, f.stdout, f.stderr, f.exitCode);
  };
  it('the agent check passes only when the agent answers; a guest without one is not run, never passed', () => {
    expect(agent('agent-ping-ok')).toMatchObject({ state: 'passed' });
    expect(agent('agent-ping-not-configured')).toMatchObject({ state: 'not-run', detail: 'No QEMU guest agent configured' });
    expect(agent('agent-ping-vm-stopped')).toMatchObject({ state: 'not-run' });
    expect(agent('agent-ping-agent-not-running')).toMatchObject({ state: 'failed', again: true });
  });

  it('the disk check fails on a stub and on a missing guest, and names missing disks', () => {
    const stub = fixture('pve', 'guest-config-stub');
    expect(judgeCheck({ kind: 'guest-disks', expect: [] }, stub.stdout, '', 0)).toMatchObject({ state: 'failed', detail: 'the guest has no disk' });
    const missing = fixture('pve', 'guest-config-missing');
    expect(judgeCheck({ kind: 'guest-disks', expect: ['scsi0'] }, missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ state: 'failed', detail: 'the guest does not exist' });
    const vm = fixture('pve', 'guest-config-qemu');
    expect(judgeCheck({ kind: 'guest-disks', expect: ['scsi0', 'scsi7'] }, vm.stdout, '', 0)).toMatchObject({ state: 'failed', detail: expect.stringContaining('missing disk scsi7') });
  });
});
