/**
 * The scenarios contain what they promise: ninety days of history that the
 * retention policies would have left (healthy: every layer within its RPO and
 * verified), the degraded scenario's real-world failures, the disaster's
 * missing hosts, and extra PVE nodes for scale. Strata's own `status` command,
 * reading the lab over SSH, sees each of them.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateInventory } from '../../src/domain/inventory.js';
import { zpoolStatusPoolCommand } from '../../src/adapters/zfs/actions.js';
import { parseKeepOptions, planRetention } from '../../src/domain/retention/index.js';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { TIER_RETENTION } from '../../src/lab/homelab/topology.js';
import { LabRunners } from '../helpers/lab/lab-runner.js';

const now = () => Date.now() / 1000;
const DAY = 86_400;
const keep = (text: string) => {
  const k = parseKeepOptions(text);
  if (!k.ok) throw new Error(k.error.message);
  return k.value;
};

async function statusJson(lab: Lab): Promise<{ overall: string; hosts: { name: string; reachable: boolean; clockSkewSeconds: number | null }[]; layers: { id: string; health: string; reasons: string[] }[]; assets: { id: string; health: string; offsite: number; layers: { layerId: string }[] }[] }> {
  const io = memoryIo('', {});
  await main(['status', '--config', lab.configPath, '--json'], io);
  return JSON.parse(io.stdout) as never;
}

describe('healthy', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(async () => lab?.stop());

  it('holds ninety days of PBS history, every group exactly what its retention keeps, every snapshot verified', () => {
    const usb = lab.state.hosts.pbs1!.pbs!.datastores.usb!;
    const oldest = Math.min(...usb.snapshots.map((s) => s.time));
    expect(now() - oldest).toBeGreaterThan(60 * DAY);
    expect(now() - oldest).toBeLessThan(91 * DAY);
    const jobs = lab.state.hosts.pve1!.pve!.backupJobs;
    for (const vmid of ['100', '101', '102', '103', '104', '105', '110', '111', '120', '121', '122']) {
      const job = jobs.find((j) => j.storage === 'pbs1' && j.vmid?.split(',').includes(vmid))!;
      const times = usb.snapshots.filter((s) => s.id === vmid).map((s) => ({ timeSec: s.time }));
      const plan = planRetention(times, keep(Object.entries(job['prune-backups']!).map(([k, v]) => `${k}=${v}`).join(',')), { semantics: 'pbs', timeZone: 'UTC' });
      // What the daily prunes left is a fixed point of the job's retention.
      expect(plan.every((d) => d.action === 'keep')).toBe(true);
      expect(times.length).toBeGreaterThanOrEqual(job.vmid === '120,121,122' ? 2 : 7);
    }
    const host = usb.snapshots.filter((s) => s.type === 'host').map((s) => ({ timeSec: s.time }));
    expect(planRetention(host, keep(TIER_RETENTION.tier0), { semantics: 'pbs', timeZone: 'UTC' }).every((d) => d.action === 'keep')).toBe(true);
    expect(usb.snapshots.every((s) => s.verification?.state === 'ok')).toBe(true);
    expect(lab.state.hosts.pbs2!.pbs!.datastores.offsite!.snapshots.every((s) => s.verification?.state === 'ok')).toBe(true);
  });

  it('keeps its state as plain data (it survives a JSON round trip)', () => {
    expect(JSON.parse(JSON.stringify(lab.state))).toEqual(lab.state);
  });

  it('has every layer within its RPO and no failed task', () => {
    const s = lab.state;
    const newest = (xs: number[]) => now() - Math.max(...xs);
    expect(newest(s.hosts.pve1!.pve!.storages['local-backup']!.archives!.map((a) => a.ctime))).toBeLessThan(DAY);
    expect(newest(s.hosts.pbs1!.pbs!.datastores.usb!.snapshots.map((x) => x.time))).toBeLessThan(DAY / 2 + 3600);
    expect(newest(s.hosts.pbs2!.pbs!.datastores.offsite!.snapshots.map((x) => x.time))).toBeLessThan(DAY);
    expect(newest(s.hosts.docker1!.resticRepos!['/mnt/usb/restic']!.snapshots.map((x) => Date.parse(x.time) / 1000))).toBeLessThan(6 * 3600 + 600);
    expect(newest(s.cloud.resticRepos['s3:https://s3.example.com/strata-restic']!.snapshots.map((x) => Date.parse(x.time) / 1000))).toBeLessThan(DAY);
    const zfs = s.hosts.nas1!.zfs!;
    expect(newest(zfs.datasets['tank/data']!.snapshots.map((x) => x.creation))).toBeLessThan(3600 + 60);
    const common = zfs.datasets['backup/data']!.snapshots.filter((t) => zfs.datasets['tank/data']!.snapshots.some((x) => x.guid === t.guid));
    expect(newest(common.map((x) => x.creation))).toBeLessThan(3600 + 120);
    expect(newest(Object.values(s.cloud.buckets['strata-nas']!).map((o) => o.modTime))).toBeLessThan(8 * 3600);
    expect(s.hosts.pve1!.pve!.tasks.every((t) => t.status === 'OK')).toBe(true);
    expect(s.hosts.pbs1!.pbs!.tasks.every((t) => t.status === 'OK')).toBe(true);
    expect(s.hosts.pbs2!.pbs!.tasks.every((t) => t.status === 'OK')).toBe(true);
  });

  it("is all green in Strata's own status, read over SSH", async () => {
    const report = await statusJson(lab);
    expect(report.hosts.every((h) => h.reachable)).toBe(true);
    expect(report.layers.filter((l) => l.health !== 'ok')).toEqual([]);
    expect(report.overall).toBe('ok');
    // pbs2's sync leaves vm/111 out: its one off-site copy is restic-cloud's copy of the datastore (tier2 asks for none).
    const asset = (id: string) => report.assets.find((a) => a.id === id)!;
    expect([asset('vm/110').offsite, asset('vm/111').offsite]).toEqual([2, 1]);
    expect(asset('vm/111').layers.map((l) => l.layerId)).not.toContain('pbs-remote');
    expect(asset('vm/111').health).toBe('ok');
  });
});

describe('degraded', () => {
  let lab: Lab;
  let runners: LabRunners;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'degraded' });
    runners = new LabRunners(lab);
  });
  afterAll(async () => {
    await runners?.close();
    await lab?.stop();
  });

  it('the off-site restic copy is nine days old', () => {
    const times = lab.state.cloud.resticRepos['s3:https://s3.example.com/strata-restic']!.snapshots.map((x) => Date.parse(x.time) / 1000);
    const age = now() - Math.max(...times);
    expect(age).toBeGreaterThan(9 * DAY);
    expect(age).toBeLessThan(10 * DAY);
  });

  it('the newest PBS snapshot of vm/101 failed verification, found by a failed verify task', async () => {
    const usb = lab.state.hosts.pbs1!.pbs!.datastores.usb!;
    const newest = usb.snapshots.filter((s) => s.id === '101').sort((a, b) => b.time - a.time)[0]!;
    expect(newest.verification?.state).toBe('failed');
    expect(usb.snapshots.filter((s) => s.verification?.state === 'failed')).toHaveLength(1);
    const tasks = JSON.parse((await runners.get('pbs1').run({ argv: ['proxmox-backup-manager', 'task', 'list', '--all', '--limit', '100', '--output-format', 'json'] })).stdout) as { upid: string; status: string }[];
    expect(tasks.find((t) => t.upid === newest.verification!.upid)).toMatchObject({ status: 'verification failed - please check the log for details' });
  });

  it('vm/111 is in no backup job and listed as not backed up', async () => {
    const r = await runners.get('pve1').run({ argv: ['pvesh', 'get', '/cluster/backup-info/not-backed-up', '--output-format', 'json'] });
    expect(JSON.parse(r.stdout)).toEqual([{ name: 'jellyfin', type: 'qemu', vmid: 111 }]);
    const jobs = lab.state.hosts.pve1!.pve!.backupJobs;
    expect(jobs.find((j) => j.id === 'backup-local-nightly')!.exclude).toBe('111,120,121,122');
    expect(jobs.find((j) => j.id === 'backup-tier2')!.vmid).toBe('110');
  });

  it('a vzdump task failed with `job errors` and the ERROR line of VM 104 in its log', async () => {
    const run = runners.get('pve1');
    const tasks = JSON.parse((await run.run({ argv: ['pvesh', 'get', '/nodes/pve1/tasks', '--typefilter', 'vzdump', '--errors', '1', '--output-format', 'json'] })).stdout) as { upid: string; status: string }[];
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks[0]!.status).toBe('job errors');
    const log = JSON.parse((await run.run({ argv: ['pvesh', 'get', `/nodes/pve1/tasks/${tasks[0]!.upid}/log`, '--limit', '1000', '--output-format', 'json'] })).stdout) as { t: string }[];
    expect(log.map((l) => l.t)).toContain('ERROR: Backup of VM 104 failed - job failed with err -5 - Input/output error');
    expect(log.at(-1)!.t).toBe('TASK ERROR: job errors');
    // The disk is still failing: a new backup of 104 fails the same way.
    const again = await run.run({ argv: ['vzdump', '104', '--storage', 'local-backup'] });
    expect(again).toMatchObject({ exitCode: 255, stderr: 'job errors\n' });
    expect(again.stdout).toContain('ERROR: Backup of VM 104 failed - job failed with err -5 - Input/output error');
  });

  it('the backup pool is DEGRADED (and zpool status -x still exits 0)', async () => {
    const r = await runners.get('nas1').run({ argv: ['zpool', 'status', '-x'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^ {2}pool: backup\n state: DEGRADED\nstatus: One or more devices could not be used/);
    expect(r.stdout).toMatch(/UNAVAIL +0 +0 +0 {2}was \/dev\/disk\/by-id\//);
    expect(r.stdout).not.toContain('pool: tank');
  });

  it('the USB datastore is 93 % full', async () => {
    const r = await runners.get('pbs1').run({ argv: ['proxmox-backup-client', 'status', '--repository', 'strata@pbs!ro@127.0.0.1:usb', '--output-format', 'json'], env: { PBS_PASSWORD_FILE: '/root/.strata-pbs-token' } });
    const st = JSON.parse(r.stdout) as { total: number; used: number };
    expect(Math.round((100 * st.used) / st.total)).toBe(93);
  });

  it('the restic-usb password file no longer opens the repository', async () => {
    const r = await runners.get('docker1').run({ argv: ['restic', 'snapshots', '--json'], env: { RESTIC_REPOSITORY: '/mnt/usb/restic', RESTIC_PASSWORD_FILE: '/root/.restic-pass' } });
    expect(r).toMatchObject({ exitCode: 12, stderr: 'Fatal: wrong password or no key found\n' });
  });

  it("docker1's clock is five minutes fast", async () => {
    const t = Number((await runners.get('docker1').run({ argv: ['date', '+%s'] })).stdout);
    expect(t - now()).toBeGreaterThan(297);
    expect(t - now()).toBeLessThan(303);
  });

  it("Strata's status shows each failure", async () => {
    const report = await statusJson(lab);
    const layer = (id: string) => report.layers.find((l) => l.id === id)!;
    expect(report.overall).toBe('crit');
    expect(layer('restic-usb').health).toBe('unknown');
    expect(layer('pbs-local').health).toBe('crit');
    expect(layer('pve1-dump').health).toBe('crit');
    expect(['warn', 'crit']).toContain(layer('restic-cloud').health);
    expect(report.hosts.find((h) => h.name === 'docker1')!.clockSkewSeconds).toBeGreaterThan(250);
    expect(report.assets.find((a) => a.id === 'vm/111')!.health).toBe('crit');
  });
});

describe('disaster', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'disaster' });
  });
  afterAll(async () => lab?.stop());

  it('pve1 and pbs1 refuse connections; the others answer', async () => {
    const connect = (port: number) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => (s.destroy(), resolve('open')));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
    for (const h of lab.hosts) expect([h.name, await connect(h.port)]).toEqual([h.name, h.up ? 'open' : 'ECONNREFUSED']);
    expect(lab.hosts.filter((h) => !h.up).map((h) => h.name).sort()).toEqual(['pbs1', 'pve1']);
  });

  it('pbs2 and the cloud copies still hold every guest and the data (vm/111, kept off the WAN sync, only in the copy of the datastore); syncs since the fire failed', () => {
    const offsite = lab.state.hosts.pbs2!.pbs!.datastores.offsite!;
    const ids = new Set(offsite.snapshots.map((s) => `${s.type}/${s.id}`));
    for (const id of ['vm/100', 'vm/101', 'ct/102', 'ct/103', 'vm/104', 'ct/105', 'vm/110', 'vm/120', 'host/pve1']) expect(ids).toContain(id);
    expect(ids).not.toContain('vm/111');
    const copy = lab.state.cloud.resticRepos['s3:https://s3.example.com/strata-restic']!.snapshots.filter((s) => s.paths.includes('/mnt/usb/pbs')).sort((a, b) => (a.time < b.time ? -1 : 1)).at(-1)!;
    expect(Object.keys(copy.files!).some((p) => /^\/mnt\/usb\/pbs\/vm\/111\/[^/]+\/index\.json\.blob$/.test(p))).toBe(true);
    expect(lab.state.hosts.pbs2!.pbs!.syncJobs[0]!['group-filter']).toEqual(['exclude:group:vm/111']);
    expect(lab.state.cloud.resticRepos['s3:https://s3.example.com/strata-restic']!.snapshots.length).toBeGreaterThan(10);
    expect(Object.keys(lab.state.cloud.buckets['strata-nas']!).length).toBeGreaterThan(20);
    const since = now() - 3 * 3600;
    const syncs = lab.state.hosts.pbs2!.pbs!.tasks.filter((t) => t.workerType === 'syncjob' && t.starttime >= since);
    expect(syncs.every((t) => t.status !== 'OK')).toBe(true);
    const newestBackup = Math.max(...offsite.snapshots.map((s) => s.time));
    expect(newestBackup).toBeLessThan(since);
  });

  it("Strata's status sees the two hosts unreachable and pbs2 fine", async () => {
    const report = await statusJson(lab);
    expect(report.hosts.filter((h) => !h.reachable).map((h) => h.name).sort()).toEqual(['pbs1', 'pve1']);
    expect(report.layers.find((l) => l.id === 'pbs-local')!.health).toBe('unknown');
    expect(report.layers.find((l) => l.id === 'pbs-remote')!.health).not.toBe('unknown');
  });
});

describe('time zones', () => {
  it('name archives and sanoid snapshots in the hosts\' local time, and `date +%z` says so', async () => {
    const lab = await startLab({ timeZone: 'Europe/Berlin' });
    const runners = new LabRunners(lab);
    try {
      const offset = (await runners.get('pve1').run({ argv: ['date', '+%z'] })).stdout.trim();
      expect(['+0100', '+0200']).toContain(offset);
      const minutes = (offset === '+0100' ? 60 : 120) * 60;
      const archives = lab.state.hosts.pve1!.pve!.storages['local-backup']!.archives!;
      // The nightly job runs at 01:00 local: 00:00 or 23:00 UTC in the name's epoch.
      for (const a of archives.slice(-5)) {
        const m = /(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})/.exec(a.filename)!;
        const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
        expect(Math.abs(wall - minutes - a.ctime)).toBeLessThan(3601);
        expect(m[4]).toBe('01');
      }
      const names = lab.state.hosts.nas1!.zfs!.datasets['tank/data']!.snapshots.filter((x) => x.name.endsWith('_daily')).map((x) => x.name);
      expect(names.every((n) => n.includes('_00:00:01_daily'))).toBe(true);
      // A program's TZ wins over the host's zone, as with glibc.
      expect((await runners.get('nas1').run({ argv: ['date', '+%z'], env: { TZ: 'UTC' } })).stdout).toBe('+0000\n');
      const scan = lab.state.hosts.nas1!.zfs!.pools.tank!.scan!;
      const utc = new Date(scan.end! * 1000).toUTCString().replace(/^(\w{3}), (\d{2}) (\w{3}) (\d{4}) ([\d:]+) GMT$/, (_m, d, day, mon, y, t) => `${d} ${mon} ${String(Number(day)).padStart(2)} ${t} ${y}`);
      expect((await runners.get('nas1').run(zpoolStatusPoolCommand('tank'))).stdout).toContain(`with 0 errors on ${utc}`);
    } finally {
      await runners.close();
      await lab.stop();
    }
  });
});

describe('extra PVE nodes', () => {
  it('adds nodes pve2.. with a dozen guests each and their own layers; they answer over SSH', async () => {
    const lab = await startLab({ extraPveNodes: 45 });
    const runners = new LabRunners(lab);
    try {
      expect(lab.hosts).toHaveLength(50);
      expect(validateInventory(lab.config).ok).toBe(true);
      expect(lab.config.layers.filter((l) => l.id.endsWith('-dump'))).toHaveLength(46);
      expect(lab.config.layers.find((l) => l.id === 'pve46-snap')).toMatchObject({ kind: 'pve-snapshots', host: 'pve46' });
      const r = await runners.get('pve46').run({ argv: ['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'] });
      const guests = JSON.parse(r.stdout) as { vmid: number; node: string }[];
      expect(guests).toHaveLength(12);
      expect(guests.every((g) => g.node === 'pve46' && g.vmid >= 4600 && g.vmid < 4612)).toBe(true);
      const content = JSON.parse((await runners.get('pve46').run({ argv: ['pvesh', 'get', '/nodes/pve46/storage/local-backup/content', '--output-format', 'json'] })).stdout) as { ctime: number }[];
      expect(now() - Math.max(...content.map((c) => c.ctime))).toBeLessThan(DAY);
    } finally {
      await runners.close();
      await lab.stop();
    }
  });
});
