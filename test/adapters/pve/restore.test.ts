/**
 * The PVE restore adapter on recorded outputs (test/fixtures/pve/qmrestore-*,
 * pct-restore-*, rollback-*, ...). No PVE host is at hand here: these outputs
 * are reconstructed line by line from qemu-server 9.2, pve-container,
 * pve-guest-common, pve-storage and pve-common sources and the literal
 * examples of reference/restore-formats.md.
 */
import { describe, expect, it } from 'vitest';
import {
  agentPingCommand,
  cloneCommand,
  destroyCommand,
  guestConfigCommand,
  rollbackCommand,
  setLinkDownCommand,
  startCommand,
  statusCommand,
  taskLogCommand,
  taskStatusCommand,
  withLinkDown,
} from '../../../src/adapters/pve/guest-commands.js';
import {
  diskSizeBytes,
  parseAgentPing,
  parseGuestConfig,
  parseGuestStatus,
  parseGuestTask,
  parseNextId,
  parseTaskLogWithEnd,
  parseTaskStatus,
  taskLogEnd,
} from '../../../src/adapters/pve/guest-parse.js';
import { classifyRefusal } from '../../../src/adapters/pve/refusals.js';
import { nextIdCommand, pctRestoreCommand, qmrestoreCommand } from '../../../src/adapters/pve/restore.js';
import { restoreFold, type RestoreProgress, type RestoreResult } from '../../../src/adapters/pve/restore-progress.js';
import { foldOutput } from '../../../src/adapters/shared/line-fold.js';
import { fixture } from '../../helpers/fixtures.js';

function restored(name: string): RestoreResult {
  const f = fixture('pve', name);
  const r = foldOutput(restoreFold(), f.stdout, f.stderr, f.exitCode);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

/** Streams a fixture's stdout line by line and keeps every progress the fold showed. */
function progressOf(name: string): RestoreProgress[] {
  const f = fixture('pve', name);
  const fold = restoreFold();
  const seen: RestoreProgress[] = [];
  for (const l of f.stdout.split('\n')) {
    const before = fold.progress;
    fold.line('stdout', l);
    if (fold.progress !== before) seen.push(fold.progress);
  }
  return seen;
}

describe('restore command builders', () => {
  it('qmrestore and pct restore carry the archive, the id and only the options asked for', () => {
    expect(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950, storage: 'local-lvm', unique: true, start: true }).argv).toEqual(['qmrestore', 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', '950', '--storage', 'local-lvm', '--unique', '1', '--start', '1']);
    expect(qmrestoreCommand({ archive: '/mnt/backup/dump/vzdump-qemu-100-2026_01_30-01_00_02.vma.zst', vmid: 100, force: true }).argv).toEqual(['qmrestore', '/mnt/backup/dump/vzdump-qemu-100-2026_01_30-01_00_02.vma.zst', '100', '--force', '1']);
    expect(qmrestoreCommand({ archive: 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', vmid: 950, liveRestore: true, force: false }).argv).toEqual(['qmrestore', 'pbs1:backup/vm/100/2026-01-30T02:00:03Z', '950', '--live-restore', '1']);
    expect(pctRestoreCommand({ vmid: 960, archive: 'local-backup:backup/vzdump-lxc-103-2026_01_30-01_05_10.tar.zst', storage: 'local-zfs', unprivileged: true }).argv).toEqual(['pct', 'restore', '960', 'local-backup:backup/vzdump-lxc-103-2026_01_30-01_05_10.tar.zst', '--storage', 'local-zfs', '--unprivileged', '1']);
    expect(nextIdCommand().argv).toEqual(['pvesh', 'get', '/cluster/nextid', '--output-format', 'json']);
    expect(nextIdCommand(950).argv).toEqual(['pvesh', 'get', '/cluster/nextid', '--vmid', '950', '--output-format', 'json']);
  });

  it('refuse values no PVE command could carry', () => {
    for (const bad of ['', '-', '--force', 'a b', 'pbs1:backup/x\n', 'relative/path.vma', `/${'x'.repeat(300)}`]) expect(() => qmrestoreCommand({ archive: bad, vmid: 950 })).toThrow(TypeError);
    for (const id of [0, 99, 1.5, 1_000_000_000, Number.NaN]) expect(() => qmrestoreCommand({ archive: '/a.vma', vmid: id })).toThrow(TypeError);
    expect(() => pctRestoreCommand({ vmid: 960, archive: '/a.tar', storage: 'bad storage' })).toThrow(TypeError);
    expect(() => nextIdCommand(5)).toThrow(TypeError);
  });
});

describe('guest command builders', () => {
  it('rollback, clone, start, status, ping, destroy', () => {
    expect(rollbackCommand('qemu', 104, 'before_upgrade', { start: true }).argv).toEqual(['qm', 'rollback', '104', 'before_upgrade', '--start', '1']);
    expect(rollbackCommand('lxc', 102, 'autodaily_2026_01_30').argv).toEqual(['pct', 'rollback', '102', 'autodaily_2026_01_30']);
    expect(cloneCommand('qemu', 104, 970, { snapshot: 'before_upgrade', name: 'monitor01-restore', full: true }).argv).toEqual(['qm', 'clone', '104', '970', '--snapname', 'before_upgrade', '--name', 'monitor01-restore', '--full', '1']);
    expect(cloneCommand('lxc', 105, 971, { snapshot: 'nextcloud_29', name: 'nextcloud-restore', storage: 'local-lvm' }).argv).toEqual(['pct', 'clone', '105', '971', '--snapname', 'nextcloud_29', '--hostname', 'nextcloud-restore', '--storage', 'local-lvm']);
    expect(startCommand('qemu', 950).argv).toEqual(['qm', 'start', '950']);
    expect(statusCommand('lxc', 960).argv).toEqual(['pct', 'status', '960']);
    expect(agentPingCommand(950).argv).toEqual(['qm', 'guest', 'cmd', '950', 'ping']);
    expect(destroyCommand('qemu', 950, { purge: true }).argv).toEqual(['qm', 'destroy', '950', '--purge', '1']);
    expect(destroyCommand('lxc', 960).argv).toEqual(['pct', 'destroy', '960']);
    expect(guestConfigCommand('pve1', 'lxc', 102).argv).toEqual(['pvesh', 'get', '/nodes/pve1/lxc/102/config', '--output-format', 'json']);
  });

  it('cut a NIC off by setting link_down=1 and keeping the rest of its value', () => {
    expect(withLinkDown('virtio=BC:24:11:00:7A:01,bridge=vmbr0,firewall=1')).toBe('virtio=BC:24:11:00:7A:01,bridge=vmbr0,firewall=1,link_down=1');
    expect(withLinkDown('virtio=BC:24:11:00:7A:01,link_down=0,bridge=vmbr0,tag=30')).toBe('virtio=BC:24:11:00:7A:01,bridge=vmbr0,tag=30,link_down=1');
    expect(setLinkDownCommand('qemu', 100, 0, 'virtio=BC:24:11:00:7A:01,bridge=vmbr0').argv).toEqual(['qm', 'set', '100', '--net0', 'virtio=BC:24:11:00:7A:01,bridge=vmbr0,link_down=1']);
    expect(() => setLinkDownCommand('qemu', 100, 32, 'virtio=x')).toThrow(TypeError);
    expect(() => withLinkDown('')).toThrow(TypeError);
    expect(() => withLinkDown('virtio=x,bridge=vmbr0\n--delete net0')).toThrow(TypeError);
  });

  it('tasks: status and a log window with an explicit limit (the API gives 50 lines otherwise)', () => {
    const upid = 'UPID:pve1:002F4C1A:0A1B2C3D:697C1F40:qmrestore:951:root@pam:';
    expect(taskStatusCommand('pve1', upid).argv).toEqual(['pvesh', 'get', `/nodes/pve1/tasks/${upid}/status`, '--output-format', 'json']);
    expect(taskLogCommand('pve1', upid).argv).toEqual(['pvesh', 'get', `/nodes/pve1/tasks/${upid}/log`, '--start', '0', '--limit', '5000', '--output-format', 'json']);
    expect(() => taskStatusCommand('pve1', 'UPID:../../x')).toThrow(TypeError);
    expect(() => taskLogCommand('pve1', upid, { limit: 0 })).toThrow(TypeError);
  });

  it('refuse bad ids, names and snapshots', () => {
    expect(() => rollbackCommand('qemu', 100, 'current')).toThrow(TypeError);
    expect(() => rollbackCommand('qemu', 100, '1bad')).toThrow(TypeError);
    expect(() => cloneCommand('qemu', 100, 100)).toThrow(TypeError);
    expect(() => cloneCommand('qemu', 100, 970, { name: 'bad name' })).toThrow(TypeError);
    expect(() => startCommand('qemu', 42)).toThrow(TypeError);
  });
});

describe('restoreFold: progress as it streams', () => {
  it('VMA: one stream over all disks, a line per whole percent, bytes and the size of every device', () => {
    const seen = progressOf('qmrestore-vma-two-disks');
    const percents = seen.map((p) => p.percent).filter((p, i, all) => p !== undefined && p !== all[i - 1]);
    expect(percents).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(seen.at(-1)).toMatchObject({ format: 'vma', totalBytes: 34359738368 + 107374182400, bytesRead: 34359738368 + 107374182400 });
    const r = restored('qmrestore-vma-two-disks');
    expect(r).toMatchObject({ outcome: 'restored', format: 'vma', volumes: ['local-lvm:vm-950-disk-0', 'local-lvm:vm-950-disk-1'], leftover: 'none', interrupted: false });
  });

  it('PBS: progress restarts at 1 % for each disk; disks seen, bytes read and zeroes add up', () => {
    const seen = progressOf('qmrestore-pbs-two-disks');
    const second = seen.findIndex((p) => p.disk?.index === 2);
    expect(second).toBeGreaterThan(0);
    expect(seen[second - 1]).toMatchObject({ percent: 100, disksDone: 1 });
    expect(seen[second]!.percent).toBeUndefined();
    expect(seen[second]!.disk).toEqual({ index: 2, name: 'drive-scsi1', count: 2 });
    expect(seen[second + 1]).toMatchObject({ percent: 1, disk: { index: 2 } });
    expect(seen.at(-1)).toMatchObject({ format: 'pbs', disksDone: 2, bytesRead: 34359738368 + 107374182400 });
    const r = restored('qmrestore-pbs-two-disks');
    expect(r.disks.map((d) => [d.name, d.complete, d.bytesRead])).toEqual([['drive-scsi0', true, 34359738368], ['drive-scsi1', true, 107374182400]]);
    expect(r.disks[0]!.zeroBytes).toBe(Math.floor(34359738368 * 0.61));
  });

  it('containers: no percentage ever, bytes from tar --totals', () => {
    const seen = progressOf('pct-restore-tar-normal');
    expect(seen.every((p) => p.percent === undefined)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ format: 'ct', bytesRead: 1181116006 });
    expect(restored('pct-restore-tar-normal')).toMatchObject({ outcome: 'restored', format: 'ct', bytesRead: 1181116006 });
    expect(restored('pct-restore-pbs-normal')).toMatchObject({ outcome: 'restored', format: 'ct', bytesRead: 0 });
  });

  it('--start and warnings are reported', () => {
    expect(restored('qmrestore-pbs-start')).toMatchObject({ outcome: 'restored', startRequested: true, warningCount: 1 });
  });
});

describe('restoreFold: how a restore ends when it does not succeed', () => {
  it('a --force restore that fails mid-disk leaves a stub config, its new volumes freed', () => {
    const r = restored('qmrestore-pbs-force-corrupt');
    expect(r).toMatchObject({ outcome: 'failed', leftover: 'stub-config', removedVolumes: ['local-lvm:vm-100-disk-0'], interrupted: false });
    expect(r.error).toMatch(/^command '\/usr\/bin\/pbs-restore .*' failed: exit code 255$/);
    expect(r.detail).toMatch(/^restore failed: can't verify chunk/);
    expect(r.refusal).toBeUndefined();
    expect(r.disks).toEqual([expect.objectContaining({ name: 'drive-scsi0', complete: false, bytesRead: 687865856 })]);
  });

  it('a signal ends the restore; the clean-up ignores the next one', () => {
    expect(restored('qmrestore-pbs-interrupted')).toMatchObject({ outcome: 'failed', interrupted: true, ignoredInterrupts: 1, leftover: 'stub-config', error: 'interrupted by signal' });
  });

  it('refusals before anything changed are typed, with the tool own words', () => {
    const cases: [string, object][] = [
      ['qmrestore-exists', { kind: 'vmid-exists', vmid: 100, node: 'pve1' }],
      ['qmrestore-running', { kind: 'running' }],
      ['qmrestore-protected', { kind: 'protected' }],
      ['qmrestore-locked', { kind: 'locked', lock: 'backup' }],
      ['qmrestore-no-quorum', { kind: 'no-quorum' }],
      ['qmrestore-unknown-option', { kind: 'unknown-option', option: 'forse' }],
      ['pct-restore-exists', { kind: 'vmid-exists', vmid: 103, node: 'pve1' }],
      ['pct-restore-running', { kind: 'running' }],
    ];
    for (const [name, reason] of cases) {
      const r = restored(name);
      expect(r.outcome, name).toBe('refused');
      expect(r.leftover, name).toBe('none');
      expect(r.refusal?.reason, name).toEqual(reason);
      expect(fixture('pve', name).stderr, name).toContain(r.refusal!.message);
    }
  });

  it('a refusal inside the task after the config was created still leaves it: failed, not refused', () => {
    expect(restored('qmrestore-storage-missing')).toMatchObject({ outcome: 'failed', leftover: 'stub-config', refusal: { reason: { kind: 'storage-missing', storage: 'nope' } } });
    expect(restored('qmrestore-content-type')).toMatchObject({ refusal: { reason: { kind: 'content-type-unavailable', content: 'images', storage: 'local-backup' } } });
    expect(restored('qmrestore-live-restore-vma')).toMatchObject({ refusal: { reason: { kind: 'live-restore-pbs-only' } } });
    expect(restored('qmrestore-pbs-unreachable')).toMatchObject({ outcome: 'failed', refusal: { reason: { kind: 'storage-unreachable' } }, detail: expect.stringMatching(/^Error: error trying to connect/) });
    expect(restored('qmrestore-vma-corrupt-header')).toMatchObject({ outcome: 'failed', leftover: 'stub-config', error: 'got timeout reading VMA header - corrupted?' });
  });

  it('a container that fails after its volumes were made is removed', () => {
    const r = restored('pct-restore-pbs-failed');
    expect(r).toMatchObject({ outcome: 'failed', format: 'ct', leftover: 'guest-removed' });
    expect(r.error).toMatch(/^unable to restore CT 962 - command 'lxc-usernsexec/);
  });

  it('exit 0 without a sign of a restore is a parse error, never a restore', () => {
    for (const text of ['', 'hello\n', '<html>502 Bad Gateway</html>\n']) expect(foldOutput(restoreFold(), text, '', 0).ok).toBe(false);
    expect(foldOutput(restoreFold(), '', 'sh: 1: qmrestore: not found\n', 127)).toMatchObject({ ok: false, error: { message: expect.stringContaining('command not found') } });
  });
});

describe('classifyRefusal', () => {
  it('reads every refusal of restore-formats §1 and §2.2 from the recorded outputs', () => {
    const cases: [string, object][] = [
      ['rollback-not-newest-zfs', { kind: 'snapshot-not-newest', snapshot: 'autodaily_2026_01_28', volume: 'local-zfs:subvol-102-disk-0' }],
      ['rollback-missing-snapshot', { kind: 'snapshot-missing', snapshot: 'nope' }],
      ['rollback-incomplete', { kind: 'snapshot-incomplete', snapstate: 'delete' }],
      ['rollback-locked', { kind: 'locked', lock: 'backup' }],
      ['rollback-lock-timeout', { kind: 'lock-timeout' }],
      ['clone-snapshot-zfs-refused', { kind: 'clone-unsupported', mode: 'full', volume: 'local-zfs:vm-120-disk-0' }],
      ['qm-start-running', { kind: 'running' }],
      ['qm-destroy-running', { kind: 'running' }],
      ['qm-destroy-protected', { kind: 'protected' }],
      ['pct-destroy-running', { kind: 'running' }],
      ['qm-status-missing', { kind: 'guest-missing' }],
      ['nextid-vmid-taken', { kind: 'invalid-parameter', parameter: 'vmid', problem: 'VM 100 already exists' }],
    ];
    for (const [name, reason] of cases) expect(classifyRefusal(fixture('pve', name).stderr)?.reason, name).toEqual(reason);
    expect(classifyRefusal('something else went wrong')).toBeUndefined();
    expect(classifyRefusal("can't rollback, snapshot 'x' does not exist on 'local-zfs:vm-1-disk-0'")?.reason).toEqual({ kind: 'snapshot-missing', snapshot: 'x' });
  });
});

describe('guest readers', () => {
  it('nextid as a number or a string; a taken id names itself', () => {
    expect(parseNextId(fixture('pve', 'nextid-normal').stdout, '', 0)).toEqual({ ok: true, value: 106 });
    expect(parseNextId(fixture('pve', 'nextid-vmid-free').stdout, '', 0)).toEqual({ ok: true, value: 950 });
    const taken = fixture('pve', 'nextid-vmid-taken');
    expect(parseNextId(taken.stdout, taken.stderr, taken.exitCode)).toMatchObject({ ok: false, error: { message: 'pvesh /cluster/nextid exited with 255: vmid: VM 100 already exists' } });
    const none = fixture('pve', 'nextid-none-free');
    expect(parseNextId(none.stdout, none.stderr, none.exitCode)).toMatchObject({ ok: false, error: { message: expect.stringContaining('unable to get any free VMID') } });
    expect(parseNextId('"abc"', '', 0).ok).toBe(false);
    expect(parseNextId('42', '', 0).ok).toBe(false);
  });

  it('a VM config: NICs with MAC, bridge and link state, disks with sizes (no CD-ROM), lock, protection, agent', () => {
    const r = parseGuestConfig(fixture('pve', 'guest-config-qemu').stdout, '', 0);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ name: 'mail01', protection: true, agent: true, template: false, parent: 'autodaily_2026_01_30', memoryMiB: 4096 });
    expect(r.value.lock).toBeUndefined();
    expect(r.value.nets).toEqual([
      { key: 'net0', index: 0, value: 'virtio=BC:24:11:01:7A:01,bridge=vmbr0,firewall=1', model: 'virtio', mac: 'BC:24:11:01:7A:01', bridge: 'vmbr0', linkDown: false },
      { key: 'net1', index: 1, value: 'virtio=BC:24:11:01:7A:02,bridge=vmbr1,tag=30,link_down=1', model: 'virtio', mac: 'BC:24:11:01:7A:02', bridge: 'vmbr1', linkDown: true },
    ]);
    expect(r.value.disks).toEqual([
      { key: 'scsi0', volume: 'local-lvm:vm-101-disk-0', storage: 'local-lvm', sizeBytes: 64 * 2 ** 30, unused: false },
      { key: 'scsi1', volume: 'local-lvm:vm-101-disk-1', storage: 'local-lvm', sizeBytes: 128 * 2 ** 30, unused: false },
      { key: 'unused0', volume: 'local-lvm:vm-101-disk-2', storage: 'local-lvm', unused: true },
    ]);
  });

  it('a container config: rootfs and mount points (a bind mount has no storage), hwaddr, the backup lock', () => {
    const r = parseGuestConfig(fixture('pve', 'guest-config-lxc').stdout, '', 0);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ name: 'dns01', lock: 'backup', protection: false, agent: false, memoryMiB: 512 });
    expect(r.value.nets[0]).toMatchObject({ model: 'eth0', mac: 'BC:24:11:02:7A:01', bridge: 'vmbr0', linkDown: false });
    expect(r.value.disks.map((d) => [d.key, d.storage, d.sizeBytes])).toEqual([['mp0', 'local-zfs', 2 * 2 ** 30], ['mp1', undefined, undefined], ['rootfs', 'local-zfs', 8 * 2 ** 30]]);
  });

  it('the stub a failed restore leaves: no disks, no NICs', () => {
    expect(parseGuestConfig(fixture('pve', 'guest-config-stub').stdout, '', 0)).toMatchObject({ ok: true, value: { disks: [], nets: [], memoryMiB: 128 } });
    const missing = fixture('pve', 'guest-config-missing');
    expect(parseGuestConfig(missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(diskSizeBytes('1.5T')).toBe(1.5 * 2 ** 40);
    expect(diskSizeBytes('12X')).toBeUndefined();
  });

  it('the agent answers, or says why not in its own words', () => {
    expect(parseAgentPing('', '', 0)).toEqual({ ok: true, value: { answered: true } });
    for (const [name, reason] of [['agent-ping-agent-not-running', 'agent-not-running'], ['agent-ping-vm-stopped', 'guest-not-running'], ['agent-ping-not-configured', 'not-configured']] as const) {
      const f = fixture('pve', name);
      expect(parseAgentPing(f.stdout, f.stderr, f.exitCode)).toEqual({ ok: true, value: { answered: false, reason, message: f.stderr.trim() } });
    }
    expect(parseAgentPing('', 'ipcc_send_rec[1] failed: Connection refused\n', 255).ok).toBe(false);
  });

  it('guest status', () => {
    expect(parseGuestStatus(fixture('pve', 'pct-status-running').stdout, '', 0)).toEqual({ ok: true, value: { status: 'running' } });
    expect(parseGuestStatus(fixture('pve', 'qm-status-stopped').stdout, '', 0)).toEqual({ ok: true, value: { status: 'stopped' } });
    const missing = fixture('pve', 'qm-status-missing');
    expect(parseGuestStatus(missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('task status and the end of a task log', () => {
    expect(parseTaskStatus(fixture('pve', 'task-status-running').stdout, '', 0)).toMatchObject({ ok: true, value: { running: true, state: 'running', type: 'qmrestore', id: '951' } });
    expect(parseTaskStatus(fixture('pve', 'task-status-ok').stdout, '', 0)).toMatchObject({ ok: true, value: { running: false, exitStatus: 'OK', state: 'ok' } });
    expect(parseTaskStatus(fixture('pve', 'task-status-error').stdout, '', 0)).toMatchObject({ ok: true, value: { state: 'failed', exitStatus: 'unable to restore VM 100 - vm is running' } });
    expect(parseTaskStatus('{"status":"stopped"}', '', 0)).toMatchObject({ ok: true, value: { state: 'failed' } });
    const end = (name: string) => {
      const r = parseTaskLogWithEnd(fixture('pve', name).stdout, '', 0);
      if (!r.ok) throw new Error(r.error.message);
      return r.value.end;
    };
    expect(end('task-log-restore-ok')).toEqual({ state: 'ok' });
    expect(end('task-log-warnings')).toEqual({ state: 'warn', warnings: 1 });
    expect(end('task-log-rollback-error')).toEqual({ state: 'failed', error: "can't rollback, 'autodaily_2026_01_28' is not most recent snapshot on 'local-zfs:subvol-102-disk-0'" });
    expect(end('task-log-running')).toEqual({ state: 'running' });
    expect(taskLogEnd([])).toEqual({ state: 'running' });
  });

  it('a task run from the CLI: exit 0 is done; a failure keeps the tool words and the typed refusal', () => {
    const f = (name: string) => {
      const x = fixture('pve', name);
      const r = parseGuestTask(x.stdout, x.stderr, x.exitCode);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    expect(f('rollback-normal')).toEqual({ done: true, warningCount: 0, log: [] });
    expect(f('qm-set-link-down')).toMatchObject({ done: true, log: ['update VM 100: -net0 virtio=BC:24:11:00:7A:01,bridge=vmbr0,firewall=1,link_down=1'] });
    expect(f('clone-snapshot-lvmthin').log.slice(0, 2)).toEqual(['creating a clone of VM 104 with ID 970', 'create full clone of drive scsi0 (local-lvm:vm-104-disk-0)']);
    expect(f('qm-set-locked')).toMatchObject({ done: false, error: 'VM is locked (backup)', refusal: { reason: { kind: 'locked', lock: 'backup' } } });
    expect(f('rollback-not-newest-zfs')).toMatchObject({ done: false, refusal: { reason: { kind: 'snapshot-not-newest' } } });
    expect(parseGuestTask('', '', 127).ok).toBe(false);
  });
});
