/**
 * `strata dr run --yes` as its own process against the disaster lab whose
 * copy of pbs1's datastore is an rclone copy in DEEP_ARCHIVE (pbs-deep):
 * stopped with SIGKILL once the chain has asked the thaw (or stopped by
 * itself, waiting for the thaw), `strata dr run --resume --yes` after the
 * objects have thawed reads how far the thaw is without asking it again,
 * copies the directory onto pbs2 and brings vm/111 back from it, running;
 * the report says where it came from. No secret in what Strata kept or printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SECRETS } from '../../src/lab/homelab/topology.js';
import { savedRebuild, startDrRun, stepOf } from '../helpers/lab/dr-run-child.js';

let lab: Lab;
let state: string;

beforeAll(async () => {
  // A DEEP_ARCHIVE thaw takes 12 s at time scale 1: 3 s here.
  lab = await startLab({ scenario: 'disaster', timeScale: 0.25, datastoreCopy: 'rclone-cold' });
  state = join(lab.dir, 'state');
}, 60_000);
afterAll(async () => lab?.stop());

const saved = () => savedRebuild(state);
const thawAsks = () => lab.started('docker1').filter((a) => a[0] === 'rclone' && a[1] === 'backend' && a[2] === 'restore').length;
const objects = () => Object.values(lab.state.cloud.buckets['strata-pbs']!);

describe('strata dr run, stopped while the chain waits for the thaw of a cold rclone copy', () => {
  it('resumes without asking the thaw again, copies the datastore and vm/111 runs from it', async () => {
    const run = startDrRun(lab, state);
    // Killed as soon as the chain has saved the thaw it asked for (or stopped by itself, waiting for it).
    await run.killWhen((s) => Boolean(s?.chains?.[0]?.thaw), { deadlineMs: 120_000, pollMs: 5 });
    const { child } = run;
    const out = run.output();
    expect(child.signalCode === 'SIGKILL' || child.exitCode === 1, out).toBe(true);
    const atStop = saved()!;
    expect(atStop.finishedAtSec).toBeNull();
    expect(['running', 'blocked']).toContain(stepOf(atStop, 'chains').state);
    const thaw = atStop.chains![0]!.thaw!;
    expect(thaw.objects).toBe(objects().length);
    expect(thawAsks()).toBe(1);
    // Stopped before the thaw was seen done: nothing copied yet.
    expect(atStop.chains![0]!.reached).toBe('tool');
    expect(lab.started('pbs2').some((a) => a[0] === 'rclone' && a[1] === 'copy')).toBe(false);

    // Resumed once every object has thawed.
    while (objects().some((o) => o.restoreReadyAt! > Date.now() / 1000)) await sleep(200);
    const io = memoryIo('', { STRATA_STATE_DIR: state });
    const code = await main(['dr', 'run', '--config', lab.configPath, '--resume', '--yes'], io);
    expect(code, io.stdout + io.stderr).toBe(0);
    expect(thawAsks()).toBe(1);
    const end = saved()!;
    expect(end.finishedAtSec).not.toBeNull();
    expect(end.chains![0]).toMatchObject({ id: 'pbs-deep:pbs-local', state: 'done', reached: 'storage', restoreRuns: 1, thaw });
    expect(Object.keys(lab.state.hosts.pbs2!.pbs!.datastores)).toContain('usb-restored');

    const vm111 = stepOf(end, 'tier:tier2').guests!.find((g) => g.assetId === 'vm/111')!;
    const newest = lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']!.snapshots.filter((x) => x.type === 'vm' && x.id === '111').reduce((a, x) => Math.max(a, x.time), 0);
    expect(vm111).toMatchObject({ state: 'checked', chainId: 'pbs-deep:pbs-local', pointTimeSec: newest, attempts: 1 });
    expect(lab.state.hosts['pve1-new']!.pve!.guests[111]).toMatchObject({ status: 'running' });

    const md = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['dr', 'report', '--config', lab.configPath, '--markdown'], md)).toBe(0);
    expect(md.stdout).toMatch(/\| vm\/111 \| tier2 \| checked \| [^|]+ \| [^|]+ \| [^|]+ \| pbs-local-restored \(chain pbs-deep:pbs-local\) \|/);

    // No secret of the copy or the PBS in the journal, the saved state or what the commands printed.
    const text = readFileSync(join(state, 'journal.jsonl'), 'utf8') + readFileSync(join(state, 'dr-rebuild.json'), 'utf8') + out + io.stdout + io.stderr;
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  }, 240_000);
});
