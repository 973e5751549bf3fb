/**
 * `strata dr run --yes` as its own process against the disaster lab, killed
 * with SIGKILL in the middle of the rebuild (tier 0 up, a tier 1 guest
 * restoring): `strata dr run --resume --yes` finishes it without redoing the
 * steps that were done (each ran once, tier 0's guests were restored once),
 * restores the guest the kill cut short again, and every guest runs on the
 * new node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { savedRebuild, startDrRun, stepOf } from '../helpers/lab/dr-run-child.js';

let lab: Lab;
let state: string;

beforeAll(async () => {
  lab = await startLab({ scenario: 'disaster', timeScale: 0.05 });
  state = join(lab.dir, 'state');
});
afterAll(async () => lab?.stop());

const saved = () => savedRebuild(state);
const restoresOf = (assetId: string) =>
  readFileSync(join(state, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"action-start"') && l.includes('"kind":"restore"') && l.includes(`"assetId":"${assetId}"`)).length;

describe('strata dr run, killed mid-rebuild', () => {
  it('resumes with --resume where it stopped, redoing nothing that was done', async () => {
    const run = startDrRun(lab, state);
    const killedAt = await run.killWhen((s) => s !== null && stepOf(s, 'tier:tier1').guests!.some((g) => g.state === 'restoring'));
    const { child } = run;
    const out = run.output();
    expect(killedAt, out).not.toBeNull();
    expect(child.signalCode).toBe('SIGKILL');
    // Killed before the end: the rebuild is saved unfinished.
    const atKill = saved()!;
    expect(atKill.finishedAtSec).toBeNull();
    expect(stepOf(atKill, 'tier:tier3').state).toBe('pending');
    const cut = stepOf(atKill, 'tier:tier1').guests!.filter((g) => g.state === 'restoring').map((g) => g.assetId);
    expect(cut.length).toBeGreaterThan(0);

    const io = memoryIo('', { STRATA_STATE_DIR: state });
    const code = await main(['dr', 'run', '--config', lab.configPath, '--resume', '--yes'], io);
    expect(code, io.stdout + io.stderr).toBe(0);
    expect(io.stdout).not.toContain('1. The new node');
    const end = saved()!;
    expect(end.finishedAtSec).not.toBeNull();
    for (const id of ['node', 'identity', 'network', 'host-config', 'storage', 'tier:tier0']) expect([id, stepOf(end, id).runs]).toEqual([id, 1]);
    for (const g of stepOf(end, 'tier:tier0').guests!) {
      expect([g.assetId, g.state, g.attempts]).toEqual([g.assetId, 'checked', 1]);
      expect(restoresOf(g.assetId)).toBe(1);
    }
    // A restore the kill cut short was started again, over what it left; it ends checked.
    for (const g of stepOf(end, 'tier:tier1').guests!) {
      expect([g.assetId, g.state]).toEqual([g.assetId, 'checked']);
      if (cut.includes(g.assetId)) expect(g.attempts).toBe(2);
    }
    const guests = lab.state.hosts['pve1-new']!.pve!.guests;
    for (const vmid of [100, 101, 102, 103, 104, 105, 110, 111, 120, 121, 122]) expect(guests[vmid], String(vmid)).toMatchObject({ status: 'running' });

    // The report, as Markdown for the incident notes and as JSON.
    const md = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['dr', 'report', '--config', lab.configPath, '--markdown'], md)).toBe(0);
    expect(md.stdout).toMatch(/^# DR rebuild of pve1\n/);
    expect(md.stdout).toMatch(/\| tier0 \| 4 h \| \d+ s \| yes \|/);
    expect(md.stdout).toMatch(/\| vm\/100 \| tier0 \| checked \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \| \d+ h/);
    const json = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await main(['dr', 'report', '--config', lab.configPath, '--json'], json)).toBe(0);
    expect((JSON.parse(json.stdout) as { tiers: { met: boolean }[] }).tiers.map((t) => t.met)).toEqual([true, true, true, true]);
  }, 150_000);
});
