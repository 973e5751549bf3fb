/**
 * The disaster scenario's rebuild target, pve1-new, answers the commands of
 * restore-formats §4-§5 in their real formats over the lab's SSH: hostname,
 * NIC names against the archived interfaces file, pvesm status with only
 * `local`, pvesm scan|add pbs against the surviving PBS (its certificate read
 * with proxmox-backup-manager cert info; added disabled without a password,
 * its .pw written by the shell's builtin printf, then enabled with pvesm set,
 * as pve-storage does it), zpool import, the config.db swap
 * with pve-cluster stopped, and the guest restores onto it. The off-site
 * copies the rebuild needs are there: pbs2's snapshots and the config
 * archives (with config.db) in S3.
 */
import { describe, expect, it } from 'vitest';
import { certInfoCommand, parseCertInfo } from '../../src/adapters/pbs/dr-facts.js';
import { pctRestoreCommand, qmrestoreCommand } from '../../src/adapters/pve/restore.js';
import type { Lab } from '../../src/lab/index.js';
import { SECRETS } from '../../src/lab/homelab/topology.js';
import { CONFIG_DB } from '../../src/lab/state/pmxcfs.js';
import type { Command } from '../../src/transport/command.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'disaster', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const on = (host: string, cmd: Command | string[]) => runners.get(host).run(Array.isArray(cmd) ? { argv: cmd } : cmd);
const fresh = (cmd: Command | string[]) => on('pve1-new', cmd);
const PBS2_FP = () => lab.state.hosts.pbs2!.pbs!.certFingerprint;

describe('the fresh node', () => {
  it('is pve1 by name and address, with a new host key, and is in no inventory', async () => {
    expect(lab.freshNode).toMatchObject({ name: 'pve1-new', replaces: 'pve1', hostname: 'pve1', up: true });
    const lost = lab.config.hosts.find((h) => h.name === 'pve1')!;
    expect(lab.freshNode!.fingerprint).not.toBe(lost.hostKeyFingerprint);
    expect(lab.config.hosts.map((h) => h.name)).not.toContain('pve1-new');
    expect((await fresh(['hostname'])).stdout).toBe('pve1\n');
    expect((await fresh(['ip', '-br', 'addr'])).stdout).toMatch(/^vmbr0\s+UP\s+192\.0\.2\.10\/24/m);
  });

  it('has new NIC names: ip -j link lists enp5s0 where the archived interfaces file bridges eno1', async () => {
    const links = JSON.parse((await fresh(['ip', '-j', 'link'])).stdout) as { ifname: string; master?: string; link_type: string; operstate: string }[];
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'enp5s0', 'vmbr0']);
    expect(links[1]).toMatchObject({ master: 'vmbr0', link_type: 'ether', operstate: 'UP' });
    expect((await fresh(['cat', '/etc/network/interfaces'])).stdout).toContain('bridge-ports enp5s0');
    const archived = lab.state.hosts.pve1!.fs.files['/etc/network/interfaces']!.content!;
    expect(archived).toContain('bridge-ports eno1');
  });

  it('holds only what the installer writes: the local storage, no guests, no pools', async () => {
    const status = await fresh(['pvesm', 'status']);
    expect(status.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['Name', 'Type', 'Status'],
      ['local', 'dir', 'active'],
    ]);
    expect(JSON.parse((await fresh(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'])).stdout)).toEqual([]);
    const pools = await fresh(['zpool', 'import']);
    expect([pools.exitCode, pools.stderr]).toEqual([1, 'no pools available to import\n']);
  });
});

describe('the surviving PBS', () => {
  it('tells its certificate fingerprint with proxmox-backup-manager cert info', async () => {
    const r = await on('pbs2', certInfoCommand(10_000));
    expect(r.stdout).toMatch(/^Subject: CN = pbs2,/);
    expect(r.stdout).toContain(`Fingerprint (sha256): ${PBS2_FP()}\n`);
    const parsed = parseCertInfo(r.stdout, r.stderr, r.exitCode);
    expect(parsed.ok && parsed.value.fingerprint).toBe(PBS2_FP());
  });

  it('pvesm scan pbs lists its datastores with the right fingerprint and password, and refuses otherwise', async () => {
    const scan = (extra: string[]) => fresh(['pvesm', 'scan', 'pbs', 'pbs2', 'root@pam', ...extra, '--output-format', 'json']);
    const good = await scan(['--password', SECRETS.pbs1Root, '--fingerprint', PBS2_FP()]);
    expect([good.exitCode, JSON.parse(good.stdout)]).toEqual([0, [{ store: 'offsite', comment: 'off-site copy of pbs1' }]]);
    const wrongFp = await scan(['--password', SECRETS.pbs1Root, '--fingerprint', lab.state.hosts.pbs1!.pbs!.certFingerprint]);
    expect([wrongFp.exitCode, wrongFp.stderr]).toEqual([255, `error fetching datastores - fingerprint '${PBS2_FP().toUpperCase()}' not verified, abort!\n`]);
    const wrongPw = await scan(['--password', 'nope', '--fingerprint', PBS2_FP()]);
    expect(wrongPw.stderr).toBe('error fetching datastores - 401 Unauthorized\n');
    const gone = await fresh(['pvesm', 'scan', 'pbs', 'pbs1', 'root@pam', '--password', SECRETS.pbs1Root, '--fingerprint', PBS2_FP()]);
    expect(gone.stderr).toBe('error fetching datastores - client error (Connect)\n');
  });
});

describe('the rebuild onto the fresh node', () => {
  it('swaps in the archived config.db with pve-cluster stopped (0600), and the old storages come back', async () => {
    // The operator fetched the archive off-site and put its config.db here.
    const old = lab.state.hosts.pve1!.fs.files[CONFIG_DB]!;
    lab.state.hosts['pve1-new']!.fs.files['/root/restore/config.db'] = { ...old, mode: 0o644 };
    expect((await fresh(['systemctl', 'is-active', 'pve-cluster'])).stdout).toBe('active\n');
    expect((await fresh(['systemctl', 'stop', 'pve-cluster'])).exitCode).toBe(0);
    const down = await fresh(['pvesm', 'status']);
    expect([down.exitCode, down.stderr.split('\n')[0]]).toEqual([111, 'ipcc_send_rec[1] failed: Connection refused']);
    expect((await fresh(['cat', '/etc/pve/storage.cfg'])).exitCode).not.toBe(0);
    expect((await fresh(['cp', '/root/restore/config.db', CONFIG_DB])).exitCode).toBe(0);
    expect((await fresh(['chmod', '0600', CONFIG_DB])).exitCode).toBe(0);
    expect((await fresh(['stat', '-c', '%a %s', CONFIG_DB])).stdout).toBe(`600 ${old.size}\n`);
    expect((await fresh(['systemctl', 'start', 'pve-cluster'])).exitCode).toBe(0);
    const status = (await fresh(['pvesm', 'status'])).stdout;
    const rows = Object.fromEntries(status.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)).map(([name, type, state]) => [name, `${type} ${state}`]));
    expect(rows).toMatchObject({ local: 'dir active', 'local-lvm': 'lvmthin active', pbs1: 'pbs inactive' });
    expect((await fresh(['cat', '/etc/pve/priv/storage/pbs1.enc'])).stdout).toContain(lab.state.hosts.pve1!.fs.files['/etc/pve/priv/storage/pbs1.enc']!.content!.trim());
  });

  it('a database that is not one keeps pve-cluster from starting', async () => {
    const host = lab.state.hosts['pve1-new']!;
    const saved = host.fs.files[CONFIG_DB]!;
    await fresh(['systemctl', 'stop', 'pve-cluster']);
    host.fs.files[CONFIG_DB] = { size: 5, mtime: 1, content: 'junk\n', mode: 0o600 };
    const r = await fresh(['systemctl', 'start', 'pve-cluster']);
    expect([r.exitCode, r.stderr.split('\n')[0]]).toEqual([1, 'Job for pve-cluster.service failed because the control process exited with error code.']);
    host.fs.files[CONFIG_DB] = saved;
    expect((await fresh(['systemctl', 'start', 'pve-cluster'])).exitCode).toBe(0);
  });

  it('pvesm add pbs adds the surviving PBS with its fingerprint and key; a second add, a wrong datastore or the dead PBS are refused', async () => {
    const add = (id: string, extra: string[]) =>
      fresh(['pvesm', 'add', 'pbs', id, '--server', 'pbs2', '--username', 'root@pam', '--password', SECRETS.pbs1Root, '--fingerprint', PBS2_FP(), ...extra]);
    const ok = await add('pbs-remote', ['--datastore', 'offsite', '--encryption-key', '/etc/pve/priv/storage/pbs1.enc']);
    expect([ok.exitCode, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    expect((await fresh(['pvesm', 'status', '--storage', 'pbs-remote'])).stdout).toMatch(/^pbs-remote\s+pbs\s+active\s+\d+/m);
    expect((await fresh(['stat', '-c', '%a', '/etc/pve/priv/storage/pbs-remote.pw', '/etc/pve/priv/storage/pbs-remote.enc'])).stdout).toBe('600\n600\n');
    expect((await fresh(['cat', '/etc/pve/storage.cfg'])).stdout).toContain(`pbs: pbs-remote\n\tdatastore offsite\n\tserver pbs2\n\tcontent backup\n\tfingerprint ${PBS2_FP()}`);
    expect((await add('pbs-remote', ['--datastore', 'offsite'])).stderr).toBe("create storage failed: storage ID 'pbs-remote' already defined\n");
    expect((await add('pbs-x', ['--datastore', 'usb'])).stderr).toBe("create storage failed: pbs-x: Cannot find datastore 'usb', check permissions and existence!\n");
    const dead = await fresh(['pvesm', 'add', 'pbs', 'pbs-y', '--server', 'pbs1', '--datastore', 'usb', '--username', 'root@pam', '--password', SECRETS.pbs1Root, '--fingerprint', PBS2_FP()]);
    expect([dead.exitCode, dead.stderr]).toEqual([255, 'create storage failed: pbs-y: error fetching datastores - client error (Connect) (500)\n']);
  });

  it('as pve-storage: --disable 1 adds without contacting the PBS and without a password deletes a .pw; pvesm status lists it disabled', async () => {
    const host = lab.state.hosts['pve1-new']!;
    // A .pw an earlier attempt left: on_add_hook deletes it when the add gives no password.
    host.fs.files['/etc/pve/priv/storage/pbs-late.pw'] = { size: 6, mtime: 1, content: 'stale\n', mode: 0o600 };
    const add = await fresh(['pvesm', 'add', 'pbs', 'pbs-late', '--server', 'pbs2', '--datastore', 'offsite', '--username', 'root@pam', '--fingerprint', PBS2_FP(), '--disable', '1']);
    expect([add.exitCode, add.stdout, add.stderr]).toEqual([0, '', '']);
    expect(host.fs.files['/etc/pve/priv/storage/pbs-late.pw']).toBeUndefined();
    const status = await fresh(['pvesm', 'status', '--storage', 'pbs-late']);
    expect([status.exitCode, status.stderr]).toEqual([0, '']);
    expect(status.stdout).toMatch(/^pbs-late\s+pbs\s+disabled\s+0\s+0\s+0\s+N\/A$/m);
    expect((await fresh(['cat', '/etc/pve/storage.cfg'])).stdout).toMatch(/pbs: pbs-late\n(\t.*\n)*\tdisable\n/);
    const cfg = JSON.parse((await fresh(['pvesh', 'get', '/storage', '--output-format', 'json'])).stdout) as { storage: string; disable?: number }[];
    expect(cfg.find((x) => x.storage === 'pbs-late')).toMatchObject({ disable: 1 });
    // A disabled add checks nothing on the server, not even that it answers.
    const dead = await fresh(['pvesm', 'add', 'pbs', 'pbs-dead', '--server', 'pbs1', '--datastore', 'usb', '--username', 'root@pam', '--fingerprint', PBS2_FP(), '--disable', '1']);
    expect([dead.exitCode, dead.stderr]).toEqual([0, '']);
  });

  it('pvesm set --disable 0 enables it without activating; activation fails with 401 without the .pw or with a wrong one, as PBS answers', async () => {
    const set = await fresh(['pvesm', 'set', 'pbs-late', '--disable', '0']);
    expect([set.exitCode, set.stdout, set.stderr]).toEqual([0, '', '']);
    expect((await fresh(['cat', '/etc/pve/storage.cfg'])).stdout).not.toMatch(/pbs: pbs-late\n(\t.*\n)*\tdisable\n/);
    const none = await fresh(['pvesm', 'status', '--storage', 'pbs-late']);
    expect(none.stdout).toMatch(/^pbs-late\s+pbs\s+inactive\s/m);
    expect(none.stderr).toBe('pbs-late: error fetching datastores - 401 Unauthorized\n');
    const host = lab.state.hosts['pve1-new']!;
    host.fs.files['/etc/pve/priv/storage/pbs-late.pw'] = { size: 6, mtime: 1, content: 'wrong\n', mode: 0o600 };
    expect((await fresh(['pvesm', 'status', '--storage', 'pbs-late'])).stderr).toBe('pbs-late: error fetching datastores - 401 Unauthorized\n');
    const missing = await fresh(['pvesm', 'set', 'pbs-nope', '--disable', '0']);
    expect([missing.exitCode, missing.stderr]).toEqual([255, "update storage failed: storage 'pbs-nope' does not exist\n"]);
  });

  it("the shell's builtin printf writes the .pw from the environment (0600 under umask 077) and starts no process holding it; then the storage is active", async () => {
    const from = lab.started('pve1-new').length;
    const write = await fresh({
      argv: ['sh', '-c', 'umask 077 && mkdir -p "$1" && printf "%s\\n" "$PBS_PASSWORD" > "$2"', 'sh', '/etc/pve/priv/storage', '/etc/pve/priv/storage/pbs-new.pw'],
      secrets: { PBS_PASSWORD: SECRETS.pbs1Root },
    });
    expect([write.exitCode, write.stdout, write.stderr]).toEqual([0, '', '']);
    expect((await fresh(['stat', '-c', '%a', '/etc/pve/priv/storage/pbs-new.pw'])).stdout).toBe('600\n');
    expect(lab.state.hosts['pve1-new']!.fs.files['/etc/pve/priv/storage/pbs-new.pw']!.content).toBe(`${SECRETS.pbs1Root}\n`);
    const started = lab.started('pve1-new').slice(from);
    expect(started.map((a) => a[0])).toContain('mkdir');
    expect(started.map((a) => a[0])).not.toContain('printf');
    expect(started.filter((a) => a.some((x) => x.includes(SECRETS.pbs1Root)))).toEqual([]);
    // The old way: the node's shell puts the secret on pvesm's argument list, where ps shows it.
    const at = lab.started('pve1-new').length;
    await fresh({ argv: ['sh', '-c', 'pvesm scan pbs pbs2 root@pam --password "$PBS_PASSWORD" --fingerprint "$1"', 'sh', PBS2_FP()], secrets: { PBS_PASSWORD: SECRETS.pbs1Root } });
    expect(lab.started('pve1-new').slice(at).some((a) => a.includes(SECRETS.pbs1Root))).toBe(true);
    // The right secret in pbs-late's .pw: activation now succeeds.
    const w = await fresh({ argv: ['sh', '-c', 'umask 077 && printf \'%s\\n\' "$PBS_PASSWORD" > "$1"', 'sh', '/etc/pve/priv/storage/pbs-late.pw'], secrets: { PBS_PASSWORD: SECRETS.pbs1Root } });
    expect(w.exitCode).toBe(0);
    // An existing file keeps its mode under a shell's `>`.
    expect((await fresh(['stat', '-c', '%a', '/etc/pve/priv/storage/pbs-late.pw'])).stdout).toBe('600\n');
    const ok = await fresh(['pvesm', 'status', '--storage', 'pbs-late']);
    expect([ok.stderr, /^pbs-late\s+pbs\s+active\s/m.test(ok.stdout)]).toEqual(['', true]);
  });

  it('a storage.cfg fingerprint that is not the PBS certificate fails activation as PVE does; pvesm set --fingerprint puts the right one in storage.cfg', async () => {
    const stale = lab.state.hosts.pbs1!.pbs!.certFingerprint;
    expect((await fresh(['pvesm', 'set', 'pbs-late', '--fingerprint', stale])).exitCode).toBe(0);
    expect((await fresh(['cat', '/etc/pve/storage.cfg'])).stdout).toMatch(new RegExp(`pbs: pbs-late\\n(\\t.*\\n)*\\tfingerprint ${stale}\\n`));
    const refused = await fresh(['pvesm', 'status', '--storage', 'pbs-late']);
    expect([/^pbs-late\s+pbs\s+inactive\s/m.test(refused.stdout), refused.stderr]).toEqual([true, `pbs-late: error fetching datastores - fingerprint '${PBS2_FP().toUpperCase()}' not verified, abort!\n`]);
    expect((await fresh(['pvesm', 'set', 'pbs-late', '--fingerprint', PBS2_FP()])).exitCode).toBe(0);
    const ok = await fresh(['pvesm', 'status', '--storage', 'pbs-late']);
    expect([ok.stderr, /^pbs-late\s+pbs\s+active\s/m.test(ok.stdout)]).toEqual(['', true]);
  });

  it('restores a VM and a container from the surviving PBS onto it', async () => {
    const newest = async (vmid: number) => {
      const list = (await fresh(['pvesm', 'list', 'pbs-remote', '--vmid', String(vmid)])).stdout.trim().split('\n').slice(1);
      return list.map((l) => l.split(/\s+/)[0]!).sort().at(-1)!;
    };
    const vm = await fresh(qmrestoreCommand({ archive: await newest(100), vmid: 100, storage: 'local-lvm' }));
    expect([vm.exitCode, vm.stderr]).toEqual([0, '']);
    const ct = await fresh(pctRestoreCommand({ archive: await newest(102), vmid: 102, storage: 'local-lvm' }));
    expect([ct.exitCode, ct.stderr]).toEqual([0, '']);
    const guests = JSON.parse((await fresh(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'])).stdout) as { vmid: number; node: string }[];
    expect(guests.map((g) => [g.vmid, g.node]).sort()).toEqual([
      [100, 'pve1'],
      [102, 'pve1'],
    ]);
  });

  it('imports a pool that survived on a disk', async () => {
    const nas = lab.state.hosts.nas1!.zfs!;
    const zfs = lab.state.hosts['pve1-new']!.zfs!;
    zfs.exported = { backup: { pool: structuredClone(nas.pools.backup!), datasets: { backup: structuredClone(nas.datasets.backup!) } } };
    const listed = await fresh(['zpool', 'import']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/^ {3}pool: backup\n {5}id: \d+\n {2}state: ONLINE\n action: The pool can be imported using its name or numeric identifier\.\n config:\n\n\tbackup/);
    expect((await fresh(['zpool', 'import', 'backup'])).exitCode).toBe(0);
    expect((await fresh(['zpool', 'list', '-H', '-o', 'name,health'])).stdout).toBe('backup\tONLINE\n');
    expect((await fresh(['zpool', 'import', 'backup'])).stderr).toBe("cannot import 'backup': no such pool available\n");
  });
});

describe('the off-site copies the rebuild needs', () => {
  it('pbs2 holds every guest; the config archives, config.db in each, are in S3 beside their sync mark', () => {
    const offsite = lab.state.hosts.pbs2!.pbs!.datastores.offsite!;
    for (const id of ['vm/100', 'vm/101', 'ct/102']) expect(offsite.snapshots.some((s) => `${s.type}/${s.id}` === id)).toBe(true);
    const bucket = lab.state.cloud.buckets['strata-config']!;
    const archives = Object.keys(bucket).filter((k) => /^pve1\/strata-config-pve1-\d{8}T\d{6}Z\.tar\.gz$/.test(k));
    expect(archives.length).toBeGreaterThan(3);
    expect(bucket['pve1/.strata-synced']).toBeDefined();
    const local = lab.state.hosts.pve1!.fs.files[`/var/backups/strata/${archives.sort().at(-1)!.slice('pve1/'.length)}`]!;
    expect(local.members).toEqual(expect.arrayContaining(['var/lib/pve-cluster/config.db', 'etc/pve/storage.cfg', 'etc/network/interfaces', 'etc/pve/priv/storage/pbs1.enc']));
  });
});
