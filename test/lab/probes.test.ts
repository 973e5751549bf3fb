/**
 * Every probe of DESIGN.md's table, run over real SSH against the healthy
 * lab, answers in the format of reference/cli-formats.md: pvesh's one-line
 * sorted JSON with 0/1 booleans and string counts in prune-backups, the
 * `current` pseudo-snapshot, PBS kebab-case (snake_case task list),
 * tab-separated zfs, `zpool status -x`, restic 0.17 JSON, rclone lsjson.
 * Bad arguments fail as the real tools do.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/transport/command.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let runners: LabRunners;
useLab({ scenario: 'healthy', timeScale: 0.05 }, (_l, r) => (runners = r));

const run = (host: string, cmd: Command | string[]) => runners.get(host).run(Array.isArray(cmd) ? { argv: cmd } : cmd);
const pvesh = (path: string, ...args: string[]) => run('pve1', ['pvesh', 'get', path, ...args, '--output-format', 'json']);

/** Keys of every object, recursively, must be sorted (Perl's canonical JSON, serde_json maps). */
function keysSorted(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSorted);
  if (v && typeof v === 'object') {
    const k = Object.keys(v);
    return k.every((x, i) => i === 0 || k[i - 1]! < x) && Object.values(v).every(keysSorted);
  }
  return true;
}

function oneLineJson(stdout: string): unknown {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd()).not.toContain('\n');
  const v = JSON.parse(stdout) as unknown;
  expect(keysSorted(v)).toBe(true);
  return v;
}

const UPID_PVE = /^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:[a-z]+:[^:]*:[^:]+:$/;
const UPID_PBS = /^UPID:[^:]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[a-z_]+:[^:]*:[^:]+:$/;

describe('pve-snapshots probes', () => {
  it('/cluster/resources --type vm: one sorted line per guest, template as 0/1, numbers', async () => {
    const r = await pvesh('/cluster/resources', '--type', 'vm');
    expect(r.exitCode).toBe(0);
    const list = oneLineJson(r.stdout) as Record<string, unknown>[];
    expect(list.map((g) => g.vmid).sort()).toEqual([100, 101, 102, 103, 104, 105, 110, 111, 120, 121, 122, 9000]);
    for (const g of list) {
      expect(g).toMatchObject({ node: 'pve1', id: `${g.type}/${g.vmid}` });
      expect(['qemu', 'lxc']).toContain(g.type);
      expect([0, 1]).toContain(g.template);
      for (const k of ['maxcpu', 'maxmem', 'maxdisk', 'mem', 'disk', 'uptime', 'cpu', 'netin', 'netout', 'diskread', 'diskwrite']) expect(typeof g[k]).toBe('number');
    }
    expect(list.find((g) => g.vmid === 9000)).toMatchObject({ template: 1, status: 'stopped', name: 'debian-12-template' });
    expect(list.find((g) => g.vmid === 102)).toMatchObject({ type: 'lxc', name: 'dns01', tags: 'dns;prod' });
  });

  it('guest snapshots: a `current` pseudo-entry without snaptime whose parent is the newest; others linked by parent', async () => {
    const r = await pvesh('/nodes/pve1/qemu/100/snapshot');
    const list = oneLineJson(r.stdout) as Record<string, unknown>[];
    const current = list.find((s) => s.name === 'current')!;
    expect(current).toMatchObject({ description: 'You are here!', running: 1 });
    expect(current.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(current).not.toHaveProperty('snaptime');
    const real = list.filter((s) => s.name !== 'current');
    expect(real.length).toBeGreaterThanOrEqual(2);
    const newest = [...real].sort((a, b) => (b.snaptime as number) - (a.snaptime as number))[0]!;
    expect(current.parent).toBe(newest.name);
    for (const s of real) {
      expect(s.name).toMatch(/^[a-z][a-z0-9_-]+$/i);
      expect(typeof s.snaptime).toBe('number');
      expect(s.vmstate).toBe(0);
    }
    const lxc = oneLineJson((await pvesh('/nodes/pve1/lxc/102/snapshot')).stdout) as Record<string, unknown>[];
    expect(lxc.filter((s) => s.name !== 'current').every((s) => !('vmstate' in s))).toBe(true);
  });

  it('a guest of the other type or none: the missing config file, exit 255', async () => {
    const r = await pvesh('/nodes/pve1/qemu/102/snapshot');
    expect(r).toMatchObject({ exitCode: 255, stdout: '', stderr: "Configuration file 'nodes/pve1/qemu-server/102.conf' does not exist\n" });
  });
});

describe('vzdump probes', () => {
  it('storage content of the directory storage: volids, vma.zst/tar.zst, ctime from the local-time name', async () => {
    const list = oneLineJson((await pvesh('/nodes/pve1/storage/local-backup/content', '--content', 'backup')).stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(20);
    for (const a of list) {
      expect(a.volid).toMatch(/^local-backup:backup\/vzdump-(qemu|lxc)-\d+-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.(vma|tar)\.zst$/);
      expect(a).toMatchObject({ content: 'backup', format: a.subtype === 'qemu' ? 'vma.zst' : 'tar.zst' });
      const m = /(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})/.exec(a.volid as string)!;
      expect(a.ctime).toBe(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000);
      expect(typeof a.size).toBe('number');
      expect(typeof a.vmid).toBe('number');
    }
  });

  it('storage content of the PBS storage: UTC snapshot volids, pbs-vm/pbs-ct, verification objects', async () => {
    const list = oneLineJson((await pvesh('/nodes/pve1/storage/pbs1/content', '--content', 'backup')).stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(50);
    for (const a of list) {
      expect(a.volid).toMatch(/^pbs1:backup\/(vm|ct)\/\d+\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(['pbs-vm', 'pbs-ct']).toContain(a.format);
      expect(a.verification).toMatchObject({ state: 'ok' });
      expect((a.verification as { upid: string }).upid).toMatch(UPID_PBS);
    }
  });

  it('/cluster/backup: jobs with 0/1 flags and prune-backups values as strings', async () => {
    const jobs = oneLineJson((await pvesh('/cluster/backup')).stdout) as Record<string, unknown>[];
    expect(jobs.map((j) => j.id)).toContain('backup-tier0');
    for (const j of jobs) {
      expect(j).toMatchObject({ type: 'vzdump', enabled: 1 });
      expect(typeof j['next-run']).toBe('number');
      for (const v of Object.values(j['prune-backups'] as Record<string, unknown>)) expect(typeof v).toBe('string');
    }
    expect(jobs.find((j) => j.id === 'backup-local-nightly')).toMatchObject({ all: 1, exclude: '120,121,122', storage: 'local-backup' });
    expect(jobs.find((j) => j.id === 'backup-tier0')).toMatchObject({ vmid: '100,101,102', 'prune-backups': { 'keep-daily': '7', 'keep-weekly': '4', 'keep-monthly': '3' } });
  });

  it('tasks: newest first, vzdump only, limited, status OK, id empty for a multi-guest run', async () => {
    const tasks = oneLineJson((await pvesh('/nodes/pve1/tasks', '--typefilter', 'vzdump', '--limit', '50')).stdout) as Record<string, unknown>[];
    expect(tasks).toHaveLength(50);
    for (const [i, t] of tasks.entries()) {
      expect(t).toMatchObject({ type: 'vzdump', node: 'pve1', user: 'root@pam', status: 'OK', id: '' });
      expect(t.upid).toMatch(UPID_PVE);
      if (i > 0) expect(t.starttime as number).toBeLessThanOrEqual(tasks[i - 1]!.starttime as number);
      expect(t.endtime as number).toBeGreaterThan(t.starttime as number);
    }
    const upid = tasks[0]!.upid as string;
    const status = oneLineJson((await pvesh(`/nodes/pve1/tasks/${upid}/status`)).stdout);
    expect(status).toMatchObject({ status: 'stopped', exitstatus: 'OK', upid });
    const log = oneLineJson((await pvesh(`/nodes/pve1/tasks/${upid}/log`, '--limit', '500')).stdout) as { n: number; t: string }[];
    expect(log[0]).toMatchObject({ n: 1 });
    expect(log[0]!.t).toMatch(/^INFO: starting new backup job: vzdump /);
    expect(log.at(-1)!.t).toBe('TASK OK');
    expect(log.some((l) => /^INFO: Finished Backup of VM \d+ \(\d{2}:\d{2}:\d{2}\)$/.test(l.t))).toBe(true);
  });

  it('not-backed-up is empty when every guest is in a job; storage status has the usual fields', async () => {
    expect(oneLineJson((await pvesh('/cluster/backup-info/not-backed-up')).stdout)).toEqual([]);
    const st = oneLineJson((await pvesh('/nodes/pve1/storage/local-backup/status')).stdout) as Record<string, unknown>;
    expect(st).toMatchObject({ active: 1, enabled: 1, shared: 0, type: 'dir', content: 'backup' });
    expect((st.used as number) + (st.avail as number)).toBe(st.total);
    const pbs = oneLineJson((await pvesh('/nodes/pve1/storage/pbs1/status')).stdout) as Record<string, unknown>;
    expect(pbs).toMatchObject({ active: 1, type: 'pbs' });
  });

  it('fails bad arguments as pvesh does', async () => {
    expect(await pvesh('/cluster/resources', '--type', 'bogus')).toMatchObject({ exitCode: 255, stdout: '' });
    expect((await pvesh('/cluster/resources', '--type', 'bogus')).stderr).toMatch(/^400 Parameter verification failed\.\ntype: value 'bogus' does not have a value in the enumeration 'vm, storage, node, sdn'\n/);
    expect((await pvesh('/nodes/pve1/tasks', '--frobnicate', '1')).stderr).toContain('frobnicate: property is not defined in schema');
    expect(await pvesh('/nodes/pve1/storage/nope/status')).toMatchObject({ exitCode: 255, stderr: "storage 'nope' does not exist\n" });
    expect(await pvesh('/no/such/path')).toMatchObject({ exitCode: 1, stderr: "No 'get' handler defined for '/no/such/path'\n" });
    // Without --output-format, pvesh prints its bordered text table.
    expect((await run('pve1', ['pvesh', 'get', '/version'])).stdout).toMatch(/^\+-+\+-+\+\n\| key +\| value +\|\n\+-+\+-+\+\n\| release \| 8\.3 +\|\n/);
  });
});

describe('pbs probes', () => {
  const client = (sub: string[], env: Record<string, string> = { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' }): Command => ({
    argv: ['proxmox-backup-client', ...sub, '--repository', 'strata@pbs!ro@127.0.0.1:usb', '--output-format', 'json'],
    env,
  });

  it('snapshot list: kebab-case, protected always a boolean, verification, in no particular order', async () => {
    const r = await run('pbs1', client(['snapshot', 'list']));
    expect(r.exitCode).toBe(0);
    const list = oneLineJson(r.stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(100);
    for (const s of list) {
      expect(Object.keys(s).every((k) => !k.includes('_'))).toBe(true);
      expect(typeof s.protected).toBe('boolean');
      expect(['vm', 'ct', 'host']).toContain(s['backup-type']);
      expect(typeof s['backup-id']).toBe('string');
      expect(typeof s['backup-time']).toBe('number');
      for (const f of s.files as Record<string, unknown>[]) expect(Object.keys(f).sort()).toEqual(['crypt-mode', 'filename', 'size']);
      expect(s.verification).toMatchObject({ state: 'ok' });
    }
    const times = list.map((s) => s['backup-time'] as number);
    expect(times).not.toEqual([...times].sort((a, b) => a - b));
    expect(times).not.toEqual([...times].sort((a, b) => b - a));
    expect(list.some((s) => s['backup-type'] === 'host' && s['backup-id'] === 'pve1')).toBe(true);
  });

  it('status: total, used, avail; the secret may also come as PBS_PASSWORD or from PBS_PASSWORD_CMD', async () => {
    const st = oneLineJson((await run('pbs1', client(['status']))).stdout) as Record<string, number>;
    expect(Object.keys(st)).toEqual(['avail', 'total', 'used']);
    expect(st.used! + st.avail!).toBe(st.total);
    expect((await run('pbs1', client(['status'], { PBS_PASSWORD_CMD: 'cat /root/.strata-pbs-token' }))).exitCode).toBe(0);
    const viaSecret = await runners.get('pbs1').run({ ...client(['status'], {}), secretsFrom: { PBS_PASSWORD: { file: '/root/.strata-pbs-token' } } });
    expect(viaSecret.exitCode).toBe(0);
  });

  it('task list --all: snake_case worker_type/worker_id, newest first, UPIDs with the task id field', async () => {
    const r = await run('pbs1', ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', '--output-format', 'json']);
    const tasks = oneLineJson(r.stdout) as Record<string, unknown>[];
    expect(tasks).toHaveLength(100);
    for (const t of tasks) {
      expect(t).toHaveProperty('worker_type');
      expect(t.upid).toMatch(UPID_PBS);
      expect(t.status).toBe('OK');
    }
    expect(new Set(tasks.map((t) => t.worker_type))).toContain('backup');
    expect(tasks.find((t) => t.worker_type === 'backup')!.worker_id).toMatch(/^usb:(vm|ct|host)\/\w+$/);
  });

  it('fails without a secret, with a wrong one, and on a missing datastore', async () => {
    expect(await run('pbs1', client(['status'], {}))).toMatchObject({ exitCode: 255, stderr: 'Error: no password input mechanism available\n' });
    expect(await run('pbs1', client(['status'], { PBS_PASSWORD: 'wrong' }))).toMatchObject({ exitCode: 255 });
    const r = await run('pbs1', { argv: ['proxmox-backup-client', 'status', '--repository', 'strata@pbs!ro@127.0.0.1:nope', '--output-format', 'json'], env: { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' } });
    expect(r).toMatchObject({ exitCode: 255, stderr: "Error: datastore 'nope' does not exist\n" });
  });
});

describe('zfs probes', () => {
  it('zfs list -H -p -t snapshot: tab-separated name, epoch creation, bytes; sanoid names', async () => {
    const r = await run('nas1', ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,creation,used', '-r', 'tank/data']);
    expect(r.exitCode).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows.length).toBeGreaterThan(60);
    for (const [name, creation, used] of rows) {
      expect(name).toMatch(/^tank\/data@(autosnap_\d{4}-\d{2}-\d{2}_\d{2}:\d{2}:\d{2}_(hourly|daily|monthly)|syncoid_nas1_\d{4}-\d{2}-\d{2}:\d{2}:\d{2}:\d{2}-GMT\+00:00)$/);
      expect(creation).toMatch(/^\d{10}$/);
      expect(used).toMatch(/^\d+$/);
    }
    const created = rows.map((r) => Number(r[1]));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(Date.now() / 1000 - Math.max(...created)).toBeLessThan(3600 + 60);
  });

  it('a missing dataset: the zfs message, exit 1; no results with -H: empty, exit 0', async () => {
    expect(await run('nas1', ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-r', 'tank/nope'])).toMatchObject({ exitCode: 1, stderr: "cannot open 'tank/nope': dataset does not exist\n" });
    expect(await run('nas1', ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-r', 'tank'])).toMatchObject({ exitCode: 0 });
    expect(await run('nas1', ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name', '-d', '1', 'backup'])).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('zfs get -H -p -r (the zfs-fuse fallback) lists creation and used of datasets and snapshots', async () => {
    const r = await run('nas1', ['zfs', 'get', '-H', '-p', '-r', '-o', 'name,property,value', 'creation,used', 'tank/media']);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows[0]).toEqual(['tank/media', 'creation', expect.stringMatching(/^\d+$/)]);
    expect(rows.some((x) => x[0]!.startsWith('tank/media@autosnap_'))).toBe(true);
  });

  it('zpool list -H -p: exact sizes, cap as a plain integer; zpool status -x: healthy, exit 0', async () => {
    const r = await run('nas1', ['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,cap,health']);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split('\t').map((c, i) => (i === 0 || i === 5 ? c : /^\d+$/.test(c))))).toEqual([
      ['backup', true, true, true, true, 'ONLINE'],
      ['tank', true, true, true, true, 'ONLINE'],
    ]);
    expect(await run('nas1', ['zpool', 'status', '-x'])).toMatchObject({ exitCode: 0, stdout: 'all pools are healthy\n', stderr: '' });
    const full = await run('nas1', ['zpool', 'status', 'tank']);
    expect(full.stdout).toMatch(/^ {2}pool: tank\n state: ONLINE\n {2}scan: scrub repaired 0B in 00:12:31 with 0 errors on \w{3} \w{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}\nconfig:\n\n\tNAME +STATE +READ WRITE CKSUM\n\ttank +ONLINE +0 +0 +0\n/);
    expect(full.stdout.trimEnd().endsWith('errors: No known data errors')).toBe(true);
  });
});

describe('restic probes', () => {
  const snapshots = (repo: string, env: Record<string, string>, secretsFrom?: Command['secretsFrom']): Command => ({
    argv: ['restic', 'snapshots', '--json'],
    env: { RESTIC_REPOSITORY: repo, ...env },
    ...(secretsFrom ? { secretsFrom } : {}),
  });

  it('restic snapshots --json: 0.17 fields, RFC 3339 times, 64-hex ids, one array on one line', async () => {
    const r = await run('docker1', snapshots('/mnt/usb/restic', { RESTIC_PASSWORD_FILE: '/root/.restic-pass' }));
    expect(r.exitCode).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(r.stdout.trimEnd()).not.toContain('\n');
    expect(list.length).toBeGreaterThan(8);
    for (const s of list) {
      expect(Object.keys(s).slice(0, 2)).toEqual(s.parent ? ['time', 'parent'] : ['time', 'tree']);
      expect(s.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      expect(s.id).toMatch(/^[0-9a-f]{64}$/);
      expect(s.short_id).toBe((s.id as string).slice(0, 8));
      expect(s).toMatchObject({ paths: ['/srv/app'], hostname: 'docker1', username: 'root', program_version: 'restic 0.17.3' });
      expect(s).not.toHaveProperty('uid');
      expect(s.summary).toHaveProperty('total_bytes_processed');
    }
    const times = list.map((s) => Date.parse(s.time as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('reads the cloud repository with the password from a file and AWS keys from a file and a command', async () => {
    const r = await run('docker1', snapshots('s3:https://s3.example.com/strata-restic', { RESTIC_PASSWORD_FILE: '/root/.restic-cloud-pass', AWS_DEFAULT_REGION: 'eu-central-1' }, { AWS_ACCESS_KEY_ID: { file: '/root/.s3-key-id' }, AWS_SECRET_ACCESS_KEY: { command: 'pass show s3/strata' } }));
    expect(r.exitCode).toBe(0);
    const paths = new Set((JSON.parse(r.stdout) as { paths: string[] }[]).map((s) => s.paths.join()));
    expect(paths).toEqual(new Set(['/srv/app', '/mnt/usb/pbs']));
    const noKeys = await run('docker1', snapshots('s3:https://s3.example.com/strata-restic', { RESTIC_PASSWORD_FILE: '/root/.restic-cloud-pass' }));
    expect(noKeys).toMatchObject({ exitCode: 1 });
    expect(noKeys.stderr).toMatch(/^Fatal: unable to open config file: Stat: Access Denied\./);
  });

  it('fails like restic 0.17.1: wrong password 12, no repository 10, no location 1, missing password file 1', async () => {
    expect(await run('docker1', snapshots('/mnt/usb/restic', { RESTIC_PASSWORD: 'nope' }))).toMatchObject({ exitCode: 12, stderr: 'Fatal: wrong password or no key found\n' });
    const missing = await run('docker1', snapshots('/mnt/usb/nothing', { RESTIC_PASSWORD: 'x' }));
    expect(missing.exitCode).toBe(10);
    expect(missing.stderr).toMatch(/^Fatal: repository does not exist: unable to open config file: stat \/mnt\/usb\/nothing\/config: no such file or directory\nIs there a repository at the following location\?\n\/mnt\/usb\/nothing\n$/);
    expect(await run('docker1', { argv: ['restic', 'snapshots', '--json'], env: { RESTIC_PASSWORD: 'x' } })).toMatchObject({ exitCode: 1, stderr: 'Fatal: Please specify repository location (-r or --repository-file)\n' });
    expect(await run('docker1', snapshots('/mnt/usb/restic', { RESTIC_PASSWORD_FILE: '/root/.gone' }))).toMatchObject({ exitCode: 1, stderr: 'Fatal: /root/.gone does not exist\n' });
    expect(await run('docker1', snapshots('/mnt/usb/restic', {}))).toMatchObject({ exitCode: 1 });
    expect(await run('docker1', ['restic', 'snapshots', '--frobnicate'])).toMatchObject({ exitCode: 1, stderr: 'unknown flag: --frobnicate\n' });
  });

  it('cat config is the "is it initialised" probe', async () => {
    const r = await run('docker1', { argv: ['restic', 'cat', 'config'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } });
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 2, id: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('rclone probes', () => {
  it('lsjson -R --files-only --no-mimetype: one object per line, ModTime with nanoseconds, Tier GLACIER', async () => {
    const r = await run('nas1', ['rclone', 'lsjson', '-R', '--files-only', '--no-mimetype', 'glacier:strata-nas/data']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('[');
    expect(lines.at(-2)).toBe(']');
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(20);
    for (const o of list) {
      expect(Object.keys(o)).toEqual(['Path', 'Name', 'Size', 'ModTime', 'IsDir', 'Tier']);
      expect(o.ModTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
      expect(o).toMatchObject({ IsDir: false, Tier: 'GLACIER' });
    }
    const newest = Math.max(...list.map((o) => Date.parse(o.ModTime as string)));
    expect(Date.now() - newest).toBeLessThan(8 * 3600 * 1000);
  });

  it('about: S3 has none (exit 1), a missing remote or path fails with rclone exit codes', async () => {
    const about = await run('nas1', ['rclone', 'about', 'glacier:strata-nas/data', '--json']);
    expect(about.exitCode).toBe(1);
    expect(about.stderr).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} Failed to about: S3 bucket strata-nas path data doesn't support about\n$/);
    expect((await run('nas1', ['rclone', 'lsjson', 'nope:x'])).stderr).toContain(`Failed to create file system for "nope:x": didn't find section in config file`);
    expect((await run('nas1', ['rclone', 'lsjson', '-R', 'glacier:strata-nas/nothing'])).exitCode).toBe(3);
  });
});

describe('config-backup and host probes', () => {
  it('find ... -printf lists the archives as `%T@ %s %p`', async () => {
    const r = await run('pve1', ['find', '/var/backups/strata', '-maxdepth', '1', '-type', 'f', '-name', 'strata-config-*.tar.gz', '-printf', '%T@ %s %p\\n']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    for (const l of lines) expect(l).toMatch(/^\d{10}\.\d{10} \d+ \/var\/backups\/strata\/strata-config-pve1-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(await run('pve1', ['find', '/var/backups/none', '-maxdepth', '1'])).toMatchObject({ exitCode: 1, stderr: "find: '/var/backups/none': No such file or directory\n" });
  });

  it('hostname, date +%s and date +%z answer from the host', async () => {
    expect((await run('pbs2', ['hostname'])).stdout).toBe('pbs2\n');
    const t = Number((await run('pbs2', ['date', '+%s'])).stdout);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(3);
    expect((await run('pbs2', ['date', '+%z'])).stdout).toBe('+0000\n');
  });
});
