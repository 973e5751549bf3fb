/**
 * The chains step's refusals on the disaster lab, through the real engine
 * and SSH: pbs2 without restic, then restic-cloud's password file holding a
 * wrong password, then a PBS too old for --reuse-datastore, each stops the
 * step with what to do (never the secret); once fixed, the same step run
 * again goes on from where it stopped and finishes the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/index.js';
import { SECRETS } from '../../../src/lab/homelab/topology.js';
import type { Rebuild } from '../../../src/services/dr/api.js';
import { rebuildThrough, startDrLab, type DrLab } from '../../helpers/lab/dr-lab.js';

let dr: DrLab;
let lab: Lab;
let rebuild: Rebuild;

beforeAll(async () => {
  dr = await startDrLab();
  ({ lab } = dr);
  // The chains step stands just before tier2 (vm/111 needs it): tier0 and tier1 come back first.
  rebuild = await rebuildThrough(dr, ['identity', 'network', 'host-config', 'storage', 'tier:tier0', 'tier:tier1']);
});
afterAll(async () => {
  await rebuild?.close();
  await dr?.stop();
});

const pbs2 = () => lab.state.hosts.pbs2!;
const passFile = () => lab.state.hosts.docker1!.fs.files['/root/.restic-cloud-pass']!;

describe('the chains step on the disaster lab, refused and then fixed', () => {
  it('pbs2 without restic: blocked, apt install restic there; nothing restored', async () => {
    const packages = pbs2().packages;
    pbs2().packages = packages.filter((p) => p !== 'restic');
    try {
      const step = await rebuild.run('chains', { confirm: true });
      expect(step.state).toBe('blocked');
      expect(step.detail).toMatch(/^restic-cloud:pbs-local: restic is not installed on pbs2 \(.+\): apt install restic there, then resume$/);
      expect(Object.keys(pbs2().fs.files).some((p) => p.startsWith('/mnt/datastore/'))).toBe(false);
    } finally {
      pbs2().packages = packages;
    }
  });

  it('a wrong password in restic-cloud\'s password file: blocked, naming the file, not its content', async () => {
    const right = passFile().content;
    passFile().content = 'not the cloud passphrase\n';
    try {
      const step = await rebuild.run('chains', { confirm: true });
      expect(step.state).toBe('blocked');
      expect(step.detail).toContain("restic-cloud's password does not open s3:https://s3.example.com/strata-restic");
      expect(step.detail).toContain('RESTIC_PASSWORD: file /root/.restic-cloud-pass on docker1');
      expect(step.detail).not.toContain('not the cloud passphrase');
      for (const v of Object.values(SECRETS)) expect(step.detail).not.toContain(v);
    } finally {
      passFile().content = right;
    }
  });

  it('pbs2 on PBS 3.2 (no --reuse-datastore): failed after the restore, saying PBS 3.3 is needed; nothing restored twice later', async () => {
    const tools = pbs2().tools;
    pbs2().tools = { ...tools, pbsServer: '3.2.7' };
    try {
      const step = await rebuild.run('chains', { confirm: true });
      expect(step.state).toBe('failed');
      expect(step.detail).toContain('proxmox-backup-manager datastore create on pbs2');
      expect(step.detail).toContain('(PBS 3.3 or later is needed for --reuse-datastore)');
      expect(rebuild.state().chains![0]).toMatchObject({ reached: 'owner', restoreRuns: 1 });
    } finally {
      pbs2().tools = tools;
    }
  });

  it('fixed, the same step runs again and finishes the chain from where it stopped: shared and on the node', async () => {
    const step = await rebuild.run('chains', { confirm: true });
    expect([step.state, step.runs]).toEqual(['done', 4]);
    expect(rebuild.state().chains![0]).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 1 });
    expect(lab.state.hosts['pve1-new']!.pve!.storages['usb-restored']).toBeDefined();
  });
});
