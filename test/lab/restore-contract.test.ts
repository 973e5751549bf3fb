/**
 * Contract between the lab and the pve restore adapter: what the lab's PVE
 * node prints for a restore, a rollback, a clone and the guest reads parses
 * with the adapter, has the recorded fixtures' shape (no line kind, no JSON
 * field the fixtures do not know), and fails the way the fixtures fail: the
 * same outcome, the same typed refusal.
 */
import { describe, expect, it } from 'vitest';
import { agentPingCommand, destroyCommand, guestConfigCommand, rollbackCommand, statusCommand, taskLogCommand, taskStatusCommand } from '../../src/adapters/pve/guest-commands.js';
import { parseAgentPing, parseGuestConfig, parseGuestStatus, parseGuestTask, parseNextId, parseTaskLogWithEnd, parseTaskStatus } from '../../src/adapters/pve/guest-parse.js';
import { nextIdCommand, pctRestoreCommand, qmrestoreCommand } from '../../src/adapters/pve/restore.js';
import { restoreFold, type RestoreResult } from '../../src/adapters/pve/restore-progress.js';
import { foldOutput } from '../../src/adapters/shared/line-fold.js';
import type { Result } from '../../src/domain/types.js';
import type { Lab } from '../../src/lab/index.js';
import type { Command } from '../../src/transport/command.js';
import { fixture, type Fixture } from '../helpers/fixtures.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
// The degraded lab: the newest PBS snapshot of VM 101 is damaged.
useLab({ scenario: 'degraded', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

type Out = Pick<Fixture, 'stdout' | 'stderr' | 'exitCode'>;
const run = async (cmd: Command): Promise<Out> => runners.get('pve1').run(cmd);
const pve = () => lab.state.hosts.pve1!.pve!;
const pbsSnap = (type: 'vm' | 'ct', id: number, which: 'newest' | 'older' = 'newest') => {
  const all = lab.state.hosts.pbs1!.pbs!.datastores.usb!.snapshots.filter((x) => x.type === type && x.id === String(id)).sort((a, b) => b.time - a.time);
  const s = which === 'newest' ? all[0]! : all[1]!;
  return `pbs1:backup/${type}/${id}/${new Date(s.time * 1000).toISOString().replace('.000', '')}`;
};
const archive = (vmid: number) => `local-backup:backup/${pve().storages['local-backup']!.archives!.filter((a) => a.vmid === vmid).sort((a, b) => b.ctime - a.ctime)[0]!.filename}`;
const folded = (o: Out): RestoreResult => {
  const r = foldOutput(restoreFold(), o.stdout, o.stderr, o.exitCode);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** What each line of a restore's output is; a line no rule knows is itself. */
const LINE_KINDS: readonly [string, RegExp][] = [
  ['vma-start', /^restore vma archive: zstd -q -d -c \S+ \| vma extract -v -r \S+\.fifo - \S+$/],
  ['vma-cfg', /^CFG: size: \d+ name: qemu-server\.conf$/],
  ['vma-dev', /^DEV: dev_id=\d+ size: \d+ devname: drive-\w+$/],
  ['vma-ctime', /^CTIME: \w{3} \w{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/],
  ['lvm-created', /^ {2}Logical volume "[\w-]+" created\.$/],
  ['lvm-removed', /^ {2}Logical volume "[\w-]+" successfully removed\.$/],
  ['new-volume', /^new volume ID is '[\w.-]+:[\w-]+'$/],
  ['vma-map', /^map 'drive-\w+' to '\/dev\/\S+' \(write zeros = [01]\)$/],
  ['vma-progress', /^progress \d+% \(read \d+ bytes, duration \d+ sec\)$/],
  ['pbs-progress', /^progress \d+% \(read \d+ bytes, zeroes = \d+% \(\d+ bytes\), duration \d+ sec\)$/],
  ['vma-total', /^total bytes read \d+, sparse bytes \d+ \(\d+%\)$/],
  ['vma-zero', /^space reduction due to 4K zero blocks [\d.]+%$/],
  ['rescan', /^rescan volumes\.\.\.$/],
  ['pbs-image', /^restore proxmox backup image: \/usr\/bin\/pbs-restore --repository \S+ (vm|ct)\/\d+\/\S+Z drive-\w+\.img\.fidx \/dev\/\S+ --verbose --format raw --skip-zero$/],
  ['pbs-connect', /^connecting to repository '\S+'$/],
  ['pbs-threads', /^using up to \d+ threads$/],
  ['pbs-open', /^open block backend for target '\/dev\/\S+'$/],
  ['pbs-start', /^starting to restore snapshot '\S+'$/],
  ['pbs-index', /^download and verify backup index$/],
  ['pbs-fetch', /^fetching up to \d+ chunks in parallel$/],
  ['pbs-done', /^restore image complete \(bytes=\d+, duration=[\d.]+s, speed=[\d.]+MB\/s\)$/],
  ['pbs-failed', /^restore failed: .+$/],
  ['autostart', /^Execute autostart$/],
  ['ct-recover', /^recovering backed-up configuration from '\S+'$/],
  ['ct-mkfs', /^Creating filesystem with \d+ 4k blocks and \d+ inodes$/],
  ['ct-restoring', /^restoring '\S+' now\.\.$/],
  ['ct-extract', /^extracting archive '\S+'$/],
  ['ct-total', /^Total bytes read: \d+ \([\d.]+ ?\w+, [\d.]+ ?\w+\/s\)$/],
  ['ct-arch', /^Detected container architecture: \w+$/],
  ['ct-merge', /^merging backed-up and given configuration\.\.$/],
  ['error', /^Error: .+$/],
  ['not-cleaned', /^error before or during data restore, some or all disks were not completely restored\. VM \d+ state is NOT cleaned up\.$/],
  ['temp-removed', /^temporary volume '\S+' successfully removed$/],
];

function kinds(text: string): Set<string> {
  return new Set(text.split('\n').filter((l) => l !== '').map((l) => LINE_KINDS.find(([, re]) => re.test(l))?.[0] ?? `unknown: ${l}`));
}

function expectKnownLines(lab: Out, fixtures: readonly string[], label: string): void {
  const known = new Set(fixtures.flatMap((f) => [...kinds(fixture('pve', f).stdout)]));
  expect([...known].filter((k) => k.startsWith('unknown')), `fixtures of ${label}`).toEqual([]);
  expect([...kinds(lab.stdout)].filter((k) => !known.has(k)), label).toEqual([]);
}

function expectOk<T>(r: Result<T>, label: string): T {
  if (!r.ok) throw new Error(`${label}: the adapter rejected the lab's output: ${r.error.message}`);
  return r.value;
}

/** Same JSON field names and types as the fixture (pvesh numbers may be strings). */
function expectSameFields(labJson: Record<string, unknown>, fx: Record<string, unknown>, label: string, documented: readonly string[] = []): void {
  const type = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? 'scalar' : Array.isArray(v) ? 'array' : typeof v);
  const problems = Object.entries(labJson)
    .filter(([k, v]) => (k in fx ? type(fx[k]) !== type(v) : !documented.includes(k)))
    .map(([k]) => k);
  expect(problems, label).toEqual([]);
}

describe('successful restores print only what the recorded ones print', () => {
  it('VMA, PBS (an older, intact snapshot of the damaged guest), a container from a tar archive', async () => {
    const vma = await run(qmrestoreCommand({ archive: archive(101), vmid: 940, storage: 'local-lvm' }));
    expectKnownLines(vma, ['qmrestore-vma-two-disks'], 'VMA restore');
    expect(folded(vma)).toMatchObject({ outcome: 'restored', format: 'vma' });
    const pbs = await run(qmrestoreCommand({ archive: pbsSnap('vm', 101, 'older'), vmid: 941, storage: 'local-lvm', start: true }));
    expectKnownLines(pbs, ['qmrestore-pbs-two-disks', 'qmrestore-pbs-start'], 'PBS restore');
    expect(folded(pbs)).toMatchObject({ outcome: 'restored', format: 'pbs', startRequested: true });
    const ct = await run(pctRestoreCommand({ vmid: 942, archive: archive(103), storage: 'local-lvm' }));
    expectKnownLines(ct, ['pct-restore-tar-normal'], 'container restore');
    expect(folded(ct)).toMatchObject({ outcome: 'restored', format: 'ct' });
  });
});

describe('failures read as the recorded ones do', () => {
  const sameAs = (labOut: Out, name: string) => {
    const fx = fixture('pve', name);
    const mine = folded(labOut);
    const theirs = folded(fx);
    expect({ outcome: mine.outcome, leftover: mine.leftover, refusal: mine.refusal?.reason.kind }, name).toEqual({ outcome: theirs.outcome, leftover: theirs.leftover, refusal: theirs.refusal?.reason.kind });
    expect(labOut.exitCode, name).toBe(fx.exitCode);
    return mine;
  };

  it('refusals of qmrestore and pct restore', async () => {
    sameAs(await run(qmrestoreCommand({ archive: archive(100), vmid: 100 })), 'qmrestore-exists');
    sameAs(await run(qmrestoreCommand({ archive: archive(100), vmid: 100, force: true })), 'qmrestore-running');
    sameAs(await run({ argv: ['qmrestore', archive(100), '943', '--forse'] }), 'qmrestore-unknown-option');
    sameAs(await run(qmrestoreCommand({ archive: archive(100), vmid: 943, storage: 'nope' })), 'qmrestore-storage-missing');
    sameAs(await run(pctRestoreCommand({ vmid: 103, archive: archive(103), storage: 'local-lvm' })), 'pct-restore-exists');
    sameAs(await run(pctRestoreCommand({ vmid: 103, archive: archive(103), storage: 'local-lvm', force: true })), 'pct-restore-running');
    pve().guests['122']!.protection = true;
    sameAs(await run(qmrestoreCommand({ archive: pbsSnap('vm', 122), vmid: 122, force: true })), 'qmrestore-protected');
    delete pve().guests['122']!.protection;
  });

  it("--force from the degraded lab's damaged snapshot fails as the recorded one: stub config left", async () => {
    expect(folded(await run(qmrestoreCommand({ archive: pbsSnap('vm', 101, 'older'), vmid: 944, storage: 'local-lvm' }))).outcome).toBe('restored');
    const out = await run(qmrestoreCommand({ archive: pbsSnap('vm', 101), vmid: 944, storage: 'local-lvm', force: true }));
    expectKnownLines(out, ['qmrestore-pbs-force-corrupt'], 'failed restore');
    const r = sameAs(out, 'qmrestore-pbs-force-corrupt');
    expect(r.detail).toMatch(/^restore failed: /);
    const c = await run(guestConfigCommand('pve1', 'qemu', 944));
    const stub = fixture('pve', 'guest-config-stub');
    expect(expectOk(parseGuestConfig(c.stdout, c.stderr, c.exitCode), 'stub')).toEqual({ ...expectOk(parseGuestConfig(stub.stdout, '', 0), 'fixture'), digest: expect.any(String) });
    expect(Object.keys(JSON.parse(c.stdout) as object).sort()).toEqual(Object.keys(JSON.parse(stub.stdout) as object).sort());
  });

  it('rollback, destroy, agent, status and config refusals', async () => {
    const task = async (cmd: Command) => {
      const o = await run(cmd);
      return expectOk(parseGuestTask(o.stdout, o.stderr, o.exitCode), cmd.argv.join(' '));
    };
    const fxTask = (name: string) => {
      const f = fixture('pve', name);
      return expectOk(parseGuestTask(f.stdout, f.stderr, f.exitCode), name);
    };
    const daily = [...pve().guests['102']!.snapshots].sort((a, b) => a.snaptime - b.snaptime)[0]!.name;
    expect((await task(rollbackCommand('lxc', 102, daily))).refusal?.reason.kind).toBe(fxTask('rollback-not-newest-zfs').refusal?.reason.kind);
    expect((await task(rollbackCommand('qemu', 104, 'nope'))).refusal?.reason.kind).toBe(fxTask('rollback-missing-snapshot').refusal?.reason.kind);
    expect((await task(destroyCommand('qemu', 100))).refusal?.reason.kind).toBe(fxTask('qm-destroy-running').refusal?.reason.kind);
    expect((await task(destroyCommand('lxc', 103))).refusal?.reason.kind).toBe(fxTask('pct-destroy-running').refusal?.reason.kind);
    const ping = async (vmid: number) => {
      const o = await run(agentPingCommand(vmid));
      return expectOk(parseAgentPing(o.stdout, o.stderr, o.exitCode), 'ping');
    };
    const fxPing = (name: string) => {
      const f = fixture('pve', name);
      return expectOk(parseAgentPing(f.stdout, f.stderr, f.exitCode), name);
    };
    expect(await ping(122)).toEqual(fxPing('agent-ping-not-configured'));
    expect(await ping(100)).toEqual(fxPing('agent-ping-ok'));
    const st = await run(statusCommand('qemu', 555));
    const fxSt = fixture('pve', 'qm-status-missing');
    expect(parseGuestStatus(st.stdout, st.stderr, st.exitCode)).toEqual(parseGuestStatus(fxSt.stdout, fxSt.stderr, fxSt.exitCode));
    const cfg = await run(guestConfigCommand('pve1', 'qemu', 555));
    const fxCfg = fixture('pve', 'guest-config-missing');
    expect(parseGuestConfig(cfg.stdout, cfg.stderr, cfg.exitCode)).toEqual(parseGuestConfig(fxCfg.stdout, fxCfg.stderr, fxCfg.exitCode));
  });
});

describe('reads have the fixtures shape', () => {
  it('guest config of a VM and a container', async () => {
    for (const [type, vmid, name] of [['qemu', 101, 'guest-config-qemu'], ['lxc', 102, 'guest-config-lxc']] as const) {
      const o = await run(guestConfigCommand('pve1', type, vmid));
      const parsed = expectOk(parseGuestConfig(o.stdout, o.stderr, o.exitCode), name);
      expect(parsed.disks.length).toBeGreaterThan(0);
      expect(parsed.nets[0]?.mac).toMatch(/^BC:24:11:/);
      // Config keys of a guest in another state than the recorded one (a snapshot's child, a lock, protection).
      expectSameFields(JSON.parse(o.stdout) as Record<string, unknown>, JSON.parse(fixture('pve', name).stdout) as Record<string, unknown>, name, ['parent', 'lock', 'protection', 'agent', 'template']);
    }
  });

  it('nextid, task status and task log', async () => {
    const next = await run(nextIdCommand());
    expect(typeof JSON.parse(next.stdout)).toBe(typeof JSON.parse(fixture('pve', 'nextid-normal').stdout));
    expect(expectOk(parseNextId(next.stdout, next.stderr, next.exitCode), 'nextid')).toBe(106);
    const taken = await run(nextIdCommand(100));
    const fxTaken = fixture('pve', 'nextid-vmid-taken');
    expect(parseNextId(taken.stdout, taken.stderr, taken.exitCode)).toEqual(parseNextId(fxTaken.stdout, fxTaken.stderr, fxTaken.exitCode));

    const t = pve().tasks.filter((x) => x.type === 'qmrestore' && x.status === 'OK').at(-1)!;
    const st = await run(taskStatusCommand('pve1', t.upid));
    expect(expectOk(parseTaskStatus(st.stdout, st.stderr, st.exitCode), 'status')).toMatchObject({ state: 'ok', type: 'qmrestore' });
    expect(Object.keys(JSON.parse(st.stdout) as object).sort()).toEqual(Object.keys(JSON.parse(fixture('pve', 'task-status-ok').stdout) as object).sort());
    const log = await run(taskLogCommand('pve1', t.upid));
    expect(expectOk(parseTaskLogWithEnd(log.stdout, log.stderr, log.exitCode), 'log').end).toEqual({ state: 'ok' });
    expect(Object.keys((JSON.parse(log.stdout) as object[])[0]!)).toEqual(Object.keys((JSON.parse(fixture('pve', 'task-log-restore-ok').stdout) as object[])[0]!));
  });
});
