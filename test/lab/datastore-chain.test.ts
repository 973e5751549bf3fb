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
