/**
 * The rebuild through the real engine on the disaster lab, onto pve1-new:
 * nothing is trusted or written before the operator's typed fingerprint and
 * yes; a step waits for the config.db the operator must bring; then every
 * step to the end (the storage step resuming an add a stopped run left
 * disabled without its .pw), guests running on the new node from pbs2, the
 * state saved and no secret in it, in the journal or on any argument list a
 * host saw; run again, every step is found done and no guest is restored twice.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/index.js';
import { PBS_CERT_FINGERPRINT, PVE1_KEY, SECRETS } from '../../../src/lab/homelab/topology.js';
import { addPbsDisabledCommand } from '../../../src/services/dr/rebuild-pbs.js';
import { DrError, type Rebuild } from '../../../src/services/dr/api.js';
import type { Services } from '../../../src/services/root.js';
import { LabRunners } from '../../helpers/lab/lab-runner.js';
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
const restoresOf = (assetId: string) => journalText().split('\n').filter((l) => l.includes('"type":"action-start"') && l.includes('"kind":"restore"') && l.includes(`"assetId":"${assetId}"`)).length;

async function expectDrError(p: Promise<unknown>, code: string) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(DrError);
  expect((e as DrError).code).toBe(code);
}

describe('the rebuild onto the fresh node', () => {
  let rebuild: Rebuild;

  it('trusts the new node only when the typed fingerprint matches the one it offers', async () => {
    rebuild = await services.dr.start({ port: lab.freshNode!.port });
    expect(rebuild.next()!.id).toBe('node');
    await expectDrError(rebuild.run('storage', { confirm: true }), 'out-of-order');
    const offered = await rebuild.offeredHostKey();
    expect(offered.fingerprint).toBe(lab.freshNode!.fingerprint);
    await expectDrError(rebuild.run('node', { confirm: true }), 'confirmation-required');
    await expectDrError(rebuild.run('node', { typedFingerprint: lab.config.hosts.find((h) => h.name === 'pve1')!.hostKeyFingerprint! }), 'fingerprint-mismatch');
    expect(existsSync(join(state, 'dr-known_hosts'))).toBe(false);
    const node = await rebuild.run('node', { typedFingerprint: offered.fingerprint.replace(/^SHA256:/, '') });
    expect(node.state).toBe('done');
    expect(readFileSync(join(state, 'dr-known_hosts'), 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.freshNode!.port} ssh-ed25519 AAAA`));
  });

  it('checks the identity, shows the network without applying it, and asks before the host configuration', async () => {
    expect((await rebuild.run('identity')).detail).toMatch(/^hostname pve1;/);
    const net = await rebuild.run('network');
    expect(net.detail).toContain('NICs now: enp5s0, vmbr0; the archived file uses eno1; eno1 does not exist here');
    expect(fresh().fs.files['/etc/network/interfaces']!.content).toContain('bridge-ports enp5s0');
    await expectDrError(rebuild.run('host-config'), 'confirmation-required');
    expect(fresh().pve!.storages['pbs1']).toBeUndefined();
  });

  it('waits for the archived config.db when it is not on the node, and swaps it in once it is', async () => {
    const staged = fresh().fs.files['/root/strata-restore/config.db']!;
    delete fresh().fs.files['/root/strata-restore/config.db'];
    const waiting = await rebuild.run('host-config', { confirm: true });
    expect(waiting.state).toBe('blocked');
    expect(waiting.detail).toContain('no config.db at /root/strata-restore/config.db on the new node');
    fresh().fs.files['/root/strata-restore/config.db'] = staged;
    const done = await rebuild.run('host-config', { confirm: true });
    expect(done.state).toBe('done');
    expect(done.runs).toBe(2);
    expect(fresh().fs.files['/var/lib/pve-cluster/config.db']!.mode).toBe(0o600);
    expect(Object.keys(fresh().pve!.storages).sort()).toEqual(['local', 'local-backup', 'local-lvm', 'local-zfs', 'pbs1']);
  });

  it('a storage step stopped after pvesm add (disabled, no .pw) is not done, and its resume finishes it; a fingerprint that is not the PBS certificate now is set again', async () => {
    // The run stopped right after its first command: the storage is there, disabled, without its password,
    // and with the fingerprint of an older certificate (as a storage.cfg archived before a renewal would have it).
    const runners = new LabRunners(lab);
    try {
      const spec = { id: 'pbs-remote', server: 'pbs2', datastore: 'offsite', username: 'strata@pbs!ro', fingerprint: PBS_CERT_FINGERPRINT.pbs1, keyFile: '/etc/pve/priv/storage/pbs1.enc' };
      const added = await runners.get('pve1-new').run(addPbsDisabledCommand(spec));
      expect([added.exitCode, added.stderr]).toEqual([0, '']);
    } finally {
      await runners.close();
    }
    expect(fresh().fs.files['/etc/pve/priv/storage/pbs-remote.pw']).toBeUndefined();
    const checked = await rebuild.check('storage');
    expect([checked.state, checked.detail]).toEqual(['pending', 'pbs-remote added but disabled (a run stopped before its .pw and enabling it)']);
    const storage = await rebuild.run('storage', { confirm: true });
    expect(storage.state, storage.detail).toBe('done');
    expect(storage.detail).toContain(`found pbs-remote added but disabled, without its .pw, with fingerprint ${PBS_CERT_FINGERPRINT.pbs1} (the PBS has ${PBS_CERT_FINGERPRINT.pbs2} now: set again); pbs-remote added (e1:55:0b:9c...) with the encryption key /etc/pve/priv/storage/pbs1.enc`);
    expect(fresh().pve!.storages['pbs-remote']!.pbs!.fingerprint).toBe(PBS_CERT_FINGERPRINT.pbs2);
    expect(fresh().fs.files['/etc/pve/priv/storage/pbs-remote.pw']).toMatchObject({ content: `${SECRETS.pbs2Token}\n`, mode: 0o600 });
    expect(fresh().pve!.storages['pbs-remote']!.disabled).toBeUndefined();
  });

  it('restores every guest by tier, the chain adding its datastore the same way', async () => {
    const order: string[] = [];
    for (let s = rebuild.next(); s && s.id !== 'report'; s = rebuild.next()) {
      if (s.id === 'chains') {
        // Just before tier2: vm/111's only copy off the lost site is inside restic-cloud's copy of pbs1's datastore.
        expect(order).toHaveLength(6);
        const chains = await rebuild.run('chains', { confirm: true });
        expect([chains.state, chains.detail]).toEqual(['done', expect.stringMatching(/^usb-restored on pbs2 from restic-cloud \(snapshot [0-9a-f]{8}\) for vm\/111$/)]);
        expect(lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']).toBeDefined();
        expect(fresh().pve!.storages['usb-restored']).toMatchObject({ type: 'pbs', pbs: { host: 'pbs2', datastore: 'usb-restored', username: 'strata@pbs!ro' } });
        expect(fresh().pve!.storages['usb-restored']!.disabled).toBeUndefined();
        expect(fresh().fs.files['/etc/pve/priv/storage/usb-restored.pw']).toMatchObject({ content: `${SECRETS.pbs2Token}\n`, mode: 0o600 });
        continue;
      }
      const ran = await rebuild.run(s.id, { confirm: true, onEvent: (e) => e.type === 'guest' && e.guest.state === 'restoring' && order.push(e.guest.assetId) });
      expect([s.id, ran.state]).toEqual([s.id, 'done']);
    }
    expect(rebuild.state().steps.map((s) => s.id).slice(5)).toEqual(['tier:tier0', 'tier:tier1', 'chains', 'tier:tier2', 'tier:tier3', 'report']);
    expect(order.slice(0, 3).sort()).toEqual(['ct/102', 'vm/100', 'vm/101']);
    expect(order.slice(3, 6).sort()).toEqual(['ct/103', 'ct/105', 'vm/104']);
    const guests = fresh().pve!.guests;
    for (const vmid of [100, 101, 102, 103, 104, 105, 110, 111, 120, 121, 122]) expect(guests[vmid], String(vmid)).toMatchObject({ status: 'running' });
    // From its newest point in the restored datastore.
    const vm111 = rebuild.state().steps.flatMap((s) => s.guests ?? []).find((g) => g.assetId === 'vm/111')!;
    const newest = lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']!.snapshots.filter((x) => x.type === 'vm' && x.id === '111').reduce((a, x) => Math.max(a, x.time), 0);
    expect(vm111).toMatchObject({ state: 'checked', chainId: 'restic-cloud:pbs-local', pointTimeSec: newest });
    expect(vm111.sourceId).toMatch(/^pbs-local-restored@/);
    const report = await rebuild.run('report', { confirm: true });
    expect(report.state).toBe('done');
    expect(rebuild.next()).toBeNull();
    expect(rebuild.state().finishedAtSec).not.toBeNull();
    await rebuild.close();
  });

  it('keeps no secret in the saved state or the journal', () => {
    const saved = readFileSync(join(state, 'dr-rebuild.json'), 'utf8');
    const journal = journalText();
    for (const secret of Object.values(SECRETS)) {
      expect(saved).not.toContain(secret);
      expect(journal).not.toContain(secret);
    }
    expect(journal).toContain('PBS_PASSWORD=<secret> sh -c');
  });

  it('started no process on any host with a secret of the inventory on its argument list during the whole rebuild', () => {
    const secrets = [...Object.values(SECRETS), PVE1_KEY.data];
    const hosts = Object.keys(lab.state.hosts);
    expect(hosts).toContain('pve1-new');
    expect(lab.started('pve1-new').some((a) => a[0] === 'pvesm' && a[1] === 'set')).toBe(true);
    for (const host of hosts) {
      const leaked = lab.started(host).filter((argv) => argv.some((arg) => secrets.some((s) => arg.includes(s))));
      expect(leaked, host).toEqual([]);
    }
  });

  it('the report is in the journal', async () => {
    const journal = journalText();
    expect(journal).toMatch(/"summary":"DR rebuild of pve1: 11\/11 guests up; RTO tier0 \d+ s of 4 h/);
    const r = (await services.dr.report())!;
    expect(r.tiers.map((t) => [t.name, t.met])).toEqual([
      ['tier0', true],
      ['tier1', true],
      ['tier2', true],
      ['tier3', true],
    ]);
    const vm100 = r.guests.find((g) => g.assetId === 'vm/100')!;
    expect(vm100.pointAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(vm100.dataLostSeconds).toBeGreaterThan(3 * 3600);
  });

  it('run again over the rebuilt node, every step that writes is found done and no guest is restored twice', async () => {
    const before = restoresOf('vm/100');
    expect(before).toBe(1);
    // The first one finished: a new one starts without --restart, and trusts the node again (the same line, once).
    const again = await services.dr.start({ port: lab.freshNode!.port });
    await again.run('node', { typedFingerprint: lab.freshNode!.fingerprint });
    await again.run('identity');
    await again.run('network');
    // The wizard's read-only look before it asks: found done, saved so, nothing run.
    expect((await again.check('host-config')).state).toBe('already-done');
    expect((await services.dr.saved())!.steps.find((s) => s.id === 'host-config')!.state).toBe('already-done');
    for (let s = again.next(); s; s = again.next()) await again.run(s.id, { confirm: true });
    const states = Object.fromEntries(again.state().steps.map((s) => [s.id, s.state]));
    expect(readFileSync(join(state, 'dr-known_hosts'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(states).toMatchObject({ node: 'done', 'host-config': 'already-done', storage: 'already-done', chains: 'already-done' });
    expect(again.state().steps.find((s) => s.id === 'tier:tier0')!.guests!.map((g) => g.state)).toEqual(['already-there', 'already-there', 'already-there']);
    expect(restoresOf('vm/100')).toBe(1);
    await again.close();
    rmSync(join(state, 'dr-rebuild.json'));
  });
});
