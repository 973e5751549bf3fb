/**
 * `strata dr run` on a terminal without --yes asks: the new node's
 * fingerprint must be typed (a wrong one trusts nothing), then y/N before
 * each step that writes and is not found done by its check (the chains step
 * too: vm/111 comes back through restic-cloud's copy of pbs1's datastore); a "no" stops
 * before the step with nothing of it run, and `--resume` asks again from
 * there. Off a terminal it only shows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, type CliIo } from '../../src/cli/io.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { answeringTerminal, runDr } from '../helpers/lab/dr-run-child.js';

let lab: Lab;
let state: string;
beforeAll(async () => {
  lab = await startLab({ scenario: 'disaster', timeScale: 0.05 });
  state = join(lab.dir, 'state');
});
afterAll(async () => lab?.stop());

const terminal = (answers: string[]) => answeringTerminal(state, answers);

const run = (io: CliIo, extra: string[] = []) => runDr(lab, io, extra);

describe('strata dr run on a terminal', () => {
  it('off a terminal only shows the steps and saves nothing', async () => {
    const io = memoryIo('', { STRATA_STATE_DIR: state });
    expect(await run(io)).toBe(0);
    expect(io.stdout).toContain('Nothing was changed.');
    expect(existsSync(join(state, 'dr-rebuild.json'))).toBe(false);
  });

  it('trusts nothing on a mistyped fingerprint', async () => {
    const io = terminal(['SHA256:not-what-it-offers']);
    expect(await run(io)).toBe(1);
    expect(io.stdout).toContain(`the new node offers ${lab.freshNode!.fingerprint} (ssh-ed25519).`);
    expect(io.stderr).toContain('is not the one the node offers');
    expect(existsSync(join(state, 'dr-known_hosts'))).toBe(false);
  });

  it('asks before each step that writes; no stops before it, and --resume asks from there', async () => {
    const io = terminal([lab.freshNode!.fingerprint, 'y', 'n']);
    expect(await run(io, ['--resume'])).toBe(1);
    expect(io.questions).toEqual([
      '   Type the fingerprint you read on its console (ssh-keygen -lf ...), or nothing to stop: ',
      '   Run step 4 on the new node? [y/N] ',
      '   Run step 5 on the new node? [y/N] ',
    ]);
    expect(io.stdout).toContain('Stopped before step 5: nothing of it ran.');
    const fresh = lab.state.hosts['pve1-new']!;
    expect(fresh.pve!.storages['pbs1']).toBeDefined();
    expect(fresh.pve!.storages['pbs-remote']).toBeUndefined();

    const again = terminal(['y', 'y', 'y', 'y', 'y', 'y', 'y', 'y']);
    expect(await run(again, ['--resume']), again.stdout + again.stderr).toBe(0);
    // The chains step (8, just before tier2 whose vm/111 needs it) also writes on pbs2, and says so.
    expect(again.questions).toEqual([5, 6, 7, 8, 9, 10, 11].map((n) => `   Run step ${n} on the new node${n === 8 ? ' and pbs2' : ''}? [y/N] `));
    expect(again.stdout).toMatch(/-> done: usb-restored on pbs2 from restic-cloud \(snapshot [0-9a-f]{8}\) for vm\/111/);
    expect(again.stdout).toContain('The rebuild of pve1 is finished');
    expect(fresh.pve!.guests[100]).toMatchObject({ status: 'running' });
  });
});
