/**
 * The lab's PVE node answers every command of a guest restore as PVE does,
 * over the lab's SSH and read with the pve adapter: qmrestore (VMA one
 * stream, PBS per disk) and pct restore (no percent), their refusals and
 * what a failed --force leaves; the restored guest in /cluster/resources and
 * on its storage; rollback (ZFS only to the newest snapshot), clone
 * --snapname, qm set --netN link_down=1, start, the guest agent, destroy,
 * nextid, status, and a task status and log for every task.
 */
import { describe, expect, it } from 'vitest';
import { cloneCommand, destroyCommand, guestConfigCommand, rollbackCommand, setLinkDownCommand, startCommand, statusCommand, agentPingCommand, taskLogCommand, taskStatusCommand } from '../../src/adapters/pve/guest-commands.js';
import { parseAgentPing, parseGuestConfig, parseGuestStatus, parseGuestTask, parseNextId, parseTaskLogWithEnd, parseTaskStatus, type GuestConfig } from '../../src/adapters/pve/guest-parse.js';
import { nextIdCommand, pctRestoreCommand, qmrestoreCommand } from '../../src/adapters/pve/restore.js';
import { restoreFold, type RestoreProgress, type RestoreResult } from '../../src/adapters/pve/restore-progress.js';
import type { Result } from '../../src/domain/types.js';
import type { Lab } from '../../src/lab/index.js';
import type { Command } from '../../src/transport/command.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const pve = () => lab.state.hosts.pve1!.pve!;
const usb = () => lab.state.hosts.pbs1!.pbs!.datastores.usb!;
const run = (cmd: Command | string[]) => runners.get('pve1').run(Array.isArray(cmd) ? { argv: cmd } : cmd);
const json = async <T>(path: string, ...args: string[]): Promise<T> => JSON.parse((await run(['pvesh', 'get', path, ...args, '--output-format', 'json'])).stdout) as T;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const newestArchive = (vmid: number) => {
  const a = pve().storages['local-backup']!.archives!.filter((x) => x.vmid === vmid).sort((x, y) => y.ctime - x.ctime)[0]!;
  return `local-backup:backup/${a.filename}`;
};
const newestPbs = (type: 'vm' | 'ct', id: number) => {
  const s = usb().snapshots.filter((x) => x.type === type && x.id === String(id) && !x.partial).sort((a, b) => b.time - a.time)[0]!;
  return { snap: s, volid: `pbs1:backup/${type}/${id}/${new Date(s.time * 1000).toISOString().replace('.000', '')}` };
};

/** Runs a restore streaming its stdout; the fold sees every line as it arrives. */
async function restore(cmd: Command): Promise<{ result: RestoreResult; lines: string[]; progress: RestoreProgress[]; times: number[]; stderr: string; exitCode: number }> {
  const fold = restoreFold();
  const lines: string[] = [];
  const progress: RestoreProgress[] = [];
  const times: number[] = [];
  const r = await runners.get('pve1').stream(cmd, {
    onStdout: (l) => {
      lines.push(l);
      times.push(Date.now());
      const before = fold.progress;
      fold.line('stdout', l);
      if (fold.progress !== before) progress.push(fold.progress);
    },
  });
  for (const l of r.stderr.split('\n')) if (l !== '') fold.line('stderr', l);
  return { result: value(fold.finish(r.exitCode)), lines, progress, times, stderr: r.stderr, exitCode: r.exitCode };
}

const config = async (type: 'qemu' | 'lxc', vmid: number): Promise<GuestConfig> => {
  const r = await run(guestConfigCommand('pve1', type, vmid));
  return value(parseGuestConfig(r.stdout, r.stderr, r.exitCode));
};
const task = async (cmd: Command) => {
  const r = await run(cmd);
  return { ...value(parseGuestTask(r.stdout, r.stderr, r.exitCode)), stderr: r.stderr, exitCode: r.exitCode };
};
const resources = () => json<{ id: string; vmid: number; name: string; status: string; node: string; lock?: string }[]>('/cluster/resources', '--type', 'vm');
const volumesOn = (storage: string) => json<{ volid: string; vmid: number }[]>(`/nodes/pve1/storage/${storage}/content`, '--content', 'images');
const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('qmrestore of a VMA archive', () => {
  it('streams one progress line per whole percent over all disks; the VM appears with its disks on the chosen storage', async () => {
    const { result, lines, times, exitCode } = await restore(qmrestoreCommand({ archive: newestArchive(101), vmid: 910, storage: 'local-zfs' }));
    expect(exitCode).toBe(0);
    const progress = lines.filter((l) => /^progress \d+% /.test(l));
    expect(progress.map((l) => Number(/^progress (\d+)%/.exec(l)![1]))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(progress.every((l) => /^progress \d+% \(read \d+ bytes, duration \d+ sec\)$/.test(l))).toBe(true);
    const first = times[lines.indexOf(progress[0]!)]!;
    const last = times[lines.indexOf(progress.at(-1)!)]!;
    // 1.5 s at time scale 1 at the least, so 75 ms here: it streams, it does not arrive in one piece.
    expect(last - first).toBeGreaterThan(40);
    expect(lines[0]).toMatch(/^restore vma archive: zstd -q -d -c \/mnt\/backup\/dump\/vzdump-qemu-101-.*\.vma\.zst \| vma extract -v -r \/var\/tmp\/vzdumptmp\d+\.fifo - \/var\/tmp\/vzdumptmp\d+$/);
    expect(lines.at(-1)).toBe('rescan volumes...');
    expect(result).toMatchObject({ outcome: 'restored', format: 'vma', volumes: ['local-zfs:vm-910-disk-0', 'local-zfs:vm-910-disk-1'] });

    expect((await resources()).find((g) => g.vmid === 910)).toMatchObject({ id: 'qemu/910', name: 'mail01', status: 'stopped', node: 'pve1' });
    expect((await json<{ vmid: number }[]>('/nodes/pve1/qemu')).some((g) => g.vmid === 910)).toBe(true);
    const c = await config('qemu', 910);
    expect(c.disks.map((d) => [d.key, d.volume, d.sizeBytes])).toEqual([['scsi0', 'local-zfs:vm-910-disk-0', 64 * 2 ** 30], ['scsi1', 'local-zfs:vm-910-disk-1', 128 * 2 ** 30]]);
    expect(c.nets[0]!.mac).toBe((await config('qemu', 101)).nets[0]!.mac);
    expect((await volumesOn('local-zfs')).filter((v) => v.vmid === 910).map((v) => v.volid)).toEqual(['local-zfs:vm-910-disk-0', 'local-zfs:vm-910-disk-1']);

    const [t] = await json<{ upid: string; status: string }[]>('/nodes/pve1/tasks', '--typefilter', 'qmrestore', '--limit', '1');
    const st = await run(taskStatusCommand('pve1', t!.upid));
    expect(value(parseTaskStatus(st.stdout, st.stderr, st.exitCode))).toMatchObject({ running: false, exitStatus: 'OK', state: 'ok', type: 'qmrestore', id: '910' });
    const log = await run(taskLogCommand('pve1', t!.upid));
    expect(value(parseTaskLogWithEnd(log.stdout, log.stderr, log.exitCode))).toEqual({ lines: [...lines, 'TASK OK'], end: { state: 'ok' } });
  });

  it('without --storage each disk goes back to the storage the backup names; pct restore defaults to local, which holds no containers', async () => {
    const { result } = await restore(qmrestoreCommand({ archive: newestPbs('vm', 120).volid, vmid: 911 }));
    expect(result.volumes).toEqual(['local-zfs:vm-911-disk-0']);
    const ct = await run(pctRestoreCommand({ vmid: 919, archive: newestArchive(103) }));
    expect(ct.exitCode).toBe(255);
    expect(ct.stderr).toMatch(/^400 Parameter verification failed\.\nstorage: storage 'local' does not support container directories\n/);
    expect(pve().guests['919']).toBeUndefined();
  });
});

describe('qmrestore of a PBS snapshot', () => {
  it('restores disk by disk, progress restarting at 1 %; --unique gives new MACs, --start starts it', async () => {
    const { result, progress, lines } = await restore(qmrestoreCommand({ archive: newestPbs('vm', 101).volid, vmid: 912, storage: 'local-lvm', unique: true, start: true }));
    expect(result).toMatchObject({ outcome: 'restored', format: 'pbs', volumes: ['local-lvm:vm-912-disk-0', 'local-lvm:vm-912-disk-1'], startRequested: true });
    expect(lines.filter((l) => l.startsWith('restore proxmox backup image: /usr/bin/pbs-restore --repository root@pam@pbs1:usb vm/101/'))).toHaveLength(2);
    const percents = progress.filter((p, i) => p.percent !== undefined && !(p.percent === progress[i - 1]?.percent && p.disk?.index === progress[i - 1]?.disk?.index)).map((p) => [p.disk?.index, p.percent]);
    expect(percents.filter(([d]) => d === 1).map(([, p]) => p)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(percents.filter(([d]) => d === 2).map(([, p]) => p)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(result.disks.map((d) => [d.name, d.complete])).toEqual([['drive-scsi0', true], ['drive-scsi1', true]]);
    expect(lines.filter((l) => /^ {2}Logical volume "vm-912-disk-\d" created\.$/.test(l))).toHaveLength(2);
    const c = await config('qemu', 912);
    expect(c.nets[0]!.mac).not.toBe((await config('qemu', 101)).nets[0]!.mac);
    expect((await run(['qm', 'config', '912'])).stdout).toContain(`net0: ${c.nets[0]!.value}\n`);
    expect((await resources()).find((g) => g.vmid === 912)).toMatchObject({ status: 'running', name: 'mail01' });
  });
});

describe('qmrestore --live-restore', () => {
  it('starts the VM at once and streams each disk in the background', async () => {
    const { result, lines, progress } = await restore(qmrestoreCommand({ archive: newestPbs('vm', 104).volid, vmid: 923, storage: 'local-lvm', liveRestore: true }));
    expect(result).toMatchObject({ outcome: 'restored', volumes: ['local-lvm:vm-923-disk-0'] });
    expect(lines.indexOf('starting VM for live-restore')).toBeLessThan(lines.findIndex((l) => l.startsWith('restore-drive-scsi0: transferred')));
    expect(lines.at(-1)).toBe('restore-drive jobs finished successfully, removing all tracking block devices');
    expect(progress.filter((p) => p.percent !== undefined).at(-1)).toMatchObject({ percent: 100, disk: { name: 'drive-scsi0' } });
    expect(pve().guests['923']!.status).toBe('running');
  });
});

describe('a failing-job fault', () => {
  it('makes the next VMA restore fail halfway with the stub left', async () => {
    lab.inject('pve1', { kind: 'failing-job', program: 'qmrestore', message: 'vma_reader_register_bs for stream drive-scsi0 failed - unexpected size' });
    try {
      const { result, lines } = await restore(qmrestoreCommand({ archive: newestArchive(104), vmid: 924, storage: 'local-lvm' }));
      expect(result).toMatchObject({ outcome: 'failed', leftover: 'stub-config', removedVolumes: ['local-lvm:vm-924-disk-0'] });
      expect(result.error).toMatch(/ failed: vma_reader_register_bs for stream drive-scsi0 failed - unexpected size$/);
      expect(lines.filter((l) => l.startsWith('progress ')).length).toBe(49);
    } finally {
      lab.clear('pve1');
    }
  });
});

describe('pct restore', () => {
  it('prints no percentage, only the bytes tar read; the container lands on the chosen storage', async () => {
    const { result, lines } = await restore(pctRestoreCommand({ vmid: 913, archive: newestArchive(103), storage: 'local-zfs' }));
    expect(lines.some((l) => /%/.test(l))).toBe(false);
    expect(lines.slice(0, 2)).toEqual([`recovering backed-up configuration from '${newestArchive(103)}'`, `restoring '${newestArchive(103)}' now..`]);
    expect(result).toMatchObject({ outcome: 'restored', format: 'ct', bytesRead: pve().guests['103']!.usedDisk });
    const c = await config('lxc', 913);
    expect(c).toMatchObject({ name: 'ca01', disks: [{ key: 'rootfs', volume: 'local-zfs:subvol-913-disk-0', storage: 'local-zfs' }] });
    expect((await resources()).find((g) => g.vmid === 913)).toMatchObject({ id: 'lxc/913', status: 'stopped' });
    expect((await json<{ vmid: number }[]>('/nodes/pve1/lxc')).some((g) => g.vmid === 913)).toBe(true);
    expect((await json<{ volid: string; vmid: number }[]>('/nodes/pve1/storage/local-zfs/content', '--content', 'rootdir')).filter((v) => v.vmid === 913).map((v) => v.volid)).toEqual(['local-zfs:subvol-913-disk-0']);
  });

  it('a damaged PBS snapshot fails after the volumes were made: the container is removed', async () => {
    const { snap, volid } = newestPbs('ct', 102);
    snap.corrupt = true;
    try {
      const { result, exitCode } = await restore(pctRestoreCommand({ vmid: 914, archive: volid, storage: 'local-lvm' }));
      expect(exitCode).toBe(255);
      expect(result).toMatchObject({ outcome: 'failed', leftover: 'guest-removed', detail: expect.stringMatching(/^Error: can't verify chunk/) });
      expect(result.error).toMatch(/^unable to restore CT 914 - command 'lxc-usernsexec .*proxmox-backup-client restore .*' failed: exit code 255$/);
      expect(pve().guests['914']).toBeUndefined();
      expect((await json<{ volid: string }[]>('/nodes/pve1/storage/local-lvm/content')).some((v) => v.volid.includes('-914-'))).toBe(false);
    } finally {
      delete snap.corrupt;
    }
  });
});

describe('refusals', () => {
  const refusal = async (cmd: Command) => {
    const r = await restore(cmd);
    expect(r.exitCode).toBe(255);
    return r;
  };

  it('an id in use without --force, for either kind of guest', async () => {
    const vm = await refusal(qmrestoreCommand({ archive: newestArchive(100), vmid: 100 }));
    expect(vm).toMatchObject({ lines: [], stderr: "unable to restore VM 100 - VM 100 already exists on node 'pve1'\n", result: { outcome: 'refused', refusal: { reason: { kind: 'vmid-exists', vmid: 100 } } } });
    expect((await refusal(pctRestoreCommand({ vmid: 102, archive: newestArchive(102), storage: 'local-zfs' }))).stderr).toBe("CT 102 already exists on node 'pve1'\n");
    expect((await refusal(qmrestoreCommand({ archive: newestArchive(100), vmid: 102, force: true }))).stderr).toBe("unable to restore VM 102 - CT 102 already exists on node 'pve1'\n");
  });

  it('--force over a running guest: the VM task refuses and leaves it as it was; the container is refused before any task', async () => {
    const before = structuredClone(pve().guests['100']!);
    const vm = await refusal(qmrestoreCommand({ archive: newestArchive(100), vmid: 100, force: true }));
    expect(vm.stderr).toBe('unable to restore VM 100 - vm is running\n');
    expect(vm.lines).toEqual(['error before or during data restore, some or all disks were not completely restored. VM 100 state is NOT cleaned up.']);
    expect(vm.result).toMatchObject({ outcome: 'refused', leftover: 'none', refusal: { reason: { kind: 'running' } } });
    expect(pve().guests['100']).toEqual(before);
    const ct = await refusal(pctRestoreCommand({ vmid: 102, archive: newestArchive(102), storage: 'local-zfs', force: true }));
    expect(ct).toMatchObject({ lines: [], stderr: "can't overwrite running container\n" });
  });

  it('--force over a locked or a protected guest', async () => {
    const g = pve().guests['122']!;
    g.lock = 'backup';
    try {
      const locked = await refusal(qmrestoreCommand({ archive: newestPbs('vm', 122).volid, vmid: 122, force: true }));
      expect(locked.stderr).toBe('unable to restore VM 122 - VM is locked (backup)\n');
      expect(locked.result.refusal?.reason).toEqual({ kind: 'locked', lock: 'backup' });
    } finally {
      delete g.lock;
    }
    g.protection = true;
    try {
      const prot = await refusal(qmrestoreCommand({ archive: newestPbs('vm', 122).volid, vmid: 122, force: true }));
      expect(prot.stderr).toBe('unable to restore VM 122 - protection mode enabled\n');
      expect(prot.result).toMatchObject({ outcome: 'refused', refusal: { reason: { kind: 'protected' } } });
      expect((await config('qemu', 122)).disks).toHaveLength(1);
    } finally {
      delete g.protection;
    }
  });

  it('a missing or unfit storage fails inside the task and leaves the new id an empty config', async () => {
    const missing = await refusal(qmrestoreCommand({ archive: newestArchive(104), vmid: 915, storage: 'nope' }));
    expect(missing.stderr).toBe("storage 'nope' does not exist\n");
    expect(missing.lines[0]).toMatch(/^restore vma archive: /);
    expect(missing.result).toMatchObject({ outcome: 'failed', leftover: 'stub-config', refusal: { reason: { kind: 'storage-missing', storage: 'nope' } } });
    expect(await config('qemu', 915)).toMatchObject({ disks: [], nets: [] });
    expect((await resources()).find((g) => g.vmid === 915)).toMatchObject({ name: 'VM 915', status: 'stopped' });
    expect((await run(destroyCommand('qemu', 915))).exitCode).toBe(0);
    const unfit = await refusal(qmrestoreCommand({ archive: newestArchive(104), vmid: 915, storage: 'local-backup' }));
    expect(unfit.result.refusal?.reason).toEqual({ kind: 'content-type-unavailable', content: 'images', storage: 'local-backup' });
    expect((await run(destroyCommand('qemu', 915))).exitCode).toBe(0);
  });

  it('a PBS storage whose server is unreachable', async () => {
    lab.inject('pbs1', { kind: 'unreachable' });
    try {
      const r = await refusal(qmrestoreCommand({ archive: newestPbs('vm', 104).volid, vmid: 916, storage: 'local-lvm' }));
      expect(r.result).toMatchObject({ outcome: 'failed', refusal: { reason: { kind: 'storage-unreachable' } } });
      expect(r.lines[0]).toMatch(/^Could not extract backed up config: proxmox-backup-client failed: Error: error trying to connect/);
    } finally {
      lab.clear('pbs1');
    }
    expect((await run(destroyCommand('qemu', 916))).exitCode).toBe(0);
  });

  it('an unknown option, and live-restore of a VMA archive', async () => {
    const bad = await refusal({ argv: ['qmrestore', newestArchive(104), '917', '--forse'] });
    expect(bad.stderr).toBe('Unknown option: forse\n400 unable to parse option\nqmrestore <archive> <vmid> [OPTIONS]\n');
    expect(bad.result.refusal?.reason).toEqual({ kind: 'unknown-option', option: 'forse' });
    const live = await refusal(qmrestoreCommand({ archive: newestArchive(104), vmid: 917, liveRestore: true }));
    expect(live.result.refusal?.reason).toEqual({ kind: 'live-restore-pbs-only' });
    expect((await run(destroyCommand('qemu', 917))).exitCode).toBe(0);
  });
});

describe('a --force restore that fails mid-restore', () => {
  it('frees the old disks the backup holds and the new volumes, and leaves the stub config', async () => {
    const { snap, volid } = newestPbs('vm', 104);
    expect((await restore(qmrestoreCommand({ archive: volid, vmid: 918, storage: 'local-lvm' }))).result.outcome).toBe('restored');
    snap.corrupt = true;
    try {
      const { result, lines, exitCode } = await restore(qmrestoreCommand({ archive: volid, vmid: 918, storage: 'local-lvm', force: true }));
      expect(exitCode).toBe(255);
      expect(result).toMatchObject({ outcome: 'failed', leftover: 'stub-config', removedVolumes: ['local-lvm:vm-918-disk-0'] });
      expect(result.detail).toMatch(/^restore failed: can't verify chunk, load failed - store 'usb'/);
      expect(result.error).toMatch(/^command '\/usr\/bin\/pbs-restore --repository root@pam@pbs1:usb vm\/104\/\S+ drive-scsi0\.img\.fidx \/dev\/pve\/vm-918-disk-0 --verbose --format raw --skip-zero' failed: exit code 255$/);
      // The old disk went before any data was written; its name was then free for the new volume.
      expect(lines.indexOf('  Logical volume "vm-918-disk-0" successfully removed.')).toBeLessThan(lines.indexOf("new volume ID is 'local-lvm:vm-918-disk-0'"));
      expect(lines.indexOf('  Logical volume "vm-918-disk-0" successfully removed.')).toBeGreaterThanOrEqual(0);
      expect(await config('qemu', 918)).toMatchObject({ memoryMiB: 128, disks: [], nets: [] });
      expect((await volumesOn('local-lvm')).some((v) => v.vmid === 918)).toBe(false);
      expect(pve().guests['918']!.lock).toBeUndefined();
    } finally {
      delete snap.corrupt;
    }
  });
});

describe('rollback', () => {
  it('on ZFS only to the newest snapshot, with PVE own refusal; a running VM is stopped, --start starts it again', async () => {
    for (const s of ['zs1', 'zs2']) expect((await run(['qm', 'snapshot', '120', s])).exitCode).toBe(0);
    const refused = await task(rollbackCommand('qemu', 120, 'zs1'));
    expect(refused).toMatchObject({ done: false, exitCode: 255, stderr: "can't rollback, 'zs1' is not most recent snapshot on 'local-zfs:vm-120-disk-0'\n" });
    expect(refused.refusal?.reason).toEqual({ kind: 'snapshot-not-newest', snapshot: 'zs1', volume: 'local-zfs:vm-120-disk-0' });
    expect(pve().guests['120']).toMatchObject({ current: 'zs2', status: 'running' });
    expect((await task(rollbackCommand('qemu', 120, 'zs2'))).done).toBe(true);
    expect(value(parseGuestStatus((await run(statusCommand('qemu', 120))).stdout, '', 0)).status).toBe('stopped');
    expect((await task(rollbackCommand('qemu', 120, 'zs2', { start: true }))).done).toBe(true);
    expect(pve().guests['120']!.status).toBe('running');
  });

  it('a container on ZFS: pct refuses an older daily snapshot the same way', async () => {
    const snaps = [...pve().guests['102']!.snapshots].sort((a, b) => a.snaptime - b.snaptime);
    expect(snaps.length).toBeGreaterThan(1);
    const r = await task(rollbackCommand('lxc', 102, snaps[0]!.name));
    expect(r.stderr).toBe(`can't rollback, '${snaps[0]!.name}' is not most recent snapshot on 'local-zfs:subvol-102-disk-0'\n`);
  });

  it('a missing snapshot, an incomplete one, a locked guest', async () => {
    expect((await task(rollbackCommand('qemu', 104, 'nope'))).refusal?.reason).toEqual({ kind: 'snapshot-missing', snapshot: 'nope' });
    const s = pve().guests['104']!.snapshots.find((x) => x.name === 'before_upgrade')!;
    s.snapstate = 'delete';
    try {
      expect((await task(rollbackCommand('qemu', 104, 'before_upgrade'))).refusal?.reason).toEqual({ kind: 'snapshot-incomplete', snapstate: 'delete' });
    } finally {
      delete s.snapstate;
    }
    pve().guests['104']!.lock = 'backup';
    try {
      expect((await task(rollbackCommand('qemu', 104, 'before_upgrade'))).refusal?.reason).toEqual({ kind: 'locked', lock: 'backup' });
    } finally {
      delete pve().guests['104']!.lock;
    }
  });
});

describe('clone --snapname', () => {
  it('from LVM-thin: a new VM from the snapshot, its own MAC and volume', async () => {
    const r = await task(cloneCommand('qemu', 104, 920, { snapshot: 'before_upgrade', name: 'monitor-restore' }));
    expect(r.done).toBe(true);
    expect(r.log.slice(0, 2)).toEqual(['creating a clone of VM 104 with ID 920', 'create full clone of drive scsi0 (local-lvm:vm-104-disk-0)']);
    expect(r.log.at(-1)).toMatch(/^transferred 48\.0 GiB of 48\.0 GiB \(100\.00%\)$/);
    const c = await config('qemu', 920);
    expect(c).toMatchObject({ name: 'monitor-restore', disks: [{ volume: 'local-lvm:vm-920-disk-0' }] });
    expect(c.nets[0]!.mac).not.toBe((await config('qemu', 104)).nets[0]!.mac);
    expect((await resources()).find((g) => g.vmid === 920)).toMatchObject({ status: 'stopped' });
  });

  it('from ZFS: qm can neither copy nor link a snapshot; pct copies it file by file', async () => {
    const full = await task(cloneCommand('qemu', 120, 921, { snapshot: 'zs2' }));
    expect(full.stderr).toBe("Full clone feature is not supported for a snapshot of 'local-zfs:vm-120-disk-0' (scsi0)\n");
    const linked = await task(cloneCommand('qemu', 120, 921, { snapshot: 'zs2', full: false }));
    expect(linked.refusal?.reason).toEqual({ kind: 'clone-unsupported', mode: 'linked', volume: 'local-zfs:vm-120-disk-0' });
    expect(pve().guests['921']).toBeUndefined();
    const snap = pve().guests['102']!.snapshots[0]!.name;
    const ct = await task(cloneCommand('lxc', 102, 922, { snapshot: snap, name: 'dns-restore' }));
    expect(ct).toMatchObject({ done: true, log: ['creating a clone of container 102 with ID 922', 'create full clone of mountpoint rootfs (local-zfs:subvol-102-disk-0)'] });
    expect(await config('lxc', 922)).toMatchObject({ name: 'dns-restore', disks: [{ volume: 'local-zfs:subvol-922-disk-0' }] });
  });
});

describe('a restored copy beside the original', () => {
  it('qm set --netN cuts the link and keeps every other property of the NIC', async () => {
    const before = (await config('qemu', 912)).nets[0]!;
    const r = await task(setLinkDownCommand('qemu', 912, 0, before.value));
    expect(r.log).toEqual([`update VM 912: -net0 ${before.value},link_down=1`]);
    expect((await config('qemu', 912)).nets[0]).toMatchObject({ mac: before.mac, bridge: before.bridge, linkDown: true });
    pve().guests['912']!.lock = 'backup';
    try {
      expect(await task(setLinkDownCommand('qemu', 912, 0, before.value))).toMatchObject({ done: false, stderr: 'VM is locked (backup)\n', log: [] });
    } finally {
      delete pve().guests['912']!.lock;
    }
  });

  it('the guest agent answers once the VM has booted; otherwise PVE says why not', async () => {
    const ping = async (vmid: number) => {
      const r = await run(agentPingCommand(vmid));
      return value(parseAgentPing(r.stdout, r.stderr, r.exitCode));
    };
    expect(await ping(911)).toEqual({ answered: false, reason: 'guest-not-running', message: 'VM 911 is not running' });
    expect((await task(startCommand('qemu', 911))).done).toBe(true);
    expect((await task(startCommand('qemu', 911))).refusal?.reason).toEqual({ kind: 'running' });
    await waitFor(async () => (await ping(911)).answered);
    // A VM that has only just started: its OS, and the agent with it, is not up yet.
    pve().guests['911']!.startedAt = Date.now() / 1000 + 60;
    expect(await ping(911)).toEqual({ answered: false, reason: 'agent-not-running', message: 'QEMU guest agent is not running' });
    expect(await ping(122)).toEqual({ answered: false, reason: 'not-configured', message: 'No QEMU guest agent configured' });
  });
});

describe('destroy, nextid, status', () => {
  it('destroy refuses a running or a protected guest; --purge also drops it from backup jobs', async () => {
    expect(await task(destroyCommand('qemu', 912))).toMatchObject({ done: false, stderr: 'VM 912 is running - destroy failed\n', refusal: { reason: { kind: 'running' } } });
    expect((await task(destroyCommand('lxc', 102))).stderr).toBe('unable to destroy CT 102 - container is running\n');
    pve().guests['910']!.protection = true;
    expect((await task(destroyCommand('qemu', 910))).stderr).toBe("can't remove VM 910 - protection mode enabled\n");
    delete pve().guests['910']!.protection;
    const job = pve().backupJobs.find((j) => j.id === 'backup-tier3')!;
    job.vmid = `${job.vmid},910`;
    const r = await task(destroyCommand('qemu', 910, { purge: true }));
    expect(r).toMatchObject({ done: true });
    expect(r.log).toContain('purging VM 910 from related configurations..');
    expect(job.vmid).not.toContain('910');
    expect((await resources()).some((g) => g.vmid === 910)).toBe(false);
    expect((await volumesOn('local-zfs')).some((v) => v.vmid === 910)).toBe(false);
  });

  it('nextid gives the first free id, checks a wanted one, and refuses a taken one', async () => {
    const next = await run(nextIdCommand());
    expect(value(parseNextId(next.stdout, next.stderr, next.exitCode))).toBe(106);
    const free = await run(nextIdCommand(950));
    expect(free.stdout).toBe('"950"\n');
    expect(value(parseNextId(free.stdout, free.stderr, free.exitCode))).toBe(950);
    const taken = await run(nextIdCommand(100));
    expect(taken.exitCode).toBe(255);
    expect(parseNextId(taken.stdout, taken.stderr, taken.exitCode)).toMatchObject({ ok: false, error: { message: 'pvesh /cluster/nextid exited with 255: vmid: VM 100 already exists' } });
  });

  it('qm|pct status', async () => {
    expect(value(parseGuestStatus((await run(statusCommand('lxc', 102))).stdout, '', 0))).toEqual({ status: 'running' });
    const missing = await run(statusCommand('qemu', 555));
    expect(parseGuestStatus(missing.stdout, missing.stderr, missing.exitCode)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('every task of this suite has a status and a log that end the same way', async () => {
    const types = ['qmrestore', 'vzrestore', 'qmrollback', 'vzrollback', 'qmclone', 'vzclone', 'qmstart', 'qmdestroy', 'vzdestroy'];
    const tasks = pve().tasks.filter((t) => types.includes(t.type) && !t.running);
    expect(new Set(tasks.map((t) => t.type)).size).toBeGreaterThanOrEqual(6);
    for (const t of tasks) {
      const st = await run(taskStatusCommand('pve1', t.upid));
      const status = value(parseTaskStatus(st.stdout, st.stderr, st.exitCode));
      const log = await run(taskLogCommand('pve1', t.upid));
      const { end } = value(parseTaskLogWithEnd(log.stdout, log.stderr, log.exitCode));
      const said = end.state === 'failed' ? end.error : end.state === 'ok' ? 'OK' : end.state === 'warn' ? `WARNINGS: ${end.warnings}` : 'running';
      expect([status.exitStatus, said], t.upid).toEqual([t.status, t.status]);
    }
  });
});
