/**
 * `strata dr run --yes` as its own process against the disaster lab, where
 * vm/111's only copy off the lost site is inside restic-cloud's copy of
 * pbs1's datastore: killed with SIGKILL while restic restores that copy onto
 * pbs2, `strata dr run --resume --yes` restores it again into the same
 * directory, creates the datastore once, and brings vm/111 back from its
 * newest point in the restored datastore, running on the new node; the
 * report says where it came from and how old it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SECRETS } from '../../src/lab/homelab/topology.js';
import { savedRebuild, startDrRun, stepOf } from '../helpers/lab/dr-run-child.js';

let lab: Lab;
let state: string;

beforeAll(async () => {
  lab = await startLab({ scenario: 'disaster', timeScale: 0.05 });
  state = join(lab.dir, 'state');
});
afterAll(async () => lab?.stop());

const saved = () => savedRebuild(state);
const journal = () => readFileSync(join(state, 'journal.jsonl'), 'utf8').split('\n');
const STORE = '/mnt/datastore/strata-pbs-local/mnt/usb/pbs';
const restoredFiles = () => Object.keys(lab.state.hosts.pbs2!.fs.files).filter((p) => p.startsWith(`${STORE}/`)).length;
const started = (title: string) => journal().filter((l) => l.includes('"type":"action-start"') && l.includes(title)).length;

describe('strata dr run, killed while the chain restores the datastore', () => {
  it('resumes: restores again into the same directory, creates the datastore once, and vm/111 runs from its newest point there', async () => {
    const run = startDrRun(lab, state);
    let slowed = false;
    const killedAt = await run.killWhen(
      (s) => {
        // Once the storage step is done, pbs2 answers slowly: the restore lasts long enough to be killed in.
        if (s && !slowed && stepOf(s, 'storage').state === 'done') {
          lab.inject('pbs2', { kind: 'latency', ms: 1_500 });
          slowed = true;
        }
        // Killed once restic has written part of the datastore directory on pbs2, before the chain saw it end.
        const chain = s?.chains?.[0];
        return chain !== undefined && chain.restoreRuns === 1 && chain.reached === 'source' && restoredFiles() > 0;
      },
      { pollMs: 5 },
    );
    const { child } = run;
    const out = run.output();
    lab.clear('pbs2');
    expect(killedAt, out).not.toBeNull();
    expect(child.signalCode).toBe('SIGKILL');
    const atKill = saved()!;
    expect(atKill.finishedAtSec).toBeNull();
    expect(stepOf(atKill, 'chains').state).toBe('running');
    expect(started("restore pbs-local's datastore from restic-cloud onto pbs2")).toBe(1);

    const io = memoryIo('', { STRATA_STATE_DIR: state });
    const code = await main(['dr', 'run', '--config', lab.configPath, '--resume', '--yes'], io);
    expect(code, io.stdout + io.stderr).toBe(0);
    const end = saved()!;
    expect(end.finishedAtSec).not.toBeNull();
    expect(end.chains![0]).toMatchObject({ state: 'done', reached: 'storage', restoreRuns: 2, snapshot: killedAt!.chains![0]!.snapshot });
    // Restored again after the kill; the datastore, its ACL and the node's storage made once.
    expect(started("restore pbs-local's datastore from restic-cloud onto pbs2")).toBe(2);
    expect(started('add datastore usb-restored on pbs2')).toBe(1);
    expect(started('let strata@pbs!ro read usb-restored')).toBe(1);
    expect(started('DR rebuild of pve1: add usb-restored')).toBe(1);
    expect(Object.keys(lab.state.hosts.pbs2!.pbs!.datastores)).toContain('usb-restored');

    const vm111 = stepOf(end, 'tier:tier2').guests!.find((g) => g.assetId === 'vm/111')!;
    const newest = lab.state.hosts.pbs2!.pbs!.datastores['usb-restored']!.snapshots.filter((x) => x.type === 'vm' && x.id === '111').reduce((a, x) => Math.max(a, x.time), 0);
    expect(vm111).toMatchObject({ state: 'checked', chainId: 'restic-cloud:pbs-local', pointTimeSec: newest, attempts: 1 });
    expect(lab.state.hosts['pve1-new']!.pve!.guests[111]).toMatchObject({ status: 'running' });

    const md = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['dr', 'report', '--config', lab.configPath, '--markdown'], md)).toBe(0);
    expect(md.stdout).toMatch(/\| vm\/111 \| tier2 \| checked \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \| \d+ (h|d)[^|]* \| [^|]+ \| pbs-local-restored \(chain restic-cloud:pbs-local\) \|/);

    // No secret of the copy or the PBS in the journal, the saved state or what the commands printed.
    const text = readFileSync(join(state, 'journal.jsonl'), 'utf8') + readFileSync(join(state, 'dr-rebuild.json'), 'utf8') + out + io.stdout + io.stderr;
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  }, 180_000);
});
