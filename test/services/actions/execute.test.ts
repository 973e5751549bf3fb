/**
 * The executor against strict fake hosts, for every kind of outcome: ok,
 * warning, failed (and the clean-up it triggers), cancelled mid-stream (and
 * the PBS task it stops), transport failures, output that does not parse,
 * and the journal it writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executePlan, planAction, type ActionPlan, type ActionRequest, type OutputLine } from '../../../src/services/actions/index.js';
import { Journal } from '../../../src/services/journal/index.js';
import type { Command } from '../../../src/transport/command.js';
import { TransportError } from '../../../src/transport/errors.js';
import type { Runner } from '../../../src/transport/runner.js';
import { fixture, reply } from '../../helpers/fixtures.js';
import { failing } from '../../helpers/fake-runner.js';
import { FakeHosts } from '../../helpers/actions/fakes.js';
import { testInventory } from '../../helpers/actions/inventory.js';
import { MemoryJournal } from '../../helpers/actions/memory-journal.js';
import { StreamingFake } from '../../helpers/actions/streaming-fake.js';

const NOW = Date.parse('2024-01-31T02:00:01Z');
const inventory = testInventory();
let hosts: FakeHosts;
let journal: MemoryJournal;
let output: OutputLine[];

beforeEach(() => {
  hosts = new FakeHosts();
  journal = new MemoryJournal();
  output = [];
});
afterEach(() => hosts.assertAll());

async function planOf(
  req: ActionRequest,
  lookupEnv: (n: string) => string | undefined = () => undefined,
  probes: (planning: FakeHosts) => void = () => {},
): Promise<ActionPlan> {
  // Planning probes run against a separate fake, so only execution is checked below.
  const planning = new FakeHosts();
  probes(planning);
  const r = await planAction(req, { inventory, runnerFor: planning.runnerFor, lookupEnv, nowSec: () => NOW / 1000, newId: () => 'act-1' });
  planning.assertAll();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const LIST = (ds: string) => ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', ds];
const replicationVerify = () =>
  planOf({ kind: 'verify', layerId: 'nas-offsite' }, undefined, (p) => {
    p.host('nas1').on(LIST('tank/data'), '');
    p.host('nas2').on(LIST('tank/nas1/data'), '');
  });

const deps = (extra: { signal?: AbortSignal; runnerFor?: (h: string) => Runner } = {}) => ({
  runnerFor: extra.runnerFor ?? hosts.runnerFor,
  journal,
  operator: 'alice',
  onOutput: (l: OutputLine) => output.push(l),
  nowMs: () => NOW,
  ...(extra.signal ? { signal: extra.signal } : {}),
});

const RESTIC_ENV = { env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } };
const BACKUP = ['restic', 'backup', '--json', '--', '/srv/volumes', '/etc/docker'];

describe('outcomes from the tools\' own results', () => {
  it('ok: a restic backup with its snapshot id, streamed, journaled start / command / end', async () => {
    hosts.host('docker1').on(BACKUP, reply('restic', 'backup-0.14-normal'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'ok', exitCode: 0, summary: expect.stringMatching(/^restic backup: snapshot [0-9a-f]{8}/) });
    expect(out.verified).toBeUndefined();
    expect(output.length).toBeGreaterThan(0);
    expect(output[0]).toMatchObject({ step: 0, stream: 'stdout' });
    expect(journal.types).toEqual(['action-start', 'command', 'action-end']);
    expect(journal.entries[0]).toMatchObject({ actionId: 'act-1', operator: 'alice', steps: [{ host: 'docker1', command: 'RESTIC_REPOSITORY=/mnt/usb/restic RESTIC_PASSWORD_FILE=/root/.restic-pass restic backup --json -- /srv/volumes /etc/docker' }] });
    expect(journal.entries[2]).toMatchObject({ type: 'action-end', state: 'ok', request: { kind: 'run', layerId: 'restic-usb' } });
  });

  it('warning: restic exit 3 made a snapshot but could not read a file', async () => {
    hosts.host('docker1').on(BACKUP, reply('restic', 'backup-0.14-unreadable-file'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'warn', exitCode: 3, summary: expect.stringContaining('1 file could not be read (/tmp/rx3/d/secret)') });
  });

  it('failed + verified failed: restic check finds errors', async () => {
    hosts.host('docker1').on(['restic', 'check'], reply('restic', 'check-errors'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'failed', verified: 'failed', exitCode: 1, summary: 'restic check: Fatal: repository contains errors' });
  });

  it('ok + verified ok: a clean restic check that read the data', async () => {
    hosts.host('docker1').on(['restic', 'check', '--read-data-subset', '5%'], reply('restic', 'check-0.14-clean'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb', readDataSubset: '5%' }), deps());
    expect(out).toMatchObject({ state: 'ok', verified: 'ok', summary: 'restic check: no errors were found, 5% of the data read' });
    expect(journal.entries.at(-1)).toMatchObject({ verified: 'ok' });
  });

  it('ok but no proof: a clean restic check of the structure alone read no data, so it proves no restore', async () => {
    hosts.host('docker1').on(['restic', 'check'], reply('restic', 'check-0.14-clean'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'ok', summary: expect.stringMatching(/no errors were found in the structure \(no data read/) });
    expect(out.verified).toBeUndefined();
  });

  it('a check that fails for another reason (locked) proves nothing either way', async () => {
    hosts.host('docker1').on(['restic', 'check'], reply('restic', 'snapshots-0.14-locked'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb' }), deps());
    expect(out.state).toBe('failed');
    expect(out.verified).toBeUndefined();
    expect(out.summary).toMatch(/locked/);
  });

  it('failed: a vzdump job with a guest that failed, in vzdump\'s words', async () => {
    const plan: ActionPlan = { ...(await planOf({ kind: 'run', layerId: 'pve1-config' })), steps: [{ host: 'pve1', command: { argv: ['vzdump', '100', '104'] }, description: 'job', streams: true, output: { kind: 'vzdump' } }], cleanup: [] };
    hosts.host('pve1').on(['vzdump', '100', '104'], reply('pve', 'vzdump-job-failed'));
    const out = await executePlan(plan, deps());
    expect(out).toMatchObject({ state: 'failed', exitCode: 255, summary: expect.stringMatching(/^vzdump: backup of 104 failed - unable to create temporary directory/) });
  });

  it('never green from output that does not parse: exit 0 without vzdump\'s end line, rclone without stats', async () => {
    const base = await planOf({ kind: 'run', layerId: 'nas-glacier' });
    hosts.host('nas1').on(base.steps[0]!.command.argv, { stdout: 'all good, trust me\n' }, { env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } });
    const out = await executePlan(base, deps());
    expect(out).toMatchObject({ state: 'failed', exitCode: 0, summary: expect.stringContaining('could not read the result') });

    const vz: ActionPlan = { ...base, steps: [{ host: 'pve1', command: { argv: ['vzdump', '100'] }, description: 'x', streams: true, output: { kind: 'vzdump' } }] };
    hosts.host('pve1').on(['vzdump', '100'], reply('pve', 'vzdump-no-end'));
    expect((await executePlan(vz, deps())).state).toBe('failed');
  });

  it('marks an rclone copy whole only after a sync without errors: a sync that reported one leaves the old mark', async () => {
    const plan = await planOf({ kind: 'run', layerId: 'nas-glacier' });
    const env = { env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } };
    const stats = (errors: number) =>
      `${JSON.stringify({ level: 'info', msg: '6 B / 6 B, 100%', source: 'accounting/stats.go:482', stats: { bytes: 6, checks: 0, deletes: 0, errors, transfers: 3, totalTransfers: 3 } })}\n`;
    hosts.host('nas1').on(plan.steps[0]!.command.argv, { stderr: stats(1) }, env);
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'warn', summary: 'rclone sync: 3 files copied (6 B), 1 error' });
    // The mark step never ran (the fake host would have refused it); with a clean sync it does.
    hosts.host('nas1').on(plan.steps[0]!.command.argv, { stderr: stats(0) }, env).on(plan.steps[1]!.command.argv, '', env);
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'ok', summary: expect.stringMatching(/^rclone sync: 3 files copied \(6 B\); copy marked whole as of /) });
  });

  it('stops at the first failed step and cleans up: a config archive whose tar failed is removed, never renamed', async () => {
    const plan = await planOf({ kind: 'run', layerId: 'pve1-config' });
    hosts
      .host('pve1')
      .on(plan.steps[0]!.command.argv)
      .on(plan.steps[1]!.command.argv, failing(2, 'tar: etc/pve: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n'))
      .on(plan.cleanup![0]!.command.argv);
    const out = await executePlan(plan, deps());
    expect(out).toMatchObject({ state: 'failed', exitCode: 2, summary: expect.stringContaining('tar exited with 2') });
    expect(journal.commands.map((c) => c.split(' ')[0])).toEqual(['mkdir', 'tar', 'rm']);
    expect(out.details?.at(-1)).toMatch(/clean-up .* done/);
  });
});

describe('cancel', () => {
  it('cancels mid-stream: the remote process ends, the PBS task left in the server is stopped, nothing claims success', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'pbs-local' });
    const controller = new AbortController();
    const streaming = new StreamingFake('pbs1', ['verify datastore usb', 'found 2 groups', 'verify usb:vm/100/2024-01-31T02:00:01Z', '  check drive-scsi0.img.fidx'], (n) => {
      if (n === 3) controller.abort();
    });
    const rest = hosts.host('pbs1');
    const upid = 'UPID:pbs1:00001092:00001E61:00000001:65B9A9A1:verify:usb:root@pam:';
    rest.on(['proxmox-backup-manager', 'task', 'list', '--output-format', 'json'], fixture('pbs', 'task-list-running').stdout.replace('1706666401', String(NOW / 1000)));
    rest.on(['proxmox-backup-manager', 'task', 'stop', upid]);
    const router: Runner = {
      host: 'pbs1',
      run: (cmd: Command, o) => rest.run(cmd, o),
      stream: (cmd: Command, o) => (cmd.argv[1] === 'verify' ? streaming.stream(cmd, o) : rest.stream(cmd, o)),
      close: async () => {},
    };
    const out = await executePlan(plan, deps({ signal: controller.signal, runnerFor: () => router }));
    expect(streaming.cancelled).toBe(true);
    expect(out).toMatchObject({ state: 'cancelled', exitCode: null });
    expect(out.verified).toBeUndefined();
    expect(out.summary).toContain(`cancelled during step 1 of 2`);
    expect(out.summary).toContain(`stopped PBS task ${upid}`);
    expect(output.map((l) => l.text).slice(0, 3)).toEqual(['verify datastore usb', 'found 2 groups', 'verify usb:vm/100/2024-01-31T02:00:01Z']);
    expect(journal.entries[1]).toMatchObject({ type: 'command', exitCode: null, error: { kind: 'cancelled' } });
    expect(journal.commands.slice(1)).toEqual(['proxmox-backup-manager task list --output-format json', `proxmox-backup-manager task stop ${upid}`]);
    expect(journal.entries.at(-1)).toMatchObject({ type: 'action-end', state: 'cancelled' });
  });

  it('runs nothing when cancelled before the first step', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'restic-usb' }), deps({ signal: controller.signal }));
    expect(out).toMatchObject({ state: 'cancelled', exitCode: null });
    expect(journal.types).toEqual(['action-start', 'action-end']);
  });
});

describe('a cancel stops only the PBS task it started', () => {
  it('leaves a task of another datastore whose name merely contains this one alone (usb10 is not usb)', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'pbs-local' });
    const controller = new AbortController();
    const streaming = new StreamingFake('pbs1', ['verify datastore usb', 'found 2 groups'], (n) => {
      if (n === 1) controller.abort();
    });
    const rest = hosts.host('pbs1');
    const other = fixture('pbs', 'task-list-running').stdout.replace('1706666401', String(NOW / 1000)).replace('"worker_id":"usb","worker_type":"verify"', '"worker_id":"usb10","worker_type":"verify"');
    // The strict fake fails on any `task stop`: none may be sent.
    rest.on(['proxmox-backup-manager', 'task', 'list', '--output-format', 'json'], other);
    const router: Runner = {
      host: 'pbs1',
      run: (cmd: Command, o) => rest.run(cmd, o),
      stream: (cmd: Command, o) => (cmd.argv[1] === 'verify' ? streaming.stream(cmd, o) : rest.stream(cmd, o)),
      close: async () => {},
    };
    const out = await executePlan(plan, deps({ signal: controller.signal, runnerFor: () => router }));
    expect(out.state).toBe('cancelled');
    expect(out.summary).not.toContain('stopped PBS task');
  });
});

describe('failures around the tools', () => {
  it('an unreachable host fails the step with the transport\'s reason', async () => {
    hosts.host('docker1').on(BACKUP, new TransportError('unreachable', { host: 'docker1', detail: 'connect ECONNREFUSED' }), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'failed', exitCode: null, summary: expect.stringContaining('host docker1 is unreachable: connect ECONNREFUSED') });
  });

  it('a blocked plan runs nothing and says why', async () => {
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'nas-offsite' }), deps());
    expect(out).toMatchObject({ state: 'failed', summary: expect.stringContaining('syncoid') });
    expect(journal.commands).toEqual([]);
  });

  it('runs nothing when the journal cannot record the start', async () => {
    journal = new MemoryJournal(0);
    const out = await executePlan(await planOf({ kind: 'run', layerId: 'restic-usb' }), deps());
    expect(out).toMatchObject({ state: 'failed', summary: expect.stringContaining('not started: the journal cannot be written') });
  });

  it('says when the journal filled up during the action, never ok', async () => {
    journal = new MemoryJournal(1);
    hosts.host('docker1').on(['restic', 'check'], reply('restic', 'check-0.14-clean'), RESTIC_ENV);
    const out = await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb' }), deps());
    expect(out.state).toBe('warn');
    expect(out.summary).toMatch(/missing from the journal.*end entry could not be written/);
  });

  it('keeps secret values out of the streamed output and the journal', async () => {
    const SECRET = 'pw-from-env';
    const plan = await planOf({ kind: 'verify', layerId: 'restic-cloud' }, () => SECRET);
    hosts.host('docker1').on(['restic', 'check'], failing(1, `Fatal: wrong password ${SECRET}\n`, `echo ${SECRET}\n`), {
      env: { RESTIC_REPOSITORY: 's3:https://s3.example.com/strata-restic', AWS_DEFAULT_REGION: 'eu-central-1' },
      secrets: { RESTIC_PASSWORD: SECRET },
      secretsFrom: { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } },
    });
    const out = await executePlan(plan, deps());
    expect(JSON.stringify(journal.entries)).not.toContain(SECRET);
    expect(JSON.stringify(output)).not.toContain(SECRET);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(output.map((l) => l.text)).toContain('echo <secret>');
  });
});

describe('verifies', () => {
  it('PBS verify: ok with counts, failed with the snapshots that failed', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'pbs-local' });
    const states = (text: string) => hosts.host('pbs1').on(plan.steps[1]!.command.argv, text, { env: { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' } });
    const snap = (id: number, state?: string) => ({ 'backup-type': 'vm', 'backup-id': String(id), 'backup-time': 1706666401, files: [{ filename: 'index.json.blob' }], protected: false, ...(state ? { verification: { state, upid: 'UPID:pbs1:1:2:3:65B9A9A1:verify:usb:root@pam:' } } : {}) });

    hosts.host('pbs1').on(plan.steps[0]!.command.argv, reply('pbs', 'verify-text-ok'));
    states(JSON.stringify([snap(100, 'ok'), snap(102, 'ok')]));
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'ok', verified: 'ok', summary: 'verify ok: 2 snapshots verified, 1 skipped (verified recently); every snapshot of usb verified ok (2)' });
    // The job screen gets the task log and, for the read-back listing, what it says: never the raw JSON.
    const shown = output.filter((l) => l.step === 1).map((l) => l.text);
    expect(shown).toEqual(['read back the verify state of every snapshot in usb: every snapshot of usb verified ok (2)']);
    expect(output.some((l) => l.step === 0 && l.text.startsWith('verify datastore'))).toBe(true);

    hosts.host('pbs1').on(plan.steps[0]!.command.argv, reply('pbs', 'verify-text-failed'));
    expect(await executePlan(plan, deps())).toMatchObject({
      state: 'failed',
      verified: 'failed',
      exitCode: 255,
      summary: 'verify failed: verification failed - please check the log for details (vm/101/2024-01-31T02:00:01Z); 1 snapshot verified',
    });
  });

  it('PBS verify: a snapshot that failed before is skipped by PBS, and the read-back states still fail the verify', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'pbs-local' });
    const snap = (id: number, state?: string) => ({ 'backup-type': 'vm', 'backup-id': String(id), 'backup-time': 1706666401, files: [{ filename: 'index.json.blob' }], protected: false, ...(state ? { verification: { state, upid: 'UPID:pbs1:1:2:3:65B9A9A1:verify:usb:root@pam:' } } : {}) });
    hosts.host('pbs1').on(plan.steps[0]!.command.argv, reply('pbs', 'verify-text-ok'));
    hosts.host('pbs1').on(plan.steps[1]!.command.argv, JSON.stringify([snap(100, 'ok'), snap(101, 'failed')]), { env: { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' } });
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'failed', verified: 'failed', summary: '1 snapshot of usb failed verification: vm/101/2024-01-31T02:00:01Z (step 2 of 2)' });
    hosts.host('pbs1').on(plan.steps[0]!.command.argv, reply('pbs', 'verify-text-ok'));
    hosts.host('pbs1').on(plan.steps[1]!.command.argv, JSON.stringify([snap(100, 'ok'), snap(103)]), { env: { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' } });
    const partial = await executePlan(plan, deps());
    expect(partial).toMatchObject({ state: 'warn', summary: expect.stringContaining('1 snapshot of usb not verified yet') });
    expect(partial.verified).toBeUndefined();
  });

  it('rclone check: differences are a failed verify with the counts', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'nas-glacier' });
    hosts.host('nas1').on(plan.steps[0]!.command.argv, reply('rclone', 'check-1.60-differences'), { env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } });
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'failed', verified: 'failed', summary: 'rclone check: 1 missing on the remote, 1 differ; 1 match (* a.txt, + sub/b.txt)' });
  });

  it('rclone check without a hash both sides know compared sizes only: a warning, not proof', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'nas-glacier' });
    const sizeOnly = {
      stdout: '= a.txt\n= sub/b.txt\n',
      stderr: '2026/01/31 02:00:00 NOTICE: glacier: No common hash found - not using a hash for checks\n2026/01/31 02:00:00 NOTICE: glacier: 0 differences found\n',
    };
    hosts.host('nas1').on(plan.steps[0]!.command.argv, sizeOnly, { env: { RCLONE_CONFIG: '/root/.config/rclone/rclone.conf' } });
    const out = await executePlan(plan, deps());
    expect(out).toMatchObject({ state: 'warn', summary: 'rclone check: 2 files of equal size; no common hash, so contents were not compared' });
    expect(out.verified).toBeUndefined();
  });

  it('scrub: a recent clean scrub proves the pool as of the scrub; an old one or none is a warning', async () => {
    const plan = await planOf({ kind: 'verify', layerId: 'nas-snap' });
    const fresh = fixture('zfs', 'zpool-status-pool-openzfs-scrubbed');
    hosts.host('nas1').on(['zpool', 'status', 'tank'], fresh.stdout, { env: { LC_ALL: 'C', TZ: 'UTC' } });
    hosts.host('nas1').on(['zpool', 'status', 'fast'], fresh.stdout.replace(/tank/g, 'fast'), { env: { LC_ALL: 'C', TZ: 'UTC' } });
    const nowOk = Date.parse('2024-01-20T00:00:00Z');
    const ok = await executePlan(plan, { ...deps(), nowMs: () => nowOk });
    expect(ok).toMatchObject({ state: 'ok', verified: 'ok', provenAtSec: Date.parse('2024-01-14T00:36:32Z') / 1000 });
    expect(journal.entries.at(-1)).toMatchObject({ provenAt: '2024-01-14T00:36:32.000Z' });

    hosts.host('nas1').on(['zpool', 'status', 'tank'], fresh.stdout, { env: { LC_ALL: 'C', TZ: 'UTC' } });
    hosts.host('nas1').on(['zpool', 'status', 'fast'], reply('zfs', 'zpool-status-pool-zfs-fuse-never-scrubbed'), { env: { LC_ALL: 'C', TZ: 'UTC' } });
    const stale = await executePlan(plan, { ...deps(), nowMs: () => Date.parse('2024-03-01T00:00:00Z') });
    expect(stale.state).toBe('warn');
    expect(stale.verified).toBeUndefined();
    expect(stale.details).toEqual([expect.stringContaining('last scrub clean but 46 d ago (older than 35 d)'), expect.stringContaining('never scrubbed')]);

    hosts.host('nas1').on(['zpool', 'status', 'tank'], reply('zfs', 'zpool-status-pool-openzfs-scrub-errors'), { env: { LC_ALL: 'C', TZ: 'UTC' } });
    const bad = await executePlan(plan, deps());
    expect(bad).toMatchObject({ state: 'failed', verified: 'failed', summary: expect.stringContaining('last scrub found 2 errors') });
  });

  it('replication: compares both sides; no common snapshot breaks the chain', async () => {
    const plan = await replicationVerify();
    const line = (ds: string, n: string, t: number) => `${ds}@${n}\t${t}\t0\n`;
    const t0 = NOW / 1000 - 7200;
    hosts.host('nas1').on(plan.steps[0]!.command.argv, line('tank/data', 'a', t0) + line('tank/data', 'b', t0 + 3600));
    hosts.host('nas2').on(plan.steps[1]!.command.argv, line('tank/nas1/data', 'a', t0));
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'ok', verified: 'ok', summary: 'newest common @a, 2 h old; 1 newer on the source not yet on the target (newest @b)' });

    hosts.host('nas1').on(plan.steps[0]!.command.argv, line('tank/data', 'c', t0));
    hosts.host('nas2').on(plan.steps[1]!.command.argv, line('tank/nas1/data', 'a', t0));
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'failed', verified: 'failed', summary: expect.stringContaining('shares no snapshot') });
  });

  it('replication run: only the target\'s own list proves the snapshot arrived', async () => {
    const plan: ActionPlan = {
      ...(await replicationVerify()),
      compare: undefined,
      steps: [
        { host: 'nas1', command: { argv: ['sh', '-c', 'zfs send x | zfs recv -F y'] }, description: 'send', streams: true },
        { host: 'nas1', command: { argv: ['zfs', 'list', 'backup/data'] }, description: 'confirm', output: { kind: 'zfs-snapshots', dataset: 'backup/data', side: 'target', expect: 'new', form: 'list' } },
      ],
    };
    hosts.host('nas1').on(['sh', '-c', 'zfs send x | zfs recv -F y']).on(['zfs', 'list', 'backup/data'], 'backup/data@old\t1706600000\t0\n');
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'failed', summary: expect.stringContaining('backup/data@new is not on the target') });
  });

  it('config archive: every path present, or the missing ones named', async () => {
    const plan: ActionPlan = {
      ...(await planOf({ kind: 'run', layerId: 'restic-usb' })),
      request: { kind: 'verify', layerId: 'pve1-config' },
      steps: [{ host: 'pve1', command: { argv: ['tar', '-tzf', '/a.tar.gz'] }, description: 'list', output: { kind: 'tar-list', archive: '/a.tar.gz', paths: ['/etc/pve', '/etc/network'] } }],
    };
    hosts.host('pve1').on(['tar', '-tzf', '/a.tar.gz'], reply('config-backup', 'tar-list-missing-path'));
    expect(await executePlan(plan, deps())).toMatchObject({ state: 'failed', verified: 'failed', summary: '/a.tar.gz lacks /etc/network (4 entries)' });
  });
});

describe('journal file', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-exec-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the whole action to the real journal, readable back', async () => {
    const file = new Journal(join(dir, 'journal.jsonl'));
    hosts.host('docker1').on(['restic', 'check', '--read-data-subset', '5%'], reply('restic', 'check-0.14-clean'), RESTIC_ENV);
    await executePlan(await planOf({ kind: 'verify', layerId: 'restic-usb', readDataSubset: '5%' }), { ...deps(), journal: file });
    const back = await file.read();
    expect(back.problems).toEqual([]);
    expect(back.entries.map((e) => e.type)).toEqual(['action-start', 'command', 'action-end']);
    expect(await readFile(file.path, 'utf8')).toContain('"verified":"ok"');
  });
});
