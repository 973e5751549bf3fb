/**
 * The DR chain of chain-commands.md, against the disaster lab over its SSH:
 * vm/111 is kept off pbs2's sync (a group filter), so its only surviving
 * copy is inside restic-cloud's copy of pbs1's datastore directory. That
 * copy is a real datastore layout; restic on pbs2 restores it, chown gives
 * it to `backup`, `datastore create --reuse-datastore` takes it in with its
 * snapshots, an ACL lets the ro token read it, and the fresh node adds it
 * as a PBS storage and restores the guest from it.
 */
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/index.js';
import { SECRETS } from '../../src/lab/homelab/topology.js';
import { isoUtc } from '../../src/lab/state/clock.js';
import type { ResticSnapshot } from '../../src/lab/state/types.js';
import type { Command } from '../../src/transport/command.js';
import { useLab, type LabRunners } from '../helpers/lab/lab-runner.js';

let lab: Lab;
let runners: LabRunners;
useLab({ scenario: 'disaster', timeScale: 0.05 }, (l, r) => ((lab = l), (runners = r)));

const REPO = 's3:https://s3.example.com/strata-restic';
const on = (host: string, cmd: Command | string[]) => runners.get(host).run(Array.isArray(cmd) ? { argv: cmd } : cmd);
const resticSecrets = { RESTIC_PASSWORD: SECRETS.resticCloud, AWS_ACCESS_KEY_ID: SECRETS.s3KeyId, AWS_SECRET_ACCESS_KEY: SECRETS.s3Secret };
const restic = (host: string, args: string[]) => on(host, { argv: ['restic', '-r', REPO, ...args], env: { AWS_DEFAULT_REGION: 'eu-central-1' }, secrets: resticSecrets });
const pbsCopies = (): ResticSnapshot[] =>
  lab.state.cloud.resticRepos[REPO]!.snapshots.filter((s) => s.paths.includes('/mnt/usb/pbs')).sort((a, b) => (a.time < b.time ? -1 : 1));

describe("restic-cloud's copy of pbs1's datastore", () => {
  it('holds the datastore layout: chunk store, lock, group owners, snapshot directories with manifest and archives', async () => {
    const copy = pbsCopies().at(-1)!;
    const r = await restic('docker1', ['ls', copy.id.slice(0, 8), '/mnt/usb/pbs/vm/111', '--recursive']);
    expect(r.exitCode).toBe(0);
    const listed = r.stdout.split('\n').filter((l) => l.startsWith('/'));
    expect(listed).toContain('/mnt/usb/pbs/vm/111/owner');
    const snaps = listed.filter((l) => /^\/mnt\/usb\/pbs\/vm\/111\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(l));
    expect(snaps.length).toBeGreaterThan(1);
    for (const dir of snaps) {
      expect(listed).toEqual(expect.arrayContaining([`${dir}/index.json.blob`, `${dir}/qemu-server.conf.blob`, `${dir}/drive-scsi0.img.fidx`, `${dir}/client.log.blob`]));
    }
    const top = await restic('docker1', ['ls', copy.id.slice(0, 8), '/mnt/usb/pbs', '/mnt/usb/pbs/.chunks', '/mnt/usb/pbs/ct/102']);
    expect(top.stdout).toContain('/mnt/usb/pbs/.lock\n');
    expect(top.stdout).toMatch(/^\/mnt\/usb\/pbs\/\.chunks\/0000-3fff\.pack$/m);
    expect(top.stdout).toContain('/mnt/usb/pbs/ct/102/owner\n');
  });

  it("each copy holds what pbs1's datastore held when it ran: every snapshot still there now that was made before, and the manifest names it", () => {
    const usb = lab.state.hosts.pbs1!.pbs!.datastores.usb!;
    for (const copy of pbsCopies()) {
      const at = Date.parse(copy.time) / 1000;
      const dirs = new Set(Object.keys(copy.files!).flatMap((p) => /^\/mnt\/usb\/pbs\/((?:vm|ct|host)\/[^/]+\/[^/]+)\/index\.json\.blob$/.exec(p)?.[1] ?? []));
      const before = usb.snapshots.filter((s) => s.time + 3600 < at).map((s) => `${s.type}/${s.id}/${isoUtc(s.time)}`);
      expect(before.filter((p) => !dirs.has(p))).toEqual([]);
      expect([...dirs].every((p) => Date.parse(p.split('/')[2]!) / 1000 < at)).toBe(true);
    }
    const newest = pbsCopies().at(-1)!;
    const vm111 = Object.entries(newest.files!).filter(([p]) => /^\/mnt\/usb\/pbs\/vm\/111\/[^/]+\/index\.json\.blob$/.test(p));
    const [path, blob] = vm111.sort(([a], [b]) => (a < b ? -1 : 1)).at(-1)!;
    const manifest = JSON.parse(blob.content!) as Record<string, unknown>;
    expect(manifest).toMatchObject({ 'backup-type': 'vm', 'backup-id': '111', 'backup-time': Date.parse(path.split('/')[6]!) / 1000, signature: null, unprotected: { notes: 'jellyfin' } });
    expect((manifest.files as { filename: string; size: number }[]).map((f) => f.filename)).toEqual(['qemu-server.conf.blob', 'drive-scsi0.img.fidx']);
    // The index of a 500 GiB disk is small; its size in the manifest is the disk's.
    expect(newest.files![path.replace('index.json.blob', 'drive-scsi0.img.fidx')]!.size).toBe(4096 + 128_000 * 32);
    expect((manifest.files as { size: number }[])[1]!.size).toBe(500 * 2 ** 30);
    expect(newest.totalBytes).toBe(Object.values(newest.files!).reduce((n, f) => n + f.size, 0));
  });
});

const DIR = '/mnt/datastore/strata-pbs-local';
const STORE = `${DIR}/mnt/usb/pbs`;

describe('the chain on pbs2, commands 1-3: restic restores the copy', () => {
  it('1. restic is installed on pbs2', async () => {
    const r = await on('pbs2', ['restic', 'version']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'restic 0.17.3 compiled with go1.23.3 on linux/amd64\n']);
  });

  it('2. snapshots --json --path /mnt/usb/pbs latest names the newest copy; without the secrets the repository stays shut', async () => {
    const r = await restic('pbs2', ['snapshots', '--json', '--path', '/mnt/usb/pbs', 'latest']);
    expect(r.exitCode).toBe(0);
    const [snap, ...more] = JSON.parse(r.stdout) as { id: string; short_id: string; time: string; paths: string[]; hostname: string }[];
    expect(more).toEqual([]);
    expect(snap).toMatchObject({ id: pbsCopies().at(-1)!.id, paths: ['/mnt/usb/pbs'], hostname: 'docker1' });
    const shut = await on('pbs2', { argv: ['restic', '-r', REPO, 'snapshots', '--json'], secrets: { RESTIC_PASSWORD: SECRETS.resticCloud } });
    expect([shut.exitCode, shut.stderr]).toEqual([1, `Fatal: unable to open config file: Stat: Access Denied.\nIs there a repository at the following location?\n${REPO}\n`]);
  });

  it('3. restore <id> --target DIR --include /mnt/usb/pbs writes the datastore under DIR on pbs2, with restic text, over seconds that grow with its size', async () => {
    const copy = pbsCopies().at(-1)!;
    const before = await on('pbs2', ['stat', '-c', '%F', `${STORE}/.chunks`]);
    expect(before.exitCode).toBe(1);
    const started = Date.now();
    const r = await restic('pbs2', ['restore', copy.id, '--target', DIR, '--include', '/mnt/usb/pbs']);
    const ms = Date.now() - started;
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^restoring <Snapshot ${copy.id.slice(0, 8)} of \\[/mnt/usb/pbs\\] at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d+ (?:[+-]\\d{4} [+-]\\d{4}|\\+0000 UTC) by root@docker1> to ${DIR}$`));
    const count = Object.keys(copy.files!).length;
    expect(lines.at(-1)).toMatch(new RegExp(`^Summary: Restored ${count} files/dirs \\(1\\.0\\d+ TiB\\) in 0:0\\d$`));
    // 1.16 TB: five steps of 60 + 580 ms, at the lab's time scale of 0.05 (a 1 MB copy would take 5 x 60 ms).
    expect(ms).toBeGreaterThan(5 * 640 * 0.05 * 0.8);
    const pbs2 = lab.state.hosts.pbs2!.fs;
    const written = Object.keys(pbs2.files).filter((p) => p.startsWith(`${STORE}/`));
    expect(written.sort()).toEqual(Object.keys(copy.files!).map((p) => `${DIR}${p}`).sort());
    expect((await on('pbs2', ['stat', '-c', '%F', `${STORE}/.chunks`])).stdout).toBe('directory\n');
    expect((await on('pbs2', ['stat', '-c', '%U:%G', `${STORE}/vm/111/owner`])).stdout).toBe('root:root\n');
  });
});

const NAME = 'usb-restored';
const AUTHID = 'strata@pbs!ro';
const manager = (...args: string[]) => on('pbs2', ['proxmox-backup-manager', ...args]);
const datastoreNames = async () => (JSON.parse((await manager('datastore', 'list', '--output-format', 'json')).stdout) as { name: string }[]).map((d) => d.name);
const aclOf = async () => JSON.parse((await manager('acl', 'list', '--output-format', 'json')).stdout) as Record<string, unknown>[];

describe('the chain on pbs2, commands 4-6: the restored directory becomes datastore usb-restored', () => {
  it('refuses to reuse the directory while root owns it (a task that fails)', async () => {
    const r = await manager('datastore', 'create', NAME, STORE, '--reuse-datastore', 'true');
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([255, `TASK ERROR: unable to open existing chunk store path "${STORE}" - permissions or owner not correct\n`, `Error: task failed (status unable to open existing chunk store path "${STORE}" - permissions or owner not correct)\n`]);
    expect(await datastoreNames()).not.toContain(NAME);
  });

  it('4. chown -R backup:backup STORE gives every file and directory to backup', async () => {
    const r = await on('pbs2', ['chown', '-R', 'backup:backup', STORE]);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '', '']);
    const owners = await on('pbs2', ['stat', '-c', '%U:%G %F', STORE, `${STORE}/.chunks`, `${STORE}/.lock`, `${STORE}/vm/111/owner`]);
    expect(owners.stdout).toBe('backup:backup directory\nbackup:backup directory\nbackup:backup regular empty file\nbackup:backup regular file\n');
    expect((await on('pbs2', ['stat', '-c', '%U', DIR])).stdout).toBe('root\n');
    const bad = await on('pbs2', ['chown', '-R', 'backupx:backup', STORE]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, "chown: invalid user: 'backupx:backup'\n"]);
  });

  it('5. datastore create NAME STORE --reuse-datastore true takes the directory in as PBS 3.3 does: a task, its snapshots read from the files', async () => {
    const r = await manager('datastore', 'create', NAME, STORE, '--reuse-datastore', 'true');
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'TASK OK\n', '']);
    const task = lab.state.hosts.pbs2!.pbs!.tasks.at(-1)!;
    expect(task).toMatchObject({ workerType: 'create-datastore', workerId: NAME, status: 'OK', user: 'root@pam' });
    // The worker id is systemd-escaped in the UPID, as PBS writes it.
    expect(task.upid).toMatch(/^UPID:pbs2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:create-datastore:usb\\x2drestored:root@pam:$/);
    const list = JSON.parse((await manager('datastore', 'list', '--output-format', 'json')).stdout) as { name: string; path: string }[];
    expect(list.find((d) => d.name === NAME)).toEqual({ name: NAME, path: STORE });
    // The snapshots are those of the copy: the same groups, times, files, notes and verify state as pbs1 had.
    const restored = lab.state.hosts.pbs2!.pbs!.datastores[NAME]!.snapshots;
    const usb = lab.state.hosts.pbs1!.pbs!.datastores.usb!.snapshots;
    const copyAt = Date.parse(pbsCopies().at(-1)!.time) / 1000;
    for (const s of usb.filter((x) => x.time + 3600 < copyAt)) {
      const back = restored.find((x) => x.type === s.type && x.id === s.id && x.time === s.time);
      expect(back, `${s.type}/${s.id}/${s.time}`).toBeDefined();
      expect({ ...back!, files: back!.files }).toMatchObject({ owner: s.owner, protected: s.protected, files: s.files, ...(s.comment ? { comment: s.comment } : {}), ...(s.guest ? { guest: s.guest } : {}), verification: s.verification });
    }
    expect(restored.filter((s) => s.id === '111').length).toBeGreaterThan(1);
    // Done-check of the engine: the name is listed.
    expect(await datastoreNames()).toContain(NAME);
  });

  it('6. acl update /datastore/NAME DatastoreReader --auth-id strata@pbs!ro lets the ro token read it; acl list shows the entry as PBS prints it', async () => {
    const before = await on('pbs2', { argv: ['proxmox-backup-client', 'snapshot', 'list', '--repository', `${AUTHID}@pbs2:${NAME}`, '--output-format', 'json'], secrets: { PBS_PASSWORD: SECRETS.pbs2Token }, env: { PBS_FINGERPRINT: lab.state.hosts.pbs2!.pbs!.certFingerprint } });
    expect([before.exitCode, before.stderr]).toEqual([255, 'Error: permission check failed\n']);
    const scan = await on('pve1-new', ['pvesm', 'scan', 'pbs', 'pbs2', AUTHID, '--password', SECRETS.pbs2Token, '--fingerprint', lab.state.hosts.pbs2!.pbs!.certFingerprint, '--output-format', 'json']);
    expect(JSON.parse(scan.stdout)).toEqual([{ store: 'offsite', comment: 'off-site copy of pbs1' }]);
    const r = await manager('acl', 'update', `/datastore/${NAME}`, 'DatastoreReader', '--auth-id', AUTHID);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(await aclOf()).toContainEqual({ path: `/datastore/${NAME}`, propagate: true, roleid: 'DatastoreReader', ugid: AUTHID, ugid_type: 'user' });
    const raw = (await manager('acl', 'list', '--output-format', 'json')).stdout;
    expect(raw).toContain(`{"path":"/datastore/${NAME}","propagate":true,"roleid":"DatastoreReader","ugid":"strata@pbs!ro","ugid_type":"user"}`);
    const after = await on('pbs2', { argv: ['proxmox-backup-client', 'snapshot', 'list', '--repository', `${AUTHID}@pbs2:${NAME}`, '--output-format', 'json'], secrets: { PBS_PASSWORD: SECRETS.pbs2Token }, env: { PBS_FINGERPRINT: lab.state.hosts.pbs2!.pbs!.certFingerprint } });
    expect(after.exitCode).toBe(0);
    const snaps = JSON.parse(after.stdout) as { 'backup-type': string; 'backup-id': string }[];
    expect(snaps.some((s) => s['backup-type'] === 'vm' && s['backup-id'] === '111')).toBe(true);
    // A second update changes nothing; an unknown role, token or path is refused.
    await manager('acl', 'update', `/datastore/${NAME}`, 'DatastoreReader', '--auth-id', AUTHID);
    expect((await aclOf()).filter((e) => e.path === `/datastore/${NAME}`)).toHaveLength(1);
    expect((await manager('acl', 'update', `/datastore/${NAME}`, 'Reader', '--auth-id', AUTHID)).stderr).toBe("Error: parameter verification failed\n\nrole: value 'Reader' is not defined in the enumeration.\n");
    expect((await manager('acl', 'update', `/datastore/${NAME}`, 'DatastoreReader', '--auth-id', 'strata@pbs!rw')).stderr).toBe('Error: no such API token.\n');
    expect((await manager('acl', 'update', '/nowhere', 'DatastoreReader', '--auth-id', AUTHID)).stderr).toBe("Error: invalid acl path '/nowhere'.\n");
  });
});

describe('the chain on the fresh node, commands 7-8: the guest only the chain held comes back', () => {
  const fresh = (cmd: Command | string[]) => on('pve1-new', cmd);

  it('7. pvesm add pbs NAME with the ro token, pbs2 fingerprint and the restored key: the storage is active and lists vm/111', async () => {
    // The host config comes first (the rebuild's step 4): config.db from the off-site archive.
    for (const argv of [['systemctl', 'stop', 'pve-cluster'], ['cp', '/root/strata-restore/config.db', '/var/lib/pve-cluster/config.db'], ['chmod', '0600', '/var/lib/pve-cluster/config.db'], ['systemctl', 'start', 'pve-cluster']]) {
      expect((await fresh(argv)).exitCode, argv.join(' ')).toBe(0);
    }
    const fp = lab.state.hosts.pbs2!.pbs!.certFingerprint;
    const add = await fresh({ argv: ['pvesm', 'add', 'pbs', NAME, '--server', 'pbs2', '--datastore', NAME, '--username', AUTHID, '--fingerprint', fp, '--password', SECRETS.pbs2Token, '--encryption-key', '/etc/pve/priv/storage/pbs1.enc'] });
    expect([add.exitCode, add.stdout, add.stderr]).toEqual([0, '', '']);
    expect((await fresh(['stat', '-c', '%a', `/etc/pve/priv/storage/${NAME}.enc`])).stdout).toBe('600\n');
    expect((await fresh(['pvesm', 'status', '--storage', NAME])).stdout).toMatch(new RegExp(`^${NAME}\\s+pbs\\s+active\\s+\\d+`, 'm'));
    const content = JSON.parse((await fresh(['pvesh', 'get', `/nodes/pve1/storage/${NAME}/content`, '--output-format', 'json'])).stdout) as { volid: string; vmid: number; format: string }[];
    expect(content.filter((c) => c.vmid === 111).length).toBeGreaterThan(1);
    expect(content.every((c) => c.volid.startsWith(`${NAME}:backup/`))).toBe(true);
  });

  it('8. qmrestore NAME:backup/vm/111/<newest> 111 restores jellyfin from the reused datastore, and it starts', async () => {
    const list = (await fresh(['pvesm', 'list', NAME, '--vmid', '111'])).stdout.trim().split('\n').slice(1);
    const newest = list.map((l) => l.split(/\s+/)[0]!).sort().at(-1)!;
    expect(newest).toMatch(new RegExp(`^${NAME}:backup/vm/111/\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$`));
    const r = await fresh(['qmrestore', newest, '111', '--storage', 'local-lvm']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`restore image complete`);
    expect((await fresh(['qm', 'start', '111'])).exitCode).toBe(0);
    const guests = JSON.parse((await fresh(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'])).stdout) as { vmid: number; name: string; status: string; maxdisk: number }[];
    expect(guests.find((g) => g.vmid === 111)).toMatchObject({ name: 'jellyfin', status: 'running', maxdisk: 500 * 2 ** 30 });
    // A container comes back the same way (pct restore from the reused datastore).
    const ct = (await fresh(['pvesm', 'list', NAME, '--vmid', '103'])).stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]!).sort().at(-1)!;
    const pct = await fresh(['pct', 'restore', '103', ct, '--storage', 'local-lvm']);
    expect([pct.exitCode, pct.stderr]).toEqual([0, '']);
    expect(lab.state.hosts['pve1-new']!.pve!.guests['103']).toMatchObject({ name: 'ca01', type: 'lxc' });
  });
});

describe('datastore create refuses as PBS does', () => {
  it('a name already used, before any task', async () => {
    const r = await manager('datastore', 'create', NAME, '/mnt/datastore/other');
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([255, '', `Error: parameter verification errors\n\nparameter 'name': datastore '${NAME}' already exists.\n`]);
  });

  it('a non-empty directory without --reuse-datastore (the task fails)', async () => {
    const r = await manager('datastore', 'create', 'usb-again', STORE);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([255, 'TASK ERROR: datastore path not empty\n', 'Error: task failed (status datastore path not empty)\n']);
    expect(await datastoreNames()).not.toContain('usb-again');
  });

  it('reusing a directory with no .chunks', async () => {
    await on('pbs2', ['mkdir', '-p', '/mnt/datastore/empty/vm']);
    await on('pbs2', ['chown', '-R', 'backup:backup', '/mnt/datastore/empty']);
    const r = await manager('datastore', 'create', 'empty', '/mnt/datastore/empty', '--reuse-datastore', 'true');
    expect([r.exitCode, r.stderr]).toEqual([255, 'Error: task failed (status unable to open existing chunk store path "/mnt/datastore/empty/.chunks" - ENOENT: No such file or directory)\n']);
  });

  it('a path not owned by backup, when reusing (its .chunks given back to root)', async () => {
    await on('pbs2', ['chown', 'root:root', `${STORE}/.chunks`]);
    const r = await manager('datastore', 'create', 'usb-twice', STORE, '--reuse-datastore', 'true');
    expect(r.stderr).toBe(`Error: task failed (status unable to open existing chunk store path "${STORE}/.chunks" - permissions or owner not correct)\n`);
  });

  it('--reuse-datastore on a PBS older than 3.3 (the option is not in its schema)', async () => {
    const pbs2 = lab.state.hosts.pbs2!;
    expect((await manager('version')).stdout).toBe('proxmox-backup-server 3.3.2-1 running version: 3.3.2\n');
    pbs2.tools = { pbsServer: '3.2.7' };
    try {
      expect((await manager('version')).stdout).toBe('proxmox-backup-server 3.2.7-1 running version: 3.2.7\n');
      const r = await manager('datastore', 'create', 'usb-old', STORE, '--reuse-datastore', 'true');
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([255, '', 'Error: parameter verification failed\n\nreuse-datastore: schema does not allow additional properties.\n']);
    } finally {
      pbs2.tools = {};
    }
  });

  it('an empty directory is made a new, empty datastore (the chunk store created, owned by backup); json output names the task', async () => {
    const r = await manager('datastore', 'create', 'fresh-store', '/mnt/datastore/fresh', '--output-format', 'json');
    expect(r.exitCode).toBe(0);
    const upid = JSON.parse(r.stdout) as string;
    expect(upid).toMatch(/^UPID:pbs2:.*:create-datastore:fresh\\x2dstore:root@pam:$/);
    await expect.poll(() => lab.state.hosts.pbs2!.pbs!.tasks.find((t) => t.upid === upid)?.status, { timeout: 5000 }).toBe('OK');
    const log = (await manager('task', 'log', upid)).stdout.split('\n');
    expect(log.slice(0, 2)).toEqual(['Chunkstore create: 1%', 'Chunkstore create: 2%']);
    expect(log.at(-2)).toBe('TASK OK');
    expect(lab.state.hosts.pbs2!.pbs!.datastores['fresh-store']!.snapshots).toEqual([]);
    expect((await on('pbs2', ['stat', '-c', '%U %F', '/mnt/datastore/fresh/.chunks'])).stdout).toBe('backup directory\n');
  });
});
