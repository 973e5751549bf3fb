/**
 * The chain through an rclone copy on the lab, end to end: the disaster lab
 * whose off-site copy of pbs1's datastore directory is `pbs-deep`, an rclone
 * copy in S3 DEEP_ARCHIVE (restic-cloud no longer carries it). The DR plan
 * shows vm/111's way back as that chain with a thaw first; the chains step
 * asks the thaw once on docker1 and waits ("thawing N of M"), then copies the
 * directory onto pbs2 with the remote's settings passed as secrets, creates
 * the datastore over it, grants the token, adds the storage on the new node,
 * and tier2 brings vm/111 back from it, running. No secret of the copy on any
 * command line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/index.js';
import { SECRETS } from '../../../src/lab/homelab/topology.js';
import type { Rebuild } from '../../../src/services/dr/api.js';
import type { Services } from '../../../src/services/root.js';
import { startDrLab, type DrLab } from '../../helpers/lab/dr-lab.js';

let dr: DrLab;
let lab: Lab;
let services: Services;
let rebuild: Rebuild;

const STORE = '/mnt/datastore/strata-pbs-local/mnt/usb/pbs';
const REMOTE = 'pbsdeep:strata-pbs/usb';

beforeAll(async () => {
  // A DEEP_ARCHIVE thaw takes 12 s at time scale 1: 3 s here, long enough to be seen pending.
  dr = await startDrLab({ timeScale: 0.25, datastoreCopy: 'rclone-cold' });
  ({ lab, services } = dr);
}, 60_000);
afterAll(async () => {
  await rebuild?.close();
  await dr?.stop();
});

const argvs = (host: string, ...head: string[]) => lab.started(host).filter((a) => head.every((w, i) => a[i] === w));
const objects = () => Object.values(lab.state.cloud.buckets['strata-pbs']!);

describe('the DR chain through a cold rclone copy, on the lab', () => {
  it('plans vm/111 through pbs-deep: thaw (its bound counted), the datastore restored onto a PBS host, then the guest', async () => {
    const plan = await services.dr.plan();
    expect(plan.copies.find((c) => c.layerId === 'pbs-deep')).toMatchObject({ kind: 'rclone', state: 'answers' });
    const vm111 = plan.guests.find((g) => g.assetId === 'vm/111')!;
    expect(vm111.paths.map((p) => [p.kind, p.layerId])).toEqual([['chain', 'pbs-deep']]);
    expect(vm111.path).toMatchObject({ kind: 'chain', layerId: 'pbs-deep', via: ['pbs-local'] });
    expect(vm111.path!.steps.map((s) => s.kind)).toEqual(['thaw', 'restore-datastore', 'add-datastore', 'add-storage', 'guest-restore']);
    // The thaw's bound (a Standard thaw of DEEP_ARCHIVE: within 12 hours) counts: tier2's time is known and judged.
    expect(vm111.path!.steps[0]).toEqual({ kind: 'thaw', label: 'thaw the objects of pbs-deep (DEEP_ARCHIVE, Standard: within 12 hours)', expectedSeconds: 12 * 3600 });
    expect(vm111.path!.expectedSeconds).toBeGreaterThan(12 * 3600);
    expect(plan.steps.find((x) => x.id === 'chains')!.expectedSeconds).toBeGreaterThan(12 * 3600);
    expect(plan.tiers.find((t) => t.name === 'tier2')).toMatchObject({ rtoSeconds: 86_400, meetsRto: true });
  });

  it('asks the thaw once and waits while objects thaw, then copies, creates, grants and adds the datastore', async () => {
    rebuild = await services.dr.start({ port: lab.freshNode!.port });
    await rebuild.run('node', { typedFingerprint: lab.freshNode!.fingerprint });
    for (const id of ['identity', 'network', 'host-config', 'storage', 'tier:tier0', 'tier:tier1']) expect((await rebuild.run(id, { confirm: true })).state).toBe('done');
    expect(rebuild.state().chains![0]).toMatchObject({ id: 'pbs-deep:pbs-local', copyKind: 'rclone', cold: true, thaw: null, copyHost: 'docker1', host: 'pbs2', store: STORE });
    const shown = rebuild.state().steps.find((s) => s.id === 'chains')!.commands.map((c) => `${c.host}: ${c.command}`);
    expect(shown).toContain(`docker1: rclone backend restore ${REMOTE} -o 'priority=Standard' -o 'lifetime=7'`);
    expect(shown).toContain(`pbs2: RCLONE_CONFIG_PBSDEEP_TYPE=<secret> rclone copy ${REMOTE} ${STORE} --stats 10s --stats-one-line --stats-log-level NOTICE`);

    const n = objects().length;
    const first = await rebuild.run('chains', { confirm: true });
    expect(first.state).toBe('blocked');
    expect(first.detail).toContain(`thawing ${n} of ${n} objects of ${REMOTE} (0 thawed; asked 0 min ago, Standard takes hours): resume later`);
    expect(rebuild.state().chains![0]).toMatchObject({ reached: 'tool', thaw: { objects: n }, state: 'blocked' });
    expect(argvs('docker1', 'rclone', 'backend', 'restore')).toHaveLength(1);
    expect(argvs('pbs2', 'rclone', 'copy')).toHaveLength(0);

    // Run again until the objects are thawed: each run reads how far it is, none asks again.
    let step = first;
    const deadline = Date.now() + 60_000;
    while (step.state === 'blocked' && Date.now() < deadline) {
      await sleep(500);
      step = await rebuild.run('chains', { confirm: true });
      if (step.state === 'blocked') expect(step.detail).toMatch(/thawing \d+ of \d+ objects/);
    }
    expect([step.state, step.detail]).toEqual(['done', expect.any(String)]);
    expect(argvs('docker1', 'rclone', 'backend', 'restore')).toHaveLength(1);
    expect(argvs('docker1', 'rclone', 'backend', 'restore-status').length).toBeGreaterThanOrEqual(2);
    expect(objects().every((o) => o.restoreReadyAt !== undefined)).toBe(true);

    const chain = rebuild.state().chains![0]!;
    expect(chain).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 1 });
    expect(argvs('pbs2', 'rclone', 'copy', REMOTE, STORE)).toHaveLength(1);
    const pbs2 = lab.state.hosts.pbs2!;
    expect(Object.keys(pbs2.fs.files).filter((p) => p.startsWith(`${STORE}/`)).length).toBe(n);
    expect(pbs2.pbs!.datastores['usb-restored']).toMatchObject({ path: STORE });
    expect(pbs2.pbs!.datastores['usb-restored']!.snapshots.some((s) => s.type === 'vm' && s.id === '111')).toBe(true);
    expect(pbs2.pbs!.acl).toContainEqual(expect.objectContaining({ path: '/datastore/usb-restored', ugid: 'strata@pbs!ro', roleid: 'DatastoreReader' }));
    expect(lab.state.hosts['pve1-new']!.pve!.storages['usb-restored']).toMatchObject({ type: 'pbs' });
  }, 120_000);

  it('tier2 restores vm/111 from the restored datastore and starts it', async () => {
    const step = await rebuild.run('tier:tier2', { confirm: true });
    expect(step.state).toBe('done');
    const vm111 = step.guests!.find((g) => g.assetId === 'vm/111')!;
    const newest = lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']!.snapshots.filter((x) => x.type === 'vm' && x.id === '111').reduce((a, x) => Math.max(a, x.time), 0);
    expect(vm111).toMatchObject({ state: 'checked', chainId: 'pbs-deep:pbs-local', pointTimeSec: newest });
    expect(lab.state.hosts['pve1-new']!.pve!.guests[111]).toMatchObject({ status: 'running' });
    expect(argvs('pve1-new', 'qmrestore').some((a) => a[1]?.startsWith('usb-restored:backup/vm/111/'))).toBe(true);
  }, 120_000);

  it("put no secret of the copy on any command line of any host: the remote's keys reached pbs2 as the copy's environment", () => {
    const copySecrets = [SECRETS.s3KeyId, SECRETS.s3Secret];
    expect(lab.state.hosts.docker1!.fs.files['/root/.config/rclone/rclone.conf']!.content).toContain(SECRETS.s3Secret);
    for (const h of lab.hosts.map((x) => x.name)) {
      const lines = lab.started(h).map((a) => a.join(' '));
      for (const secret of copySecrets) expect(lines.filter((l) => l.includes(secret)), `${h}: ${secret}`).toEqual([]);
    }
    // pbs2 has no rclone configuration of its own: the copy found the remote in its environment only.
    expect(Object.keys(lab.state.hosts.pbs2!.fs.files).filter((p) => p.includes('rclone'))).toEqual([]);
  });
});
