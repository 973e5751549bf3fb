/**
 * The host configuration's second route (issue 14 §2.4): selected files of
 * the archived /etc/pve copied one by one onto the running node, on the
 * disaster lab's fresh node. pve-cluster keeps running and config.db is not
 * replaced; users, guest configurations and the cluster's keys stay the new
 * node's; the storages and their key files come back, so the storage step
 * adds the surviving PBS with the lost storage's encryption key. Also the
 * network step's two interfaces files, side by side.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/index.js';
import { DrError, type Rebuild } from '../../../src/services/dr/api.js';
import type { Services } from '../../../src/services/root.js';
import { startDrLab, type DrLab } from '../../helpers/lab/dr-lab.js';

let dr: DrLab;
let lab: Lab;
let services: Services;
let state: string;

beforeAll(async () => {
  dr = await startDrLab();
  ({ lab, services, stateDir: state } = dr);
});
afterAll(async () => dr?.stop());

const fresh = () => lab.state.hosts['pve1-new']!;
const journalText = () => (existsSync(join(state, 'journal.jsonl')) ? readFileSync(join(state, 'journal.jsonl'), 'utf8') : '');

describe('the selected-files route onto the fresh node', () => {
  let rebuild: Rebuild;

  it('a rebuild started with the files route shows its commands, not the config.db swap', async () => {
    rebuild = await services.dr.start({ port: lab.freshNode!.port, hostConfigRoute: 'files' });
    const step = rebuild.state().steps.find((s) => s.id === 'host-config')!;
    expect(step.title).toMatch(/selected files/);
    const commands = step.commands.map((c) => c.command).join('\n');
    expect(commands).toContain('find /root/strata-restore/etc/pve -type f');
    expect(commands).not.toContain('systemctl stop pve-cluster');
    // Changing its mind before the step ran: the commands follow the route.
    const swapped = await rebuild.chooseHostConfigRoute('config-db');
    expect(swapped.commands.map((c) => c.command).join('\n')).toContain('systemctl stop pve-cluster');
    const back = await rebuild.chooseHostConfigRoute('files');
    expect(back.commands.map((c) => c.command).join('\n')).not.toContain('systemctl stop pve-cluster');
    expect((await services.dr.saved())!.hostConfigRoute).toBe('files');
  });

  it('the network step puts the archived interfaces file beside the new one and marks the NIC that is gone', async () => {
    await rebuild.run('node', { typedFingerprint: lab.freshNode!.fingerprint });
    await rebuild.run('identity');
    const net = await rebuild.run('network');
    expect(net.compare!.left.title).toBe('archived /root/strata-restore/etc/network/interfaces');
    expect(net.compare!.left.lines).toContain('\tbridge-ports eno1');
    expect(net.compare!.right.title).toBe('/etc/network/interfaces now');
    expect(net.compare!.right.lines).toContain('\tbridge-ports enp5s0');
    expect(net.compare!.missing).toEqual(['eno1']);
    expect((await services.dr.saved())!.steps.find((s) => s.id === 'network')!.compare!.missing).toEqual(['eno1']);
  });

  it('waits while no storage.cfg was taken out of the archive', async () => {
    const staged = fresh().fs.files['/root/strata-restore/etc/pve/storage.cfg']!;
    delete fresh().fs.files['/root/strata-restore/etc/pve/storage.cfg'];
    const waiting = await rebuild.run('host-config', { confirm: true });
    expect(waiting.state).toBe('blocked');
    expect(waiting.detail).toContain('no storage.cfg under /root/strata-restore/etc/pve');
    fresh().fs.files['/root/strata-restore/etc/pve/storage.cfg'] = staged;
  });

  it('copies only the chosen files, with pve-cluster running and config.db left as the installer wrote it', async () => {
    const dbBefore = { ...fresh().fs.files['/var/lib/pve-cluster/config.db']! };
    const userCfg = fresh().fs.files['/etc/pve/user.cfg']!.content;
    const done = await rebuild.run('host-config', { confirm: true });
    expect([done.state, done.detail]).toEqual(['done', expect.stringContaining('copied datacenter.cfg, jobs.cfg, priv/storage/pbs1.enc')]);
    expect(Object.keys(fresh().pve!.storages).sort()).toEqual(['local', 'local-backup', 'local-lvm', 'local-zfs', 'pbs1']);
    expect(fresh().fs.files['/etc/pve/jobs.cfg']!.content).toBe(fresh().fs.files['/root/strata-restore/etc/pve/jobs.cfg']!.content);
    expect(fresh().fs.files['/etc/pve/priv/storage/pbs1.enc']).toBeDefined();
    // Not chosen: users stay the new node's, no guest configuration without its disks.
    expect(fresh().fs.files['/etc/pve/user.cfg']!.content).toBe(userCfg);
    expect(Object.keys(fresh().fs.files).filter((p) => /^\/etc\/pve\/(qemu-server|lxc)\//.test(p))).toEqual([]);
    expect(fresh().pve!.pmxcfsStopped).not.toBe(true);
    expect(fresh().fs.files['/var/lib/pve-cluster/config.db']!.mtime).toBe(dbBefore.mtime);
    expect(journalText()).not.toContain('systemctl stop pve-cluster');
    expect(journalText()).toContain('cp /root/strata-restore/etc/pve/storage.cfg /etc/pve/storage.cfg');
  });

  it('the storage step then adds the surviving PBS with the key file the copied files brought back', async () => {
    const storage = await rebuild.run('storage', { confirm: true });
    expect(storage.state).toBe('done');
    expect(storage.detail).toContain('with the encryption key /etc/pve/priv/storage/pbs1.enc');
  });

  it('the route cannot change once the configuration is back', async () => {
    const e = await rebuild.chooseHostConfigRoute('config-db').then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(DrError);
    expect((e as DrError).code).toBe('already-done');
    await rebuild.close();
  });
});
