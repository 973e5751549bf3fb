/**
 * The chain through a cold rclone copy when the copy's host runs rclone 1.60
 * (Debian 12's: no `backend restore-status`), on the lab: the thaw is asked
 * once and the step waits (a thaw just asked is not done, and rclone cannot
 * say how far it is); a resume tries the copy, which fails on objects still
 * frozen saying to wait; a resume once they have thawed copies again and
 * finishes the chain, the thaw never asked a second time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/index.js';
import type { Rebuild } from '../../../src/services/dr/api.js';
import { rebuildThrough, startDrLab, type DrLab } from '../../helpers/lab/dr-lab.js';

let dr: DrLab;
let lab: Lab;
let rebuild: Rebuild;
const REMOTE = 'pbsdeep:strata-pbs/usb';
const STORE = '/mnt/datastore/strata-pbs-local/mnt/usb/pbs';

beforeAll(async () => {
  dr = await startDrLab({ timeScale: 0.25, datastoreCopy: 'rclone-cold' });
  ({ lab } = dr);
  lab.state.hosts.docker1!.tools = { rclone: '1.60.1' };
  rebuild = await rebuildThrough(dr, ['identity', 'network', 'host-config', 'storage', 'tier:tier0', 'tier:tier1']);
}, 120_000);
afterAll(async () => {
  await rebuild?.close();
  await dr?.stop();
});

const argvs = (host: string, ...head: string[]) => lab.started(host).filter((a) => head.every((w, i) => a[i] === w));
const objects = () => Object.values(lab.state.cloud.buckets['strata-pbs']!);

describe("the rclone chain with rclone 1.60 on the copy's host", () => {
  it('asks the thaw once and waits; a resume tries the copy, which fails on objects still frozen saying to wait; once thawed, the next finishes', async () => {
    const n = objects().length;
    const first = await rebuild.run('chains', { confirm: true });
    expect(first.state).toBe('blocked');
    expect(first.detail).toContain(`thaw asked for ${n} objects of ${REMOTE}; rclone on docker1 cannot say how far it is (restore-status is 1.64+): resume in some hours (Standard), the copy then tries`);
    expect(argvs('docker1', 'rclone', 'backend', 'restore')).toHaveLength(1);
    expect(argvs('pbs2', 'rclone', 'copy')).toHaveLength(0);

    // Resumed at once (3 s of thaw at this time scale): the copy meets frozen objects.
    const early = await rebuild.run('chains', { confirm: true });
    expect(early.state).toBe('failed');
    expect(early.detail).toContain('rclone copy of the directory on pbs2: rclone exited with 1');
    expect(early.detail).toContain('objects are still frozen: wait for the thaw, then resume. Resume restores again into /mnt/datastore/strata-pbs-local');
    expect(argvs('pbs2', 'rclone', 'copy', REMOTE, STORE)).toHaveLength(1);

    while (objects().some((o) => o.restoreReadyAt! > Date.now() / 1000)) await sleep(200);
    const done = await rebuild.run('chains', { confirm: true });
    expect(done.state).toBe('done');
    expect(rebuild.state().chains![0]).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 2 });
    expect(argvs('docker1', 'rclone', 'backend', 'restore')).toHaveLength(1);
    expect(argvs('pbs2', 'rclone', 'copy', REMOTE, STORE)).toHaveLength(2);
    expect(lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']!.snapshots.some((s) => s.type === 'vm' && s.id === '111')).toBe(true);
  }, 120_000);
});
