/**
 * Actions change the lab's state as the real tools change a host: vzdump
 * adds an archive or a PBS snapshot and a task (and prunes with the retention
 * engine), a kill ends a streaming vzdump and marks its task, verify sets
 * verification states, a sync copies to pbs2, restic backup adds a snapshot,
 * rollbacks remove newer snapshots, restores create guests (and refuse an
 * existing VMID without --force), prune follows planRetention, replication
 * and rclone move data.
 */
import { describe, expect, it } from 'vitest';
import { archiveCommands, listArchivesCommand } from '../../src/adapters/config-backup/commands.js';
import { verifyDatastoreCommand } from '../../src/adapters/pbs/jobs.js';
import { archiveTestCommand, pvesmPathCommand } from '../../src/adapters/pve/vzdump.js';
import { zfsSendRecvCommand, zfsSnapshotCommand } from '../../src/adapters/zfs/actions.js';
import { parseKeepOptions, planRetention } from '../../src/domain/retention/index.js';
import type { Lab } from '../../src/lab/index.js';
import type { Command } from '../../src/transport/command.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const run = (host: string, cmd: Command | string[]) => runners.get(host).run(Array.isArray(cmd) ? { argv: cmd } : cmd);
const pve = () => lab.state.hosts.pve1!.pve!;
const usb = () => lab.state.hosts.pbs1!.pbs!.datastores.usb!;
const offsite = () => lab.state.hosts.pbs2!.pbs!.datastores.offsite!;
const keep = (text: string) => {
  const k = parseKeepOptions(text);
  if (!k.ok) throw new Error(k.error.message);
  return k.value;
};
const pbsEnv = { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' };
const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('vzdump', () => {
  it('streams its log, adds an archive and a task, and prunes the guest with the job retention', async () => {
    const storage = pve().storages['local-backup']!;
    const before = storage.archives!.filter((a) => a.vmid === 102).map((a) => a.ctime);
    let firstLineAt = 0;
    const lines: string[] = [];
    const res = await runners.get('pve1').stream(
      { argv: ['vzdump', '102', '--storage', 'local-backup', '--mode', 'snapshot', '--compress', 'zstd', '--prune-backups', 'keep-daily=3,keep-weekly=2', '--notes-template', '{{guestname}}'] },
      { onStdout: (l) => (lines.push(l), (firstLineAt ||= Date.now())) },
    );
    const doneAt = Date.now();
    expect(res.exitCode).toBe(0);
    expect(doneAt - firstLineAt).toBeGreaterThan(40);
    expect(lines[0]).toMatch(/^INFO: starting new backup job: vzdump 102 --storage local-backup --mode snapshot --compress zstd/);
    expect(lines).toContain('INFO: Starting Backup of VM 102 (lxc)');
    expect(lines.at(-1)).toBe('INFO: Backup job finished successfully');
    const created = storage.archives!.find((a) => a.vmid === 102 && !before.includes(a.ctime))!;
    expect(created.filename).toMatch(/^vzdump-lxc-102-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.tar\.zst$/);
    expect(created.notes).toBe('dns01');
    expect(lines).toContain(`INFO: creating vzdump archive '/mnt/backup/dump/${created.filename}'`);
    // The survivors are what the retention engine keeps of the old ones plus the new one.
    const plan = planRetention([...before, created.ctime].map((timeSec) => ({ timeSec })), keep('keep-daily=3,keep-weekly=2'), { semantics: 'pve', timeZone: 'UTC' });
    const kept = plan.filter((d) => d.action === 'keep').map((d) => d.timeSec).sort();
    expect(storage.archives!.filter((a) => a.vmid === 102).map((a) => a.ctime).sort()).toEqual(kept);
    const tasks = JSON.parse((await run('pve1', ['pvesh', 'get', '/nodes/pve1/tasks', '--typefilter', 'vzdump', '--limit', '1', '--output-format', 'json'])).stdout) as Record<string, unknown>[];
    expect(tasks[0]).toMatchObject({ id: '102', status: 'OK', type: 'vzdump' });
    const log = JSON.parse((await run('pve1', ['pvesh', 'get', `/nodes/pve1/tasks/${tasks[0]!.upid as string}/log`, '--limit', '1000', '--output-format', 'json'])).stdout) as { t: string }[];
    expect(log.map((l) => l.t)).toEqual([...lines, 'TASK OK']);
  });

  it('to the PBS storage: a new snapshot on pbs1, listed by the PVE storage and the PBS client', async () => {
    const count = usb().snapshots.filter((s) => s.id === '100').length;
    const res = await run('pve1', ['vzdump', '100', '--storage', 'pbs1', '--mode', 'snapshot', '--notes-template', '{{guestname}}']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/INFO: creating Proxmox Backup Server archive 'vm\/100\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z'/);
    expect(res.stdout).toContain('INFO: backup was done incrementally');
    const snaps = usb().snapshots.filter((s) => s.id === '100');
    expect(snaps).toHaveLength(count + 1);
    const newest = snaps.sort((a, b) => b.time - a.time)[0]!;
    const content = JSON.parse((await run('pve1', ['pvesh', 'get', '/nodes/pve1/storage/pbs1/content', '--vmid', '100', '--output-format', 'json'])).stdout) as { ctime: number; notes: string }[];
    expect(content.some((c) => c.ctime === newest.time && c.notes === 'web01')).toBe(true);
  });

  it('pvesm path finds an archive that zstd -t reads back; a damaged one fails the test', async () => {
    const archive = pve().storages['local-backup']!.archives!.find((a) => a.vmid === 103)!;
    const path = await run('pve1', pvesmPathCommand(`local-backup:backup/${archive.filename}`));
    expect(path).toMatchObject({ exitCode: 0, stdout: `/mnt/backup/dump/${archive.filename}\n` });
    const test = archiveTestCommand(path.stdout.trim())!;
    expect(test.argv[0]).toBe('zstd');
    expect(await run('pve1', test)).toMatchObject({ exitCode: 0, stderr: '' });
    archive.corrupt = true;
    const bad = await run('pve1', test);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Decoding error');
    delete archive.corrupt;
  });

  it('fails a job for a missing guest with `job errors` on stderr and exit 255', async () => {
    const res = await run('pve1', ['vzdump', '999', '--storage', 'local-backup']);
    expect(res).toMatchObject({ exitCode: 255, stderr: 'job errors\n' });
    expect(res.stdout).toContain("ERROR: Backup of VM 999 failed - unable to find configuration file for VM 999 on node 'pve1'");
    expect(res.stdout).toContain('INFO: Backup job finished with errors');
  });

  it('is ended by a cancel: the task is marked interrupted, the guest unlocked, no archive written', async () => {
    const storage = pve().storages['local-backup']!;
    const archives = storage.archives!.length;
    const ac = new AbortController();
    const p = runners.get('pve1').stream(
      { argv: ['vzdump', '--all', '1', '--storage', 'local-backup', '--mode', 'snapshot'] },
      { signal: ac.signal, onStdout: (l) => (/^INFO: +\d+% /.test(l) ? ac.abort() : undefined) },
    );
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    await waitFor(() => !lab.running('pve1').some((x) => x.argv[0] === 'vzdump'));
    const task = pve().tasks.at(-1)!;
    expect(task).toMatchObject({ type: 'vzdump', status: 'interrupted by signal' });
    expect(task.running).toBeUndefined();
    expect(task.log).toContain('ERROR: Backup of VM 100 failed - interrupted by signal');
    expect(pve().guests['100']!.lock).toBeUndefined();
    expect(storage.archives!.length).toBe(archives);
  });
});

describe('PBS', () => {
  it('verify in json mode prints the UPID at once; the task then sets every verification state', async () => {
    const r = await run('pbs1', ['proxmox-backup-manager', 'verify', 'usb', '--ignore-verified', 'false', '--output-format', 'json']);
    expect(r.exitCode).toBe(0);
    const upid = JSON.parse(r.stdout) as string;
    expect(upid).toMatch(/^UPID:pbs1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:verify:usb:root@pam:$/);
    const task = () => lab.state.hosts.pbs1!.pbs!.tasks.find((t) => t.upid === upid)!;
    expect(task().running).toBe(true);
    await waitFor(() => task().status !== undefined, 20_000);
    expect(task().status).toBe('OK');
    expect(usb().snapshots.every((s) => s.verification?.upid === upid && s.verification.state === 'ok')).toBe(true);
    const listed = JSON.parse((await run('pbs1', ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '5', '--output-format', 'json'])).stdout) as { upid: string; status: string }[];
    expect(listed.find((t) => t.upid === upid)).toMatchObject({ status: 'OK' });
  });

  it('verify (text) of a damaged snapshot fails: state failed, task error, exit 255', async () => {
    const victim = usb().snapshots.find((s) => s.id === '103')!;
    victim.corrupt = true;
    delete victim.verification;
    const r = await run('pbs1', ['proxmox-backup-manager', 'verify', 'usb']);
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toBe('Error: task failed (status verification failed - please check the log for details)\n');
    expect(r.stdout).toContain('Failed to verify the following snapshots/groups:');
    // Read again: the verify task changed it behind TypeScript's narrowing.
    expect(usb().snapshots.find((s) => s === victim)?.verification?.state).toBe('failed');
  });

  it('client list shows the groups; restore of a config archive to stdout prints the guest config', async () => {
    const repo = ['--repository', 'strata@pbs!ro@127.0.0.1:usb'];
    const groups = JSON.parse((await run('pbs1', { argv: ['proxmox-backup-client', 'list', ...repo, '--output-format', 'json'], env: pbsEnv })).stdout) as Record<string, unknown>[];
    expect(groups.find((g) => g['backup-type'] === 'vm' && g['backup-id'] === '100')).toMatchObject({ owner: 'root@pam', comment: 'web01' });
    const snap = usb().snapshots.filter((s) => s.id === '100').sort((a, b) => b.time - a.time)[0]!;
    const path = `vm/100/${new Date(snap.time * 1000).toISOString().replace('.000', '')}`;
    const conf = await run('pbs1', { argv: ['proxmox-backup-client', 'restore', path, 'qemu-server.conf', '-', ...repo], env: pbsEnv });
    expect(conf.exitCode).toBe(0);
    expect(conf.stdout).toContain('name: web01\n');
    const img = await run('pbs1', { argv: ['proxmox-backup-client', 'restore', path, 'drive-scsi0.img', '/tmp/disk.raw', ...repo], env: pbsEnv });
    expect(img.exitCode).toBe(0);
    expect(lab.state.hosts.pbs1!.fs.files['/tmp/disk.raw']!.size).toBe(32 * 2 ** 30);
  });

  it('a verify job run verifies only what is unverified or outdated', async () => {
    const snap = usb().snapshots.find((s) => s.id === '121')!;
    delete snap.verification;
    const r = await run('pbs1', ['proxmox-backup-manager', 'verify-job', 'run', 'v-5b1c9d30-e4a8']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.match(/^verify usb:/gm)).toHaveLength(1);
    expect(usb().snapshots.find((s) => s === snap)?.verification?.state).toBe('ok');
    // As PBS's verify_all_backups logs it: every group in order with all its snapshots, the
    // ones the filter leaves out SKIPPED, StoreProgress after each, newest first.
    const lines = r.stdout.split('\n');
    const groupCount = new Set(usb().snapshots.map((s) => `${s.type}/${s.id}`)).size;
    expect(lines.slice(0, 3)).toEqual(['verify datastore usb', `found ${groupCount} groups`, expect.stringMatching(/^verify group usb:vm\/100 \(\d+ snapshots\)$/)]);
    expect(r.stdout.match(/^verify group usb:/gm)).toHaveLength(groupCount);
    expect(r.stdout.match(/^SKIPPED: verify usb:\S+ \(recently verified\)$/gm)).toHaveLength(usb().snapshots.length - 1);
    expect(r.stdout.match(/^percentage done: /gm)).toHaveLength(usb().snapshots.length);
    expect(r.stdout).toMatch(new RegExp(`^percentage done: 100\\.00% \\(${groupCount}/${groupCount} groups\\)$`, 'm'));
    const groupOrder = lines.filter((l) => l.startsWith('verify group ')).map((l) => l.split(' ')[2]!.replace('usb:', ''));
    const types = groupOrder.map((g) => g.split('/')[0]);
    expect(types).toEqual([...types].sort((a, b) => ['vm', 'ct', 'host'].indexOf(a!) - ['vm', 'ct', 'host'].indexOf(b!)));
  });

  it('a killed follower leaves the verify task running in the server; task stop aborts it', async () => {
    for (const x of usb().snapshots) delete x.verification;
    const ac = new AbortController();
    const p = runners.get('pbs1').stream(verifyDatastoreCommand('usb'), { signal: ac.signal, onStdout: (l) => (l.startsWith('verify usb:') ? ac.abort() : undefined) });
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    const task = lab.state.hosts.pbs1!.pbs!.tasks.filter((t) => t.workerType === 'verify').at(-1)!;
    expect(task.running).toBe(true);
    const running = JSON.parse((await run('pbs1', ['proxmox-backup-manager', 'task', 'list', '--output-format', 'json'])).stdout) as { upid: string }[];
    expect(running.map((t) => t.upid)).toEqual([task.upid]);
    expect((await run('pbs1', ['proxmox-backup-manager', 'task', 'stop', task.upid])).exitCode).toBe(0);
    await waitFor(() => task.status !== undefined);
    expect(task.status).toBe('abort requested - aborting task');
    expect(usb().snapshots.some((x) => x.verification === undefined)).toBe(true);
  });

  it('a sync job run pulls the new snapshots of pbs1 into pbs2', async () => {
    await run('pve1', ['vzdump', '101', '--storage', 'pbs1']);
    const newest = usb().snapshots.filter((s) => s.id === '101').sort((a, b) => b.time - a.time)[0]!;
    expect(offsite().snapshots.some((s) => s.id === '101' && s.time === newest.time)).toBe(false);
    const r = await run('pbs2', ['proxmox-backup-manager', 'sync-job', 'run', 's-3c4d5e6f-1a2b']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`sync snapshot vm/101/${new Date(newest.time * 1000).toISOString().replace('.000', '')}`);
    const copy = offsite().snapshots.find((s) => s.id === '101' && s.time === newest.time)!;
    expect(copy).toBeDefined();
    expect(copy.verification).toBeUndefined();
  });

  it('client prune keeps exactly what planRetention keeps (PBS semantics), and removes the rest', async () => {
    const times = usb().snapshots.filter((s) => s.type === 'vm' && s.id === '120').map((s) => s.time);
    for (const t of [1, 2, 3, 4]) {
      // Extra snapshots so the prune has something to decide.
      usb().snapshots.push({ ...usb().snapshots.find((s) => s.id === '120')!, time: Math.min(...times) - t * 86_400 * 3 });
    }
    const all = usb().snapshots.filter((s) => s.id === '120').map((s) => s.time);
    const expected = planRetention(all.map((timeSec) => ({ timeSec })), keep('keep-daily=2,keep-weekly=1'), { semantics: 'pbs', timeZone: 'UTC' });
    const cmd = (dry: boolean): Command => ({ argv: ['proxmox-backup-client', 'prune', 'vm/120', '--keep-daily', '2', '--keep-weekly', '1', ...(dry ? ['--dry-run'] : []), '--repository', 'strata@pbs!ro@127.0.0.1:usb', '--output-format', 'json'], env: pbsEnv });
    const dry = JSON.parse((await run('pbs1', cmd(true))).stdout) as { 'backup-time': number; keep: boolean }[];
    expect(dry.map((d) => [d['backup-time'], d.keep])).toEqual(expected.map((d) => [d.timeSec, d.action === 'keep']));
    expect(usb().snapshots.filter((s) => s.id === '120')).toHaveLength(all.length);
    await run('pbs1', cmd(false));
    expect(usb().snapshots.filter((s) => s.id === '120').map((s) => s.time).sort()).toEqual(expected.filter((d) => d.action === 'keep').map((d) => d.timeSec).sort());
    const zero = await run('pbs1', { ...cmd(true), argv: ['proxmox-backup-client', 'prune', 'vm/120', '--keep-daily', '0', '--repository', 'strata@pbs!ro@127.0.0.1:usb'] });
    expect(zero.exitCode).toBe(255);
    expect(zero.stderr).toContain('keep-daily: value must have a minimum value of 1');
  });
});

describe('PBS jobs, garbage collection and scrubs', () => {
  it('lists the verify, sync and prune jobs in PBS kebab-case', async () => {
    const list = async (what: string) => JSON.parse((await run('pbs2', ['proxmox-backup-manager', what, 'list', '--output-format', 'json'])).stdout) as Record<string, unknown>[];
    expect(await list('sync-job')).toEqual([expect.objectContaining({ id: 's-3c4d5e6f-1a2b', store: 'offsite', remote: 'pbs1', 'remote-store': 'usb', 'remove-vanished': false })]);
    expect((await list('verify-job'))[0]).toMatchObject({ store: 'offsite', 'ignore-verified': true, 'outdated-after': 30 });
    expect((await list('prune-job'))[0]).toMatchObject({ store: 'offsite', 'keep-daily': 14, 'keep-weekly': 8, 'keep-monthly': 6 });
  });

  it('a prune job run leaves each group as planRetention says', async () => {
    const group = () => offsite().snapshots.filter((s) => s.type === 'vm' && s.id === '110');
    const extra = group()[0]!;
    for (const d of [40, 41, 42]) offsite().snapshots.push({ ...extra, time: extra.time - d * 86_400 });
    const expected = planRetention(group().map((s) => ({ timeSec: s.time })), keep('keep-daily=14,keep-weekly=8,keep-monthly=6'), { semantics: 'pbs', timeZone: 'UTC' });
    const r = await run('pbs2', ['proxmox-backup-manager', 'prune-job', 'run', 'p-2d7e0b94-6f13']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('retention options: --keep-daily 14 --keep-weekly 8 --keep-monthly 6');
    expect(group().map((s) => s.time).sort()).toEqual(expected.filter((d) => d.action === 'keep').map((d) => d.timeSec).sort());
  });

  it('garbage collection runs as a task and reports its status', async () => {
    const r = await run('pbs1', ['proxmox-backup-manager', 'garbage-collection', 'start', 'usb']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^starting garbage collection on store usb\n/);
    const st = JSON.parse((await run('pbs1', ['proxmox-backup-manager', 'garbage-collection', 'status', 'usb', '--output-format', 'json'])).stdout) as Record<string, unknown>;
    expect(st.upid).toBe(lab.state.hosts.pbs1!.pbs!.tasks.at(-1)!.upid);
    expect(typeof st['disk-bytes']).toBe('number');
  });

  it('zpool scrub scans for a while, then zpool status reports it finished', async () => {
    expect((await run('nas1', ['zpool', 'scrub', 'tank'])).exitCode).toBe(0);
    expect((await run('nas1', ['zpool', 'status', 'tank'])).stdout).toMatch(/ {2}scan: scrub in progress since .+\n\t.+ scanned at .+\n\t0B repaired, [\d.]+% done/);
    expect((await run('nas1', ['zpool', 'scrub', 'tank'])).stderr).toBe("cannot scrub tank: currently scrubbing; use 'zpool scrub -s' to cancel current scrub\n");
    await waitFor(() => lab.state.hosts.nas1!.zfs!.pools.tank!.scan!.state === 'finished');
    expect((await run('nas1', ['zpool', 'status', 'tank'])).stdout).toMatch(/ {2}scan: scrub repaired 0B in \d{2}:\d{2}:\d{2} with 0 errors on /);
  });
});

describe('restic', () => {
  const env = { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' };

  it('backup streams status lines and a summary, and adds a snapshot', async () => {
    const before = lab.state.hosts.docker1!.resticRepos!['/mnt/usb/restic']!.snapshots.length;
    const lines: string[] = [];
    const res = await runners.get('docker1').stream({ argv: ['restic', 'backup', '--json', '--host', 'docker1', '--', '/srv/app'], env }, { onStdout: (l) => lines.push(l) });
    expect(res.exitCode).toBe(0);
    const msgs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(msgs.filter((m) => m.message_type === 'status').length).toBeGreaterThan(2);
    const summary = msgs.at(-1)!;
    expect(summary).toMatchObject({ message_type: 'summary' });
    expect(summary.snapshot_id).toMatch(/^[0-9a-f]{64}$/);
    const list = JSON.parse((await run('docker1', { argv: ['restic', 'snapshots', '--json'], env })).stdout) as { id: string; parent?: string }[];
    expect(list).toHaveLength(before + 1);
    expect(list.at(-1)!.id).toBe(summary.snapshot_id);
    expect(list.at(-1)!.parent).toBe(list.at(-2)!.id);
  });

  it('backup of paths that do not exist fails as restic does', async () => {
    const res = await run('docker1', { argv: ['restic', 'backup', '--json', '--', '/nope'], env });
    expect(res).toMatchObject({ exitCode: 1 });
    expect(res.stderr).toBe('Fatal: all source directories/files do not exist\n');
  });

  it('forget keeps exactly what planRetention keeps (restic semantics)', async () => {
    const repo = lab.state.hosts.docker1!.resticRepos!['/mnt/usb/restic']!;
    const times = repo.snapshots.map((s) => Date.parse(s.time) / 1000);
    const expected = planRetention(times.map((timeSec) => ({ timeSec })), keep('keep-daily=3,keep-weekly=1'), { semantics: 'restic', timeZone: 'UTC', nowSec: Date.now() / 1000 });
    const res = await run('docker1', { argv: ['restic', 'forget', '--json', '--keep-daily', '3', '--keep-weekly', '1'], env });
    expect(res.exitCode).toBe(0);
    const [group] = JSON.parse(res.stdout) as { keep: { time: string }[]; remove: { time: string }[] | null; reasons: { matches: string[] }[] }[];
    expect(group!.keep.map((s) => Date.parse(s.time) / 1000).sort()).toEqual(expected.filter((d) => d.action === 'keep').map((d) => d.timeSec).sort());
    expect(group!.remove!.length).toBe(expected.filter((d) => d.action === 'remove').length);
    expect(group!.reasons[0]!.matches[0]).toMatch(/^(daily|weekly) snapshot$/);
    expect(repo.snapshots).toHaveLength(group!.keep.length);
  });

  it('stats answers in restore-size and raw-data modes', async () => {
    const size = JSON.parse((await run('docker1', { argv: ['restic', 'stats', '--json'], env })).stdout) as Record<string, number>;
    expect(Object.keys(size)).toEqual(['total_size', 'total_file_count', 'snapshots_count']);
    const raw = JSON.parse((await run('docker1', { argv: ['restic', 'stats', '--json', '--mode', 'raw-data'], env })).stdout) as Record<string, number>;
    expect(raw).toHaveProperty('total_blob_count');
    expect(raw.snapshots_count).toBe(size.snapshots_count);
  });

  it('check finds no errors; restore writes the files', async () => {
    const check = await run('docker1', { argv: ['restic', 'check', '--read-data-subset', '5%'], env });
    expect(check.exitCode).toBe(0);
    expect(check.stdout.trimEnd().split('\n').at(-1)).toBe('no errors were found');
    const r = await run('docker1', { argv: ['restic', 'restore', 'latest', '--target', '/tmp/restore', '--include', '/srv/app/config'], env });
    expect(r.exitCode).toBe(0);
    expect(Object.keys(lab.state.hosts.docker1!.fs.files)).toContain('/tmp/restore/srv/app/config/app.yaml');
  });
});

describe('snapshots and rollbacks', () => {
  // PVE never removes newer snapshots on rollback (pve-guest-common snapshot_rollback; restore-formats §1):
  // on LVM-thin they stay as a branch, ZFS refuses the rollback instead (test/lab/guest-restore.test.ts).
  it('qm rollback on LVM-thin goes back to an older snapshot and keeps the newer ones as a branch', async () => {
    for (const name of ['before_a', 'before_b', 'before_c']) expect((await run('pve1', ['qm', 'snapshot', '104', name, '--description', name])).exitCode).toBe(0);
    expect((await run('pve1', ['qm', 'snapshot', '104', 'before_a'])).stderr).toBe("snapshot name 'before_a' already used\n");
    const r = await run('pve1', ['qm', 'rollback', '104', 'before_a']);
    expect(r.exitCode).toBe(0);
    const list = JSON.parse((await run('pve1', ['pvesh', 'get', '/nodes/pve1/qemu/104/snapshot', '--output-format', 'json'])).stdout) as { name: string; parent?: string }[];
    expect(list.map((s) => s.name).sort()).toEqual(['before_a', 'before_b', 'before_c', 'before_upgrade', 'current']);
    expect(list.find((s) => s.name === 'current')!.parent).toBe('before_a');
    expect(list.find((s) => s.name === 'before_b')!.parent).toBe('before_a');
    expect((await run('pve1', ['qm', 'listsnapshot', '104'])).stdout).toMatch(/^`-> before_upgrade +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} +pre-upgrade state.*\n `-> before_a +[\d-]+ [\d:]+ +before_a\n {2}`-> current +You are here!\n {2}`-> before_b +[\d-]+ [\d:]+ +before_b\n {3}`-> before_c +[\d-]+ [\d:]+ +before_c\n$/);
    expect((await run('pve1', ['qm', 'snapshot', '104', '1bad'])).exitCode).toBe(255);
  });

  it('qm delsnapshot removes one snapshot and re-links its child to its parent', async () => {
    await run('pve1', ['qm', 'snapshot', '101', 'x1']);
    await run('pve1', ['qm', 'snapshot', '101', 'x2']);
    const parentOfX1 = pve().guests['101']!.snapshots.find((s) => s.name === 'x1')!.parent;
    expect((await run('pve1', ['qm', 'delsnapshot', '101', 'x1'])).exitCode).toBe(0);
    expect(pve().guests['101']!.snapshots.find((s) => s.name === 'x2')!.parent).toBe(parentOfX1);
    expect(await run('pve1', ['qm', 'delsnapshot', '101', 'x1'])).toMatchObject({ exitCode: 255, stderr: "snapshot 'x1' does not exist\n" });
  });

  it('zfs rollback refuses while newer snapshots exist, and with -r destroys them', async () => {
    await run('nas1', ['zfs', 'snapshot', 'tank/media@one']);
    await run('nas1', ['zfs', 'snapshot', 'tank/media@two']);
    const refused = await run('nas1', ['zfs', 'rollback', 'tank/media@one']);
    expect(refused).toMatchObject({ exitCode: 1, stderr: "cannot rollback to 'tank/media@one': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\ntank/media@two\n" });
    expect((await run('nas1', ['zfs', 'rollback', '-r', 'tank/media@one'])).exitCode).toBe(0);
    const names = lab.state.hosts.nas1!.zfs!.datasets['tank/media']!.snapshots.map((s) => s.name);
    expect(names).toContain('one');
    expect(names).not.toContain('two');
  });
});

describe('restores', () => {
  it('qmrestore creates the guest, refuses an existing VMID without --force, overwrites with it', async () => {
    const archive = pve().storages['local-backup']!.archives!.find((a) => a.vmid === 100)!;
    const volid = `local-backup:backup/${archive.filename}`;
    const first = await run('pve1', ['qmrestore', volid, '900', '--storage', 'local-lvm']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`restore vma archive: zstd -q -d -c /mnt/backup/dump/${archive.filename} | vma extract`);
    const guests = JSON.parse((await run('pve1', ['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'])).stdout) as { vmid: number; name: string; status: string }[];
    expect(guests.find((g) => g.vmid === 900)).toMatchObject({ name: 'web01', status: 'stopped' });
    const again = await run('pve1', ['qmrestore', volid, '900']);
    expect(again).toMatchObject({ exitCode: 255, stdout: '', stderr: "unable to restore VM 900 - VM 900 already exists on node 'pve1'\n" });
    expect(await run('pve1', ['qmrestore', volid, '100'])).toMatchObject({ exitCode: 255 });
    expect((await run('pve1', ['qmrestore', volid, '900', '--force'])).exitCode).toBe(0);
    expect((await run('pve1', ['qm', 'destroy', '900', '--purge'])).exitCode).toBe(0);
    expect(pve().guests['900']).toBeUndefined();
  });

  it('pct restore from a PBS snapshot creates the container; a damaged snapshot fails the restore', async () => {
    const snap = usb().snapshots.filter((s) => s.id === '105').sort((a, b) => b.time - a.time)[0]!;
    const volid = `pbs1:backup/ct/105/${new Date(snap.time * 1000).toISOString().replace('.000', '')}`;
    const r = await run('pve1', ['pct', 'restore', '901', volid, '--storage', 'local-lvm']);
    expect(r.exitCode).toBe(0);
    expect(pve().guests['901']).toMatchObject({ type: 'lxc', name: 'nextcloud' });
    snap.corrupt = true;
    const bad = await run('pve1', ['pct', 'restore', '902', volid]);
    expect(bad.exitCode).toBe(255);
    expect(pve().guests['902']).toBeUndefined();
    delete snap.corrupt;
  });
});

describe('replication, cloud and config archives', () => {
  it('syncoid sends the new snapshots and keeps one sync snapshot on each side', async () => {
    const r = await run('nas1', ['syncoid', '--no-privilege-elevation', 'tank/data', 'backup/data']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Sending incremental tank\/data@syncoid_nas1_.+ \.\.\. syncoid_nas1_/);
    const zfs = lab.state.hosts.nas1!.zfs!;
    for (const ds of ['tank/data', 'backup/data']) {
      const sync = zfs.datasets[ds]!.snapshots.filter((s) => s.name.startsWith('syncoid_nas1_'));
      expect(sync).toHaveLength(1);
    }
    expect(zfs.datasets['backup/data']!.snapshots.at(-1)!.guid).toBe(zfs.datasets['tank/data']!.snapshots.at(-1)!.guid);
  });

  it("zfs send | zfs recv through a shell replicates a snapshot (the adapter's positional sh -c)", async () => {
    await run('nas1', zfsSnapshotCommand('tank/data', 'manual'));
    const common = lab.state.hosts.nas1!.zfs!.datasets['backup/data']!.snapshots.at(-1)!.name;
    const r = await run('nas1', zfsSendRecvCommand({ source: 'tank/data', snapshot: 'manual', target: 'backup/data', from: common }));
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lab.state.hosts.nas1!.zfs!.datasets['backup/data']!.snapshots.at(-1)!.name).toBe('manual');
    const full = await run('nas1', zfsSendRecvCommand({ source: 'tank/data', snapshot: 'manual', target: 'backup/copy' }));
    expect(full.exitCode).toBe(0);
    expect(lab.state.hosts.nas1!.zfs!.datasets['backup/copy']!.snapshots.map((x) => x.name)).toEqual(['manual']);
  });

  it('zfs send -I carries every snapshot in between, -i only the last; both refuse as zfs does', async () => {
    const zfs = lab.state.hosts.nas1!.zfs!;
    const names = (ds: string) => zfs.datasets[ds]!.snapshots.map((s) => s.name);
    for (const n of ['i1', 'i2', 'i3']) await run('nas1', zfsSnapshotCommand('tank/data', n));
    const pipe = (flag: string, from: string, to: string, target: string) => run('nas1', ['sh', '-c', `zfs send ${flag} "$1" "$2" | zfs recv -F "$3"`, 'sh', from, to, target]);
    expect(await pipe('-I', 'tank/data@manual', 'tank/data@i2', 'backup/data')).toMatchObject({ exitCode: 0, stderr: '' });
    expect(names('backup/data').slice(-3)).toEqual(['manual', 'i1', 'i2']);
    expect(await run('nas1', zfsSendRecvCommand({ source: 'tank/data', snapshot: 'i1', target: 'backup/copy2' }))).toMatchObject({ exitCode: 0 });
    expect(await pipe('-i', 'tank/data@i1', 'tank/data@i3', 'backup/copy2')).toMatchObject({ exitCode: 0 });
    expect(names('backup/copy2')).toEqual(['i1', 'i3']);
    const refuse = async (argv: string[]) => run('nas1', ['zfs', 'send', ...argv]);
    expect(await refuse(['-I', 'backup/data@i1', 'tank/data@i3'])).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^incremental source must be in same filesystem\nusage:\n/) });
    expect(await refuse(['-I', '@nope', 'tank/data@i3'])).toMatchObject({ exitCode: 1, stderr: 'WARNING: could not send tank/data@i3:\nincremental source (tank/data@nope) does not exist\n' });
    expect(await refuse(['-I', 'tank/data@i3', 'tank/data@i1'])).toMatchObject({ exitCode: 1, stderr: 'WARNING: could not send tank/data@i1:\nincremental source (tank/data@i3) is not earlier than it\n' });
  });

  it('Glacier objects need a restore request before rclone can copy them', async () => {
    const refused = await run('nas1', ['rclone', 'copy', 'glacier:strata-nas/data/documents/contracts', '/tmp/thaw']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("InvalidObjectState: The operation is not valid for the object's storage class");
    const req = await run('nas1', ['rclone', 'backend', 'restore', 'glacier:strata-nas/data/documents/contracts', '-o', 'priority=Standard', '-o', 'lifetime=1']);
    const statuses = JSON.parse(req.stdout) as { Status: string; Remote: string }[];
    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.every((s) => s.Status === 'OK')).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    const ok = await run('nas1', ['rclone', 'copy', 'glacier:strata-nas/data/documents/contracts', '/tmp/thaw']);
    expect(ok.exitCode).toBe(0);
    expect(Object.keys(lab.state.hosts.nas1!.fs.files).filter((p) => p.startsWith('/tmp/thaw/'))).toHaveLength(statuses.length);
  });

  it('rclone sync uploads what changed; check then finds no difference', async () => {
    const sync = await run('nas1', ['rclone', 'sync', '/backup/data', 'glacier:strata-nas/data', '-v']);
    expect(sync.exitCode).toBe(0);
    const check = await run('nas1', ['rclone', 'check', '/backup/data', 'glacier:strata-nas/data', '--one-way', '--combined', '-']);
    expect(check.exitCode).toBe(0);
    expect(check.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('= '))).toBe(true);
    expect(check.stderr).toMatch(/NOTICE: S3 bucket strata-nas path data: 0 differences found/);
  });

  it("Strata's config archive commands (mkdir, tar to a temporary name, mv) add an archive find lists", async () => {
    const plan = archiveCommands({ directory: '/var/backups/strata', host: 'pve1', paths: ['/etc/pve', '/etc/network'], now: Date.now() / 1000 });
    for (const cmd of plan.commands) expect((await run('pve1', cmd)).exitCode).toBe(0);
    const listed = (await run('pve1', listArchivesCommand('/var/backups/strata'))).stdout.trimEnd().split('\n');
    expect(listed).toHaveLength(15);
    expect(listed.some((l) => l.endsWith(plan.finalPath))).toBe(true);
    expect(lab.state.hosts.pve1!.fs.files[plan.tempPath]).toBeUndefined();
    const members = (await run('pve1', ['tar', '-tzf', plan.finalPath])).stdout.split('\n');
    expect(members).toContain('etc/pve/storage.cfg');
    expect(members).toContain('etc/network/interfaces');
  });
});
