/**
 * The restore engine end to end, through the one composition root and the
 * real SSH runner, against the lab's PVE node, PBS servers and journal:
 * ranked sources, restores to a new VMID from vzdump and PBS (a VM, a
 * container), over the original only with the typed word, the tools' own
 * refusals read and explained, the stub a failed --force leaves, snapshot
 * rollback and clone (with ZFS's limits said before PVE refuses), drills
 * (scratch copy cut off the network, original untouched, evidence in
 * status --json) and their rotation.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as statusCli } from '../../src/cli/status.js';
import { memoryIo } from '../../src/cli/io.js';
import { validateInventory } from '../../src/domain/inventory.js';
import type { StatusReport } from '../../src/domain/status-report.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SECRETS } from '../../src/lab/homelab/topology.js';
import { composeServices, type Services } from '../../src/services/root.js';
import { RestoreError, type RestoreEvent, type RestorePlan } from '../../src/services/restore/api.js';

let lab: Lab;
let services: Services;
let env: Record<string, string>;

beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy', timeScale: 0.05 });
  const v = validateInventory(lab.config);
  if (!v.ok) throw new Error('lab inventory invalid');
  env = { STRATA_STATE_DIR: mkdtempSync(join(tmpdir(), 'strata-restore-state-')), USER: 'tester' };
  services = composeServices({ inventory: v.inventory, configPath: lab.configPath, env, agentWaitMs: 15_000 });
});
afterAll(async () => {
  await services?.close();
  await lab?.stop();
});

const pve = () => lab.state.hosts.pve1!.pve!;
const guest = (vmid: number) => pve().guests[String(vmid)];
const journalLines = () => {
  try {
    return readFileSync(join(env.STRATA_STATE_DIR!, 'journal.jsonl'), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
};
const sourceOf = async (assetId: string, layerId: string) => {
  const list = await services.restore.sources({ assetId, layerId });
  const s = list.sources.find((x) => x.layerId === layerId);
  if (!s) throw new Error(`no source on ${layerId}`);
  return s;
};
async function expectRestoreError(p: Promise<unknown>, code: RestoreError['code']): Promise<RestoreError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RestoreError);
  expect((e as RestoreError).code).toBe(code);
  return e as RestoreError;
}

describe('sources', () => {
  it('lists every layer holding vm/100, ranked, the ones Strata cannot plan yet named with the step they need', async () => {
    const list = await services.restore.sources({ assetId: 'vm/100' });
    expect(list.guest).toMatchObject({ type: 'qemu', vmid: 100, name: 'web01', host: 'pve1', exists: true });
    const byLayer = Object.fromEntries(list.sources.map((s) => [s.layerId, s]));
    expect(Object.keys(byLayer).sort()).toEqual(['pbs-local', 'pbs-remote', 'pve1-dump', 'pve1-snap', 'restic-cloud']);
    expect(list.sources.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5]);
    // Plannable first; newest first within them.
    expect(list.sources.slice(0, 3).every((s) => s.plannable)).toBe(true);
    expect(byLayer['pve1-snap']).toMatchObject({ location: 'same-host', methods: ['rollback', 'clone'], estimate: { basis: 'snapshot' } });
    expect(byLayer['pve1-dump']).toMatchObject({ location: 'same-host', estimate: { basis: 'size', text: expect.stringContaining('estimate from') } });
    expect(byLayer['pbs-local']).toMatchObject({ location: 'lan', point: { ref: expect.stringMatching(/^vm\/100\//) } });
    // pve1 has no storage entry for the remote PBS: named, with the command, not planned.
    expect(byLayer['pbs-remote']).toMatchObject({ location: 'off-site', plannable: false, steps: [{ kind: 'add-storage', planned: false }, { kind: 'guest-restore' }] });
    expect(byLayer['pbs-remote']!.whyNot).toContain('pvesm add pbs pbs2 --server pbs2 --datastore offsite');
    // The restic copy of the PBS datastore carries its points: the datastore restore comes first (issue 14).
    expect(byLayer['restic-cloud']).toMatchObject({ via: ['pbs-local'], plannable: false, steps: [{ kind: 'restore-datastore', planned: false }, { kind: 'guest-restore', planned: false }] });
  });

  it('takes the newest point at or before a wanted time', async () => {
    const all = await services.restore.points('vm/100', 'pbs-local');
    const older = all.points[3]!;
    const list = await services.restore.sources({ assetId: 'vm/100', layerId: 'pbs-local', point: { kind: 'at', timeSec: older.timeSec + 1 } });
    expect(list.sources[0]!.point.ref).toBe(older.ref);
  });

  it('refuses what is not a guest', async () => {
    await expectRestoreError(services.restore.sources({ assetId: 'dataset/tank/data' }), 'not-found');
  });
});

describe('restore to a new VMID', () => {
  it('from a vzdump archive: plans with the next free id and the tools’ defaults said, changes nothing until run, then restores and checks', async () => {
    const src = await sourceOf('vm/101', 'pve1-dump');
    const before = journalLines().length;
    const plan = await services.restore.plan({ assetId: 'vm/101', sourceId: src.id });
    expect(plan).toMatchObject({ ready: true, destroys: [], confirmWord: null, target: { overwrites: false, unique: true, storage: null } });
    expect(plan.target.storageNote).toContain('qmrestore puts each disk back on the storage named in the backup');
    expect(plan.target.uniqueNote).toContain('original vm/101 still exists');
    expect(plan.commands[0]!.command).toBe(`qmrestore ${src.point.ref} ${plan.target.vmid} --unique 1`);
    expect(guest(plan.target.vmid)).toBeUndefined();
    expect(journalLines().length).toBe(before);

    const events: RestoreEvent[] = [];
    const r = await services.restore.run(plan, { onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ state: 'restored', exitCode: 0, leftover: null, checks: [{ id: 'disks', state: 'passed' }] });
    expect(r.restoreSeconds).toBeGreaterThan(0);
    expect(guest(plan.target.vmid)).toMatchObject({ name: 'mail01', disks: [{ key: 'scsi0' }, { key: 'scsi1' }] });
    // VMA: one progress stream over the whole archive.
    const progress = events.filter((e): e is Extract<RestoreEvent, { type: 'progress' }> => e.type === 'progress').map((e) => e.progress);
    expect(progress.at(-1)).toMatchObject({ format: 'vma', scope: 'whole', percent: 100 });
    const end = journalLines().find((l) => l.type === 'action-end' && l.actionId === plan.id)!;
    expect(end).toMatchObject({ state: 'ok', verified: 'ok', request: { kind: 'restore', layerId: 'pve1-dump', assetId: 'vm/101', restore: { pointRef: src.point.ref, method: 'restore', targetVmid: plan.target.vmid, overwrites: false } }, checks: [{ id: 'disks', state: 'passed' }] });
  });

  it('from a PBS snapshot through pve1’s storage entry, started: per-disk progress and the agent answers', async () => {
    const src = await sourceOf('vm/104', 'pbs-local');
    const plan = await services.restore.plan({ assetId: 'vm/104', sourceId: src.id, start: true, target: { kind: 'new', vmid: 940 } });
    expect(plan.preflight.find((c) => c.id === 'pbs-storage')).toMatchObject({ state: 'passed', detail: expect.stringContaining('storage pbs1 (server pbs1, datastore usb)') });
    expect(plan.commands[0]!.command).toBe(`qmrestore pbs1:backup/${src.point.ref} 940 --unique 1 --start 1`);
    const events: RestoreEvent[] = [];
    const r = await services.restore.run(plan, { onEvent: (e) => events.push(e) });
    expect(r.state).toBe('restored');
    expect(r.checks.map((c) => [c.id, c.state])).toEqual([['disks', 'passed'], ['running', 'passed'], ['agent', 'passed']]);
    expect(events.some((e) => e.type === 'progress' && e.progress.scope === 'disk' && e.progress.disk?.index === 1)).toBe(true);
  });

  it('a container: pct restore’s default storage local cannot hold it here, preflight says so and names the ones that can', async () => {
    const src = await sourceOf('ct/103', 'pbs-local');
    const plan = await services.restore.plan({ assetId: 'ct/103', sourceId: src.id });
    expect(plan.ready).toBe(false);
    expect(plan.target.storageNote).toContain('pct restore puts every volume on `local`');
    expect(plan.preflight.find((c) => c.id === 'storage')).toMatchObject({ state: 'failed', detail: expect.stringContaining('choose one of local-lvm, local-zfs') });
    await expectRestoreError(services.restore.run(plan), 'preflight-failed');

    const onLvm = await services.restore.plan({ assetId: 'ct/103', sourceId: src.id, storage: 'local-lvm', start: true });
    const events: RestoreEvent[] = [];
    const r = await services.restore.run(onLvm, { onEvent: (e) => events.push(e) });
    expect(r.state).toBe('restored');
    expect(r.checks.map((c) => [c.id, c.state])).toEqual([['disks', 'passed'], ['running', 'passed']]);
    // Containers: no percent at all.
    expect(events.filter((e) => e.type === 'progress').every((e) => e.type === 'progress' && e.progress.percent === null)).toBe(true);
  });

  it('from the remote PBS, once the node has a storage entry for its datastore (matched by server and datastore)', async () => {
    pve().storages['pbs2-offsite'] = { id: 'pbs2-offsite', type: 'pbs', content: ['backup'], total: 0, used: 0, shared: 1, pbs: { host: 'pbs2', datastore: 'offsite', username: 'root@pam' } };
    // Its password where PVE keeps it: activation reads it there.
    const pw = `${SECRETS.pbs1Root}\n`;
    lab.state.hosts.pve1!.fs.files['/etc/pve/priv/storage/pbs2-offsite.pw'] = { size: pw.length, mtime: 0, content: pw, mode: 0o600 };
    try {
      const src = await sourceOf('vm/101', 'pbs-remote');
      expect(src).toMatchObject({ plannable: true, location: 'off-site', steps: [{ kind: 'guest-restore' }] });
      const plan = await services.restore.plan({ assetId: 'vm/101', sourceId: src.id, target: { kind: 'new', vmid: 945 } });
      expect(plan.commands[0]!.command).toBe(`qmrestore pbs2-offsite:backup/${src.point.ref} 945 --unique 1`);
      const r = await services.restore.run(plan);
      expect(r).toMatchObject({ state: 'restored', checks: [{ id: 'disks', state: 'passed', detail: 'config with scsi0, scsi1' }] });
    } finally {
      delete pve().storages['pbs2-offsite'];
      delete lab.state.hosts.pve1!.fs.files['/etc/pve/priv/storage/pbs2-offsite.pw'];
    }
  });

  it('refuses a VMID in use before anything runs', async () => {
    const src = await sourceOf('vm/101', 'pbs-local');
    const plan = await services.restore.plan({ assetId: 'vm/101', sourceId: src.id, target: { kind: 'new', vmid: 105 } });
    expect(plan.preflight[0]).toMatchObject({ id: 'target-free', state: 'failed', detail: expect.stringContaining('VMID 105 exists') });
  });
});

describe('over the original', () => {
  it('is refused while the guest runs, is locked or protected: preflight says so and what to do', async () => {
    const src = await sourceOf('vm/110', 'pve1-dump');
    const running = await services.restore.plan({ assetId: 'vm/110', sourceId: src.id, target: { kind: 'original' } });
    expect(running.preflight.find((c) => c.id === 'guest-stopped')).toMatchObject({ state: 'failed', detail: expect.stringContaining('Stop it first (qm stop 110)') });
    guest(110)!.status = 'stopped';
    guest(110)!.protection = true;
    guest(110)!.lock = 'backup';
    const both = await services.restore.plan({ assetId: 'vm/110', sourceId: src.id, target: { kind: 'original' } });
    expect(both.preflight.filter((c) => c.state === 'failed').map((c) => c.id)).toEqual(['not-locked', 'not-protected']);
    delete guest(110)!.protection;
    delete guest(110)!.lock;
  });

  it('needs the typed word: missing or wrong, nothing runs; the right word restores over it', async () => {
    const src = await sourceOf('vm/110', 'pve1-dump');
    const plan = await services.restore.plan({ assetId: 'vm/110', sourceId: src.id, target: { kind: 'original' } });
    expect(plan).toMatchObject({ ready: true, confirmWord: '110', target: { vmid: 110, overwrites: true, unique: false } });
    expect(plan.destroys.join(' ')).toMatch(/freed before any data is written.*snapshots are deleted/);
    expect(plan.commands[0]!.command).toBe(`qmrestore ${src.point.ref} 110 --force 1`);
    const disksBefore = JSON.stringify(guest(110)!.disks);
    const before = journalLines().length;
    await expectRestoreError(services.restore.run(plan), 'confirmation-required');
    await expectRestoreError(services.restore.run(plan, { confirm: '111' }), 'confirmation-mismatch');
    expect(journalLines().length).toBe(before);
    expect(JSON.stringify(guest(110)!.disks)).toBe(disksBefore);
    const r = await services.restore.run(plan, { confirm: '110' });
    expect(r).toMatchObject({ state: 'restored', checks: [{ id: 'disks', state: 'passed' }] });
  });

  it('a guest that is gone is restored under its own id without a word to type: nothing is overwritten', async () => {
    const gone = guest(122)!;
    delete pve().guests['122'];
    try {
      const list = await services.restore.sources({ assetId: 'vm/122' });
      expect(list.guest).toMatchObject({ exists: false, host: 'pve1' });
      expect(list.sources.some((s) => s.layerId === 'pve1-snap')).toBe(false);
      const src = list.sources.find((s) => s.plannable)!;
      const plan = await services.restore.plan({ assetId: 'vm/122', sourceId: src.id, target: { kind: 'original' } });
      expect(plan).toMatchObject({ ready: true, destroys: [], confirmWord: null, target: { vmid: 122, overwrites: false, unique: false } });
      expect((await services.restore.run(plan)).state).toBe('restored');
      expect(guest(122)).toMatchObject({ name: 'lab-win' });
    } finally {
      if (!guest(122)) pve().guests['122'] = gone;
    }
  });

  it('read-only mode plans and runs no restore', async () => {
    const v = validateInventory(lab.config);
    if (!v.ok) throw new Error('invalid');
    const ro = composeServices({ inventory: v.inventory, configPath: lab.configPath, env, readOnly: true });
    try {
      await expectRestoreError(ro.restore.plan({ assetId: 'vm/100', sourceId: 'pve1-dump@x' }), 'read-only');
      await expectRestoreError(ro.restore.planDrill({ assetId: 'vm/100' }), 'read-only');
    } finally {
      await ro.close();
    }
  });

  it('the tool’s own refusal (the guest was started after planning) is read and explained; nothing is cleaned up', async () => {
    const src = await sourceOf('vm/110', 'pve1-dump');
    const plan = await services.restore.plan({ assetId: 'vm/110', sourceId: src.id, target: { kind: 'original' } });
    guest(110)!.status = 'running';
    const r = await services.restore.run(plan, { confirm: '110' });
    expect(r).toMatchObject({ state: 'failed', exitCode: 2 });
    expect(r.summary).toContain('unable to restore VM 110 - vm is running');
    expect(r.summary).toContain('stop it first');
    expect(guest(110)).toMatchObject({ name: 'gitlab', status: 'running' });
  });

  it('a failed --force leaves a stub config: the result says what is left and what to do', async () => {
    guest(111)!.status = 'stopped';
    const src = await sourceOf('vm/111', 'pbs-local');
    const plan = await services.restore.plan({ assetId: 'vm/111', sourceId: src.id, target: { kind: 'original' } });
    expect(plan.onFailure).toContain('stub config');
    lab.inject('pve1', { kind: 'failing-job', program: 'qmrestore', message: 'write error: No space left on device' });
    try {
      const r = await services.restore.run(plan, { confirm: '111' });
      expect(r.state).toBe('failed');
      expect(r.leftover).toMatch(/VM 111 is now a stub config .* Restore it again from a good point \(strata restore --asset vm\/111 --to original\)/);
      expect(guest(111)).toMatchObject({ stubConfig: { memory: '128' }, disks: [] });
    } finally {
      lab.clear('pve1');
    }
  });
});

describe('guest snapshots', () => {
  it('roll back on LVM-thin: what is lost is listed, the word is typed', async () => {
    const points = await services.restore.points('vm/104', 'pve1-snap');
    const snap = points.points.find((p) => p.ref === 'before_upgrade')!;
    const plan = await services.restore.plan({ assetId: 'vm/104', sourceId: `pve1-snap@${snap.ref}`, target: { kind: 'original' } });
    expect(plan).toMatchObject({ method: 'rollback', ready: true, confirmWord: '104' });
    expect(plan.destroys[0]).toContain('everything VM 104 wrote since snapshot before_upgrade');
    expect(plan.commands[0]!.command).toBe('qm rollback 104 before_upgrade');
    const r = await services.restore.run(plan, { confirm: '104' });
    expect(r.state).toBe('restored');
    expect(guest(104)!.current).toBe('before_upgrade');
  });

  it('on ZFS only the newest: preflight says so before PVE refuses, and offers the clone (which works for a container)', async () => {
    const points = await services.restore.points('ct/102', 'pve1-snap');
    expect(points.points.length).toBeGreaterThan(1);
    const older = points.points.at(-1)!;
    const plan = await services.restore.plan({ assetId: 'ct/102', sourceId: `pve1-snap@${older.ref}`, target: { kind: 'original' } });
    expect(plan.ready).toBe(false);
    expect(plan.preflight.find((c) => c.id === 'snapshot-newest')).toMatchObject({ state: 'failed', detail: expect.stringContaining('Clone the snapshot to a new guest instead') });
    const clone = await services.restore.plan({ assetId: 'ct/102', sourceId: `pve1-snap@${older.ref}`, method: 'clone', target: { kind: 'new', vmid: 960 } });
    expect(clone).toMatchObject({ ready: true, destroys: [] });
    expect(clone.commands[0]!.command).toBe(`pct clone 102 960 --snapname ${older.ref}`);
    expect((await services.restore.run(clone)).state).toBe('restored');
    expect(guest(960)).toMatchObject({ type: 'lxc', status: 'stopped' });
  });

  it('a VM on ZFS cannot be cloned from a snapshot: preflight says so and points at a backup', async () => {
    const now = Math.floor(Date.now() / 1000);
    guest(120)!.snapshots.push({ name: 'first', snaptime: now - 7200, description: '' }, { name: 'second', snaptime: now - 3600, description: '', parent: 'first' });
    const clone = await services.restore.plan({ assetId: 'vm/120', sourceId: 'pve1-snap@first', method: 'clone' });
    expect(clone.preflight.find((c) => c.id === 'clone-feature')).toMatchObject({ state: 'failed', detail: expect.stringContaining('restore a backup to a new guest') });
    const rollback = await services.restore.plan({ assetId: 'vm/120', sourceId: 'pve1-snap@first', target: { kind: 'original' } });
    expect(rollback.preflight.find((c) => c.id === 'snapshot-newest')!.detail).toContain('PVE cannot clone a VM from a ZFS snapshot either');
  });

  it('a VM on LVM-thin clones from its snapshot to a new guest, the original untouched', async () => {
    const plan = await services.restore.plan({ assetId: 'vm/104', sourceId: 'pve1-snap@before_upgrade', method: 'clone', target: { kind: 'new', vmid: 961 } });
    expect(plan.ready).toBe(true);
    const r = await services.restore.run(plan);
    expect(r.state).toBe('restored');
    expect(guest(961)!.disks.map((d) => d.volume)).toEqual(['local-lvm:vm-961-disk-0']);
  });
});

describe('drills', () => {
  it('restore a scratch copy with new MACs and every link cut, start and check it, destroy it; the original is untouched', async () => {
    const original = JSON.stringify(guest(100));
    expect(guest(100)!.nets.net0).toMatch(/virtio=[0-9A-F:]+/);
    const plan: RestorePlan = await services.restore.planDrill({ assetId: 'vm/100', scratchVmid: 970 });
    expect(plan).toMatchObject({ kind: 'drill', ready: true, destroys: [], confirmWord: null, target: { vmid: 970, unique: true, start: true } });
    expect(plan.commands.map((c) => c.command)).toEqual([expect.stringMatching(/^qmrestore pbs1:backup\/vm\/100\/\S+ 970 --unique 1$/), 'pvesh get /nodes/pve1/qemu/970/config --output-format json', 'qm start 970']);
    const r = await services.restore.run(plan);
    expect(r).toMatchObject({ state: 'restored', exitCode: 0 });
    expect(r.checks.map((c) => [c.id, c.state])).toEqual([['disks', 'passed'], ['running', 'passed'], ['agent', 'passed']]);
    expect(r.summary).toContain('scratch copy removed');
    expect(guest(970)).toBeUndefined();
    expect(JSON.stringify(guest(100))).toBe(original);
    const cmds = journalLines().filter((l) => l.type === 'command' && l.actionId === plan.id).map((l) => l.command as string);
    const linkDown = cmds.findIndex((c) => /^qm set 970 --net0 '\S*,link_down=1'$/.test(c));
    expect(linkDown).toBeGreaterThan(0);
    // --unique: the copy's MAC is not the original's.
    const mac = /virtio=([0-9A-F:]+)/.exec(cmds[linkDown]!)![1];
    expect(guest(100)!.nets.net0).not.toContain(mac);
    expect(linkDown).toBeLessThan(cmds.indexOf('qm start 970'));
    // The tear-down stops and destroys only the copy this drill made (its guard reads the config first).
    expect(cmds.filter((c) => /^qm (stop|destroy)/.test(c))).toEqual(['qm stop 970', 'qm destroy 970 --purge 1']);
    expect(cmds.at(-1)).toBe('qm destroy 970 --purge 1');
  });

  it('refuses a scratch VMID that exists, and the original itself', async () => {
    const plan = await services.restore.planDrill({ assetId: 'vm/100', scratchVmid: 101 });
    expect(plan.ready).toBe(false);
    expect(plan.preflight[0]).toMatchObject({ id: 'target-free', state: 'failed', detail: expect.stringContaining('a drill never overwrites a guest') });
    await expectRestoreError(services.restore.run(plan), 'preflight-failed');
    expect(guest(101)).toMatchObject({ name: 'mail01' });
    await expectRestoreError(services.restore.planDrill({ assetId: 'vm/100', scratchVmid: 100 }), 'invalid');
  });

  it('rotate through a tier: every guest before any twice', async () => {
    const drilled: string[] = [];
    const results = [];
    for (let i = 0; i < 3; i++) {
      const plan = await services.restore.planDrill({ rotateTier: 'tier3' });
      drilled.push(plan.request.assetId);
      results.push(await services.restore.run(plan));
    }
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    expect(results[2]!.checks.find((c) => c.id === 'agent')).toMatchObject({ state: 'not-run', detail: 'No QEMU guest agent configured' });
    expect(drilled.slice(0, 2)).toEqual(['vm/120', 'vm/121']);
    // vm/122 is a stopped VM without an agent: its agent check is not run, never passed; the drill still proves it.
    expect(drilled[2]).toBe('vm/122');
    const state = JSON.parse(readFileSync(join(env.STRATA_STATE_DIR!, 'drill-rotation.json'), 'utf8')) as { tiers: Record<string, { lastDrilledAtSec: Record<string, number> }> };
    expect(Object.keys(state.tiers.tier3!.lastDrilledAtSec).sort()).toEqual(['vm/120', 'vm/121', 'vm/122']);
  });

  it('evidence reaches status --json: last proven restorable, last drill, measured restore time', async () => {
    const io = memoryIo('', { ...env, STRATA_CONFIG: lab.configPath });
    await statusCli(['--json'], io);
    const report = JSON.parse(io.stdout) as StatusReport;
    const a = report.assets.find((x) => x.id === 'vm/100')!;
    expect(a.lastDrillAt).not.toBeNull();
    expect(a.lastProvenRestorableAt).not.toBeNull();
    expect(a.measuredRestoreSeconds).toEqual(expect.any(Number));
    expect(report.assets.find((x) => x.id === 'ct/105')).toMatchObject({ lastDrillAt: null, measuredRestoreSeconds: null });
    const ev = await services.restore.evidence('vm/100');
    expect(ev.lastDrillAtSec).toBeGreaterThan(Date.now() / 1000 - 600);
    const src = await sourceOf('vm/100', 'pbs-local');
    expect(src.provenAtSec).not.toBeNull();
    expect(src.estimate.basis).toBe('measured');
  });
});
